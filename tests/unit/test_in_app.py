"""Who gets which in-app notification from a change event (services/in_app.py), on in-memory repos.

The desk: admin Ada, agents Mia (team Support) and Olaf, customers Alice (requester) and Bob. The tenant is closed
(agents see the projects they are members of); Alice's ticket is in project Incoming, of which Support is a member.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from tandem.dal.memory import drain_events, memory_repos
from tandem.domain.hierarchy import team_ref
from tandem.domain.ids import new_id
from tandem.domain.items import Cause
from tandem.domain.messages import Visibility
from tandem.domain.people import Role
from tandem.domain.permissions import Principal
from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer, MemoryOnce
from tandem.runtime.memory_webhooks import MemoryWebhookSender
from tandem.services import in_app, inbox, manage_people, manage_projects
from tandem.services.deps import Deps
from tandem.services.open_item import NewItem, open_item
from tandem.services.post_message import add_message, post_message
from tandem.services.sign_up import sign_up
from tandem.services.tenant_settings import update_settings
from tandem.services.update_item import change_item, update_item


class PlainTokens:
    def issue(self, claims, ttl_seconds):
        return "token"

    def verify(self, token):
        return None


class PlainHasher:
    def hash(self, password: str) -> str:
        return "plain:" + password

    def verify(self, stored: str, password: str) -> bool:
        return stored == "plain:" + password


@dataclass
class Desk:
    deps: Deps
    p: dict[str, Principal]
    ids: dict[str, str]
    ref: str

    def deliver(self, *, twice: bool = False) -> int:
        """Run every pending change event through in_app.react (twice each: a redelivered stream batch)."""
        added = 0
        for event in drain_events(self.deps.repos):
            added += in_app.react(self.deps, event)
            if twice:
                added += in_app.react(self.deps, event)
        return added

    def notes(self, who: str) -> list[tuple[str, str | None, str]]:
        page = self.deps.repos.notifications.list(self.p[who].tenant_id, self.p[who].user_id)
        return [(n.kind.value, n.actor_id, n.actor_name) for n in page.items]

    def unread(self, who: str) -> int:
        return inbox.changes(self.deps, self.p[who]).unread


def _principal(user) -> Principal:
    return Principal(user.tenant_id, user.id, user.role, (), user.organization_id, user.email, user.name)


def ticking_clock():
    """A second later at every call: notifications of successive changes sort by time."""
    ticks = itertools.count()

    def now() -> str:
        n = next(ticks)
        return f"2026-11-22T{10 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z"

    return now


@pytest.fixture
def desk() -> Desk:
    deps = Deps(repos=memory_repos(), clock=ticking_clock(), new_id=new_id,
                passwords=PlainHasher(), tokens=PlainTokens(), blobs=MemoryBlobStore(), mailer=MemoryMailer(),
                once=MemoryOnce(), webhooks=MemoryWebhookSender())
    signed = sign_up(deps, organization="Agency", slug="agency", email="ada@agency.example", name="Ada Admin",
                     password="long enough pw")
    ada = _principal(signed.user)
    update_settings(deps, ada, {"agents_see_all": False})
    mia = manage_people.create_user(deps, ada, email="mia@agency.example", name="Mia Member", password="pw pw pw pw")
    olaf = manage_people.create_user(deps, ada, email="olaf@agency.example", name="Olaf Outsider")
    support = manage_people.create_team(deps, ada, name="Support", member_ids=[mia.id])
    alice = manage_people.create_customer(deps, ada, email="alice@customer.example", name="Alice A")
    bob = manage_people.create_customer(deps, ada, email="bob@customer.example", name="Bob B")
    project = manage_projects.create_project(deps, ada, name="Incoming", members=[team_ref(support.id)])
    types = deps.repos.item_types.list(signed.tenant.id).items
    ticket_type = next(t for t in types if t.kind == "ticket")
    tenant = deps.repos.tenants.get(signed.tenant.id)
    item = open_item(deps, tenant, ada, NewItem(type_id=ticket_type.id, title="Printer on fire", requester=alice.id,
                                                 project_id=project.id), via="web", cause=Cause.USER)
    p = {"ada": ada, "mia": _principal(mia), "olaf": _principal(olaf), "alice": _principal(alice),
         "bob": _principal(bob)}
    p["mia"] = Principal(mia.tenant_id, mia.id, Role.AGENT, (support.id,), None, mia.email, mia.name)
    d = Desk(deps, p, {"team": support.id, "project": project.id, "tenant": tenant.id}, item.ref)
    d.deliver()
    return d


def _assign(d: Desk, by: str, *assignees: str) -> None:
    update_item(d.deps, d.p[by], d.ref, {"assignees": list(assignees)})


def _user(d: Desk, who: str) -> str:
    return f"user:{d.p[who].user_id}"


def test_an_assignment_by_someone_else_tells_the_assignee_once_even_when_delivered_twice(desk):
    # Given Ada assigns Mia
    _assign(desk, "ada", _user(desk, "mia"))
    # When the change event is delivered twice
    added = desk.deliver(twice=True)
    # Then Mia has one "assigned" from Ada, counted once; Ada has nothing
    assert added == 1
    assert desk.notes("mia") == [("assigned", desk.p["ada"].user_id, "Ada Admin")]
    assert desk.unread("mia") == 1
    assert desk.notes("ada") == []


def test_assigning_oneself_or_a_team_tells_no_one(desk):
    # Given Mia takes the item herself, then Ada adds the Support team
    _assign(desk, "mia", _user(desk, "mia"))
    _assign(desk, "ada", _user(desk, "mia"), team_ref(desk.ids["team"]))
    # Then nobody is notified
    assert desk.deliver() == 0
    assert desk.notes("mia") == []


def test_a_rules_assignment_names_the_rule(desk):
    # Given a rule (no person) assigns Mia
    tenant = desk.deps.repos.tenants.get(desk.ids["tenant"])
    item = desk.deps.repos.items.get(tenant.id, desk.ref)
    from tandem.services import manage_rules

    rule = manage_rules.create_rule(desk.deps, desk.p["ada"], {
        "name": "Route printers", "trigger": "item_created", "actions": [{"type": "add_tag", "value": "x"}]})
    change_item(desk.deps, tenant, item, {"assignees": [_user(desk, "mia")]}, actor_id=None, cause=Cause.RULE,
                rule=(rule.id, 1))
    desk.deliver()
    # Then Mia is told, by the rule
    assert desk.notes("mia") == [("assigned", None, "Route printers")]


def test_a_customer_reply_tells_the_assignees_and_members_of_assigned_teams(desk):
    # Given Olaf (not a member of the project, but assigned: so he sees it) and the Support team are assigned
    _assign(desk, "ada", _user(desk, "olaf"), team_ref(desk.ids["team"]))
    desk.deliver()
    # When Alice, the requester, replies in the portal
    post_message(desk.deps, desk.p["alice"], desk.ref, body="Still burning")
    desk.deliver(twice=True)
    # Then Olaf and Mia (through Support) each get one customer_reply from Alice; Ada (not assigned) nothing
    alice = (desk.p["alice"].user_id, "Alice A")
    assert desk.notes("olaf") == [("customer_reply", *alice), ("assigned", desk.p["ada"].user_id, "Ada Admin")]
    assert desk.notes("mia") == [("customer_reply", *alice)]
    assert desk.notes("ada") == []
    assert desk.notes("alice") == []


def test_a_customer_reply_on_an_unassigned_item_tells_the_staff_followers_who_may_read_it(desk):
    # Given nobody is assigned; Mia (member), Olaf (no access) and Bob (customer) follow
    ids = [desk.p[w].user_id for w in ("alice", "mia", "olaf", "bob")]
    update_item(desk.deps, desk.p["ada"], desk.ref, {"followers": ids})
    desk.deliver()
    # When Bob, a customer follower, replies by API
    tenant = desk.deps.repos.tenants.get(desk.ids["tenant"])
    item = desk.deps.repos.items.get(tenant.id, desk.ref)
    add_message(desk.deps, tenant, item, body="Me too", visibility=Visibility.PUBLIC, via="api",
                author_id=desk.p["bob"].user_id, cause=Cause.USER)
    desk.deliver()
    # Then Mia alone is told: Olaf may not read the item, customers never get in-app notifications
    assert desk.notes("mia") == [("customer_reply", desk.p["bob"].user_id, "Bob B")]
    assert desk.notes("olaf") == [] and desk.notes("alice") == []


def test_an_auto_reply_or_staff_reply_is_no_customer_reply(desk):
    _assign(desk, "ada", _user(desk, "mia"))
    desk.deliver()
    tenant = desk.deps.repos.tenants.get(desk.ids["tenant"])
    item = desk.deps.repos.items.get(tenant.id, desk.ref)
    add_message(desk.deps, tenant, item, body="I am out of office", visibility=Visibility.PUBLIC, via="email-auto",
                author_id=desk.p["alice"].user_id, cause=Cause.EMAIL)
    post_message(desk.deps, desk.p["ada"], desk.ref, body="We are on it")
    assert desk.deliver() == 0


def test_a_mention_tells_users_and_team_members_but_not_the_author(desk):
    # When Ada writes a private note mentioning herself, @olaf and the Support team
    post_message(desk.deps, desk.p["ada"], desk.ref, body="@ada @olaf @support have a look", visibility="private")
    desk.deliver()
    # Then Mia (Support) is told; Olaf may not read the item; Ada wrote it
    assert desk.notes("mia") == [("mention", desk.p["ada"].user_id, "Ada Admin")]
    assert desk.notes("olaf") == [] and desk.notes("ada") == []


def test_an_assignee_mentioned_in_a_customer_reply_gets_one_mention(desk):
    # Given Mia is assigned
    _assign(desk, "ada", _user(desk, "mia"))
    desk.deliver()
    # When Alice's reply also @mentions Mia
    post_message(desk.deps, desk.p["alice"], desk.ref, body="@mia please call me")
    desk.deliver()
    # Then Mia has the assignment and one mention (not also a customer_reply)
    assert [kind for kind, _, _ in desk.notes("mia")] == ["mention", "assigned"]
    assert desk.unread("mia") == 2


def test_every_change_moves_the_tenants_stamp(desk):
    before = inbox.changes(desk.deps, desk.p["olaf"]).stamp
    _assign(desk, "ada", _user(desk, "mia"))
    for event in drain_events(desk.deps.repos):
        in_app.touch(desk.deps, event)
    after = inbox.changes(desk.deps, desk.p["olaf"])
    assert after.stamp != before and after.unread == 0


def test_reading_notifications_counts_down_once(desk):
    _assign(desk, "ada", _user(desk, "mia"))
    post_message(desk.deps, desk.p["ada"], desk.ref, body="@mia look")
    desk.deliver()
    page, unread = inbox.notifications(desk.deps, desk.p["mia"])
    assert unread == 2
    assert inbox.mark_read(desk.deps, desk.p["mia"], ids=[page.items[0].id]) == 1
    assert inbox.mark_read(desk.deps, desk.p["mia"], ids=[page.items[0].id]) == 1
    # Another user's ids do nothing to Mia's
    assert inbox.mark_read(desk.deps, desk.p["ada"], ids=[page.items[1].id]) == 0
    assert inbox.mark_read(desk.deps, desk.p["mia"], everything=True) == 0
    assert [n.read for n in inbox.notifications(desk.deps, desk.p["mia"], unread_only=True)[0].items] == []


def test_a_notification_id_is_the_same_for_a_repeat_and_sorts_by_time():
    from tandem.domain.notifications import note_id

    first = note_id("2026-11-22T10:00:00.000Z", "ev-1", "u1")
    assert first == note_id("2026-11-22T10:00:00.000Z", "ev-1", "u1")
    assert first != note_id("2026-11-22T10:00:00.000Z", "ev-1", "u2")
    assert first != note_id("2026-11-22T10:00:00.000Z", "ev-2", "u1")
    assert first < note_id("2026-11-22T10:00:00.001Z", "ev-0", "u1") < note_id("2026-11-22T10:00:01Z", "ev-0", "u1")
