"""Repositories built on first use (tandem.dal.deferred): the container's Repos keeps its interface and builds each
adapter once, only when something reads it."""

from __future__ import annotations

from dataclasses import fields, replace

from tandem.dal.deferred import Deferred, LazyRepos, wrapped
from tandem.services.ports import Repos


class Adapter:
    def __init__(self, built: list[str], name: str) -> None:
        built.append(name)
        self.name = name

    def hello(self) -> str:
        return f"hello from {self.name}"


class Guard:
    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)


def lazy(built: list[str]) -> LazyRepos:
    return LazyRepos.deferred(
        {"items": lambda r: Adapter(built, "items"), "conversations": lambda r: Adapter(built, f"on {r.items.name}")},
        users=Adapter(built, "users"),
    )


def test_given_a_lazy_repos_when_nothing_reads_a_member_then_none_is_built_and_reading_builds_each_once():
    built: list[str] = []
    repos = lazy(built)
    assert built == ["users"]
    assert repos.conversations.name == "on items"  # a builder reads another member: built first, once
    assert repos.conversations is repos.conversations and built == ["users", "items", "on items"]
    assert type(repos.items) is Adapter
    assert repos.mail is None  # a member without a builder keeps the Repos default


def test_given_a_lazy_repos_when_guarded_then_wrapping_replace_and_fields_build_nothing_until_a_call():
    built: list[str] = []
    guarded = wrapped(lazy(built), Guard)
    again = replace(guarded, users=guarded.users)
    names = [f.name for f in fields(again)]
    assert built == ["users"] and "items" in names
    assert isinstance(again.items, Deferred)
    assert again.items.hello() == "hello from items"
    assert built == ["users", "items"] and isinstance(guarded.users, Guard) and type(again) is Repos


def test_given_a_lazy_repos_when_replaced_then_the_copy_is_an_ordinary_repos_with_every_member():
    built: list[str] = []
    copy = replace(lazy(built), users=None)
    assert copy.items.name == "items" and copy.users is None
    assert sorted(built) == ["items", "on items", "users"]


def test_given_the_dynamodb_repos_when_only_the_timers_are_read_then_no_people_adapter_or_their_types_load():
    import json
    import subprocess
    import sys

    code = """
import json, sys
from tandem.dal.dynamo import dynamo_repos
repos = dynamo_repos()
before = [m for m in ("tandem.dal.dynamo_people", "tandem.domain.tenants") if m in sys.modules]
repos.timers
after_timers = [m for m in ("tandem.dal.dynamo_people", "tandem.domain.tenants") if m in sys.modules]
users, items = repos.users, repos.items
shared = users.facts is items._facts is repos.organizations.facts is repos.item_types.facts
print(json.dumps([before, after_timers, type(repos.tenants).__name__, shared, type(users).__name__]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    before, after_timers, tenants, shared, users = json.loads(done.stdout.strip().splitlines()[-1])
    assert before == [] and after_timers == []
    assert tenants == "DynamoTenantRepo" and users == "DynamoUserRepo" and shared is True
