"""Custom roles on both backends (issue 15): versioned configuration records with case-insensitive unique names,
and the users' index of who holds a role."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contract.test_repos_contract import NOW, tenant
from tandem.domain.errors import Conflict
from tandem.domain.ids import new_id
from tandem.domain.people import Role, User
from tandem.domain.roles import RoleDef


def _role(tenant_id: str, name: str) -> RoleDef:
    return RoleDef(tenant_id, new_id(), name, NOW, privileges=["items.note", "views.save"])


def test_a_role_round_trips_and_saves_on_its_version(repos):
    # Given a custom role
    t = tenant(repos)
    stored = repos.roles.add(_role(t.id, "Notes only"))
    # When it is read back and saved twice from the same copy
    got = repos.roles.get(t.id, stored.id)
    saved = repos.roles.save(replace(got, privileges=["items.note"]))
    # Then it is the same role, one version further after the first save, and the stale save is a conflict
    assert got == stored and got.version == 1 and got.privileges == ["items.note", "views.save"]
    assert saved.version == 2 and repos.roles.get(t.id, stored.id).privileges == ["items.note"]
    with pytest.raises(Conflict):
        repos.roles.save(replace(got, name="stale"))
    with pytest.raises(Conflict):
        repos.roles.delete(got)
    repos.roles.delete(saved)
    assert repos.roles.get(t.id, stored.id) is None


def test_names_are_unique_per_tenant_whatever_their_case_and_freed_by_a_rename(repos):
    # Given a role "Notes only" in one tenant
    a, b = tenant(repos, "acme"), tenant(repos, "other")
    first = repos.roles.add(_role(a.id, "Notes only"))
    # When another role takes the same name in other letters, in the same tenant and in another one
    with pytest.raises(Conflict):
        repos.roles.add(_role(a.id, "NOTES ONLY"))
    repos.roles.add(_role(b.id, "notes only"))
    # Then only the other tenant's succeeds; once renamed, the first name is free again
    repos.roles.save(replace(first, name="Private notes"))
    again = repos.roles.add(_role(a.id, "notes only"))
    names = sorted(r.name for r in repos.roles.list(a.id, limit=50).items)
    assert names == ["Private notes", "notes only"] and again.version == 1


def test_who_holds_a_role_follows_the_users_role(repos):
    # Given an agent given a custom role, and a customer
    t = tenant(repos)
    role = repos.roles.add(_role(t.id, "Notes only"))
    agent = repos.users.add(User(t.id, new_id(), "nina@acme.example", "Nina", Role.AGENT, NOW, role_id=role.id))
    repos.users.add(User(t.id, new_id(), "carl@customer.example", "Carl", Role.CUSTOMER, NOW, role_id=role.id))
    # When the agent is given the built-in agent role back
    held_before = repos.users.any_with_role(t.id, role.id)
    repos.users.save(replace(agent, role_id="agent"))
    # Then the role was held (by the agent: a customer holds none) and is no longer
    assert held_before
    assert not repos.users.any_with_role(t.id, role.id)
    assert repos.users.any_with_role(t.id, "agent")
    assert not repos.users.any_with_role("another-tenant", "agent")
