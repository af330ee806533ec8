"""Item orders, queue filters, last activity and queue counters: the same behaviour on both backends."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from tandem.domain.activity import Activity
from tandem.domain.events import ItemChanged, ItemCreated, ItemStored
from tandem.domain.hierarchy import Portfolio, Project, team_ref, user_ref
from tandem.domain.ids import new_id
from tandem.domain.item_types import ItemType
from tandem.domain.items import Cause, Item
from tandem.domain.messages import Message, Visibility
from tandem.domain.people import Role, User
from tandem.domain.permissions import Principal
from tandem.domain.queues import SORTS
from tandem.domain.statuses import Category
from tandem.domain.tenants import Tenant
from tandem.services.ports import ItemQuery
from tandem.services.queues import count_change, list_queues, reindex_tenant

NOW = "2026-11-22T10:00:00.000Z"
STATUS = {Category.NEW: "new", Category.OPEN: "open", Category.WAITING: "waiting", Category.DONE: "resolved",
          Category.CLOSED: "closed"}


def tenant(repos, *projects: str) -> Tenant:
    """A tenant with these projects; the agent "agent" is a member of the first only."""
    t = Tenant(new_id(), "acme", "Acme", "acme.tandem.local", NOW)
    owner = User(t.id, new_id(), "boss@acme.example", "Boss", Role.ADMIN, NOW)
    pf = Portfolio(t.id, new_id(), "Support", NOW)
    members = [Project(t.id, pid, f"Project {pid}", NOW, portfolio_id=pf.id, members=[user_ref("agent")] if n == 0
                       else []) for n, pid in enumerate(projects)]
    types = [ItemType(t.id, new_id(), "ticket", "Support", NOW)]
    repos.tenants.bootstrap(t, owner, types, pf, members)
    return t


def make(repos, t: Tenant, title: str, minute: int, **kw) -> Item:
    """A stored ticket created at 10:<minute>; `category` picks a status of that category."""
    category = kw.pop("category", Category.NEW)
    at = f"2026-11-22T10:{minute:02d}:00.000Z"
    it = Item(t.id, new_id(), "", "ticket", "ty", title, STATUS[category], category, at, at, **kw)
    return repos.items.create(it, Activity(t.id, new_id(), it.id, at, "created", Cause.API))


def all_pages(repos, q: ItemQuery) -> list[str]:
    """Every page of `q` with its cursor, two at a time; the titles in the order served."""
    seen, after = [], None
    for _ in range(50):
        page = repos.items.query(replace(q, limit=2, after=after))
        seen += [i.title for i in page.items]
        after = page.after
        if not after:
            return seen
    raise AssertionError("paging did not end")


def mixed(repos, t: Tenant) -> None:
    """Five items whose created, priority and due orders all differ."""
    make(repos, t, "a", 1, priority="low", due_date="2026-12-05")
    make(repos, t, "b", 2, priority="urgent")
    make(repos, t, "c", 3, priority="high", due_date="2026-12-01")
    make(repos, t, "d", 4, priority="urgent", due_date="2026-12-01")
    make(repos, t, "e", 5, priority="normal", due_date="2026-11-30")


EXPECTED = {
    "created_at": ["a", "b", "c", "d", "e"],
    "-created_at": ["e", "d", "c", "b", "a"],
    "updated_at": ["a", "b", "c", "d", "e"],
    "-updated_at": ["e", "d", "c", "b", "a"],
    # Most urgent first, first come first served within a priority; `priority` reads it backwards.
    "-priority": ["b", "d", "c", "e", "a"],
    "priority": ["a", "e", "c", "d", "b"],
    # Earliest due first, older first on the same day, no due date last (first when read backwards).
    "due_date": ["e", "c", "d", "a", "b"],
    "-due_date": ["b", "a", "d", "c", "e"],
}


@pytest.mark.parametrize("sort", SORTS)
def test_every_order_pages_through_every_item_once(repos, sort):
    # Given five items whose orders differ
    t = tenant(repos)
    mixed(repos, t)
    # When every page of the order is read two at a time with the cursor
    seen = all_pages(repos, ItemQuery(t.id, sort=sort))
    # Then each item comes exactly once, in the order's sequence
    assert seen == EXPECTED[sort]


def test_a_message_moves_its_item_to_the_top_without_a_new_version(repos):
    # Given three items, the oldest last in last-activity order
    t = tenant(repos)
    oldest, _, _ = (make(repos, t, title, n) for n, title in enumerate(("old", "mid", "new"), 1))
    assert all_pages(repos, ItemQuery(t.id)) == ["new", "mid", "old"]
    # When a customer replies to the oldest
    at = "2026-11-22T11:00:00.000Z"
    message = Message(t.id, new_id(), oldest.id, None, "Any news?", Visibility.PUBLIC, "email", at)
    repos.conversations.add_message(oldest, message, Activity(t.id, new_id(), oldest.id, at, "message_added",
                                                              Cause.EMAIL))
    # Then it leads the list, its updated_at is the message's time and its version (ETag) is unchanged
    assert all_pages(repos, ItemQuery(t.id)) == ["old", "new", "mid"]
    stored = repos.items.get(t.id, oldest.ref)
    assert stored.updated_at == at and stored.version == oldest.version
    assert repos.items.query(ItemQuery(t.id, limit=1)).items[0].updated_at == at
    # And a change with the version read before the message still applies
    changed = repos.items.save(replace(stored, title="old, answered"), Activity(t.id, new_id(), oldest.id, at, "u",
                                                                                 Cause.USER))
    assert changed.version == oldest.version + 1


def test_a_message_to_an_item_converted_meanwhile_moves_the_converted_item(repos):
    # Given a ticket converted to a task after the message's sender read it
    t = tenant(repos)
    ticket = make(repos, t, "t", 1)
    make(repos, t, "later", 2)
    task = repos.items.convert(ticket, replace(ticket, kind="task", former_refs=[ticket.ref]),
                               Activity(t.id, new_id(), ticket.id, NOW, "converted", Cause.USER))
    # When the message arrives for the old reference
    at = "2026-11-22T11:00:00.000Z"
    message = Message(t.id, new_id(), ticket.id, None, "Hello", Visibility.PUBLIC, "email", at)
    repos.conversations.add_message(ticket, message, Activity(t.id, new_id(), ticket.id, at, "m", Cause.EMAIL))
    # Then the message is stored and the task (its new reference) leads the list
    assert [m.body for m in repos.conversations.messages(t.id, ticket.id, public_only=False).items] == ["Hello"]
    first = repos.items.query(ItemQuery(t.id, limit=1)).items[0]
    assert (first.ref, first.updated_at) == (task.ref, at)


def queue_world(repos) -> Tenant:
    t = tenant(repos, "p1", "p2")
    make(repos, t, "new-unassigned", 1, project_id="p1")
    make(repos, t, "open-mine", 2, category=Category.OPEN, assignees=[user_ref("me")], project_id="p1")
    make(repos, t, "waiting-team", 3, category=Category.WAITING, assignees=[team_ref("support")])
    make(repos, t, "done-unassigned", 4, category=Category.DONE, project_id="p1")
    make(repos, t, "closed-mine", 5, category=Category.CLOSED, assignees=[user_ref("me")])
    make(repos, t, "open-unassigned", 6, category=Category.OPEN, project_id="p2", priority="urgent")
    return t


OPEN = ("new", "open", "waiting")


@pytest.mark.parametrize("sort", SORTS)
def test_queue_filters_on_every_order(repos, sort):
    # Given open, waiting, done and closed items, some assigned
    t = queue_world(repos)

    def titles(**kw) -> set[str]:
        found = all_pages(repos, ItemQuery(t.id, sort=sort, **kw))
        assert len(found) == len(set(found))  # no item twice across pages
        return set(found)

    # When the queues' filters are asked in this order, then each holds exactly its items
    assert titles(status_categories=OPEN) == {"new-unassigned", "open-mine", "waiting-team", "open-unassigned"}
    assert titles(status_categories=OPEN, unassigned=True) == {"new-unassigned", "open-unassigned"}
    assert titles(status_categories=OPEN, assignee=user_ref("me")) == {"open-mine"}
    assert titles(assignee=user_ref("me")) == {"open-mine", "closed-mine"}
    assert titles(unassigned=True) == {"new-unassigned", "done-unassigned", "open-unassigned"}
    assert titles(status_categories=("done", "closed")) == {"done-unassigned", "closed-mine"}
    assert titles(status_categories=("open",), project_id="p1") == {"open-mine"}
    assert titles(status_categories=OPEN, unassigned=True, project_id="p2") == {"open-unassigned"}


def test_an_item_leaves_the_open_and_unassigned_queues_when_closed_or_assigned(repos):
    # Given an open unassigned item
    t = tenant(repos)
    it = make(repos, t, "x", 1, category=Category.OPEN)
    unassigned = ItemQuery(t.id, status_categories=OPEN, unassigned=True)
    assert all_pages(repos, unassigned) == ["x"]
    # When it is assigned, then it leaves the unassigned queue but stays open
    act = Activity(t.id, new_id(), it.id, NOW, "updated", Cause.USER)
    it = repos.items.save(replace(it, assignees=[user_ref("me")]), act)
    assert all_pages(repos, unassigned) == []
    assert all_pages(repos, ItemQuery(t.id, status_categories=OPEN)) == ["x"]
    # When it is closed, then it leaves the open queue too
    repos.items.save(replace(it, status="closed", status_category=Category.CLOSED), act)
    assert all_pages(repos, ItemQuery(t.id, status_categories=OPEN)) == []
    assert all_pages(repos, ItemQuery(t.id, status_categories=("closed",))) == ["x"]


def test_queue_counters_add_each_change_once(repos):
    # Given a change applied to the counters
    assert repos.queue_counts.apply("t1", "ev-1", {"tenant": {"open": 2, "unassigned": 1}, "project:p": {"open": 1}})
    # When the same change is delivered again, then nothing is added
    assert not repos.queue_counts.apply("t1", "ev-1", {"tenant": {"open": 2}})
    # And another change adds up, negative amounts included
    assert repos.queue_counts.apply("t1", "ev-2", {"tenant": {"open": -1}})
    found = repos.queue_counts.read("t1", ["tenant", "project:p", "project:unknown"])
    assert found == {"tenant": {"open": 1, "unassigned": 1}, "project:p": {"open": 1}}
    # And counters of another tenant are apart
    assert repos.queue_counts.read("t2", ["tenant"]) == {}


def test_a_change_of_more_counters_than_one_transaction_holds_is_added_once(repos):
    deltas = {f"assignee:user:{n}": {"open": 1} for n in range(150)}
    assert repos.queue_counts.apply("t1", "ev-big", deltas)
    assert not repos.queue_counts.apply("t1", "ev-big", deltas)
    found = repos.queue_counts.read("t1", list(deltas))
    assert len(found) == 150 and all(v == {"open": 1} for v in found.values())


def test_many_changes_are_added_together_each_once_whatever_was_added_before(repos):
    # Given one change already added on its own
    assert repos.queue_counts.apply("t1", "ev-0", {"tenant": {"open": 1}})
    # When 120 changes (that one among them, and one of 150 counters) are added together, twice
    changes = [(f"ev-{n}", {"tenant": {"open": 1}, f"project:p{n % 3}": {"open": 1, "unassigned": -1}})
               for n in range(120)]
    changes.insert(50, ("ev-big", {f"assignee:user:{n}": {"open": 1} for n in range(150)}))
    assert repos.queue_counts.apply_many("t1", changes) == {}
    assert repos.queue_counts.apply_many("t1", changes) == {}
    # Then each change counted exactly once: the earlier one not again, every other one once
    found = repos.queue_counts.read("t1", ["tenant", "project:p0", "project:p1", "assignee:user:149"])
    assert found == {"tenant": {"open": 120}, "project:p0": {"open": 39, "unassigned": -39},  # ev-0 came before
                     "project:p1": {"open": 40, "unassigned": -40}, "assignee:user:149": {"open": 1}}
    # And a change added together is not added again on its own
    assert not repos.queue_counts.apply("t1", "ev-7", {"tenant": {"open": 1}})


def counts(deps, p: Principal) -> dict[str, int]:
    return {q.id: q.count for q in list_queues(deps, p)}


def test_queue_counts_follow_create_assign_close_and_move(repos):
    # Given a tenant where agents see only their projects (p1), an admin and that agent
    t = tenant(repos, "p1", "p2")
    t = repos.tenants.get(t.id)
    deps = SimpleNamespace(repos=repos)
    admin = Principal(t.id, "boss", Role.ADMIN)
    agent = Principal(t.id, "agent", Role.AGENT)
    a = make(repos, t, "a", 1, project_id="p1")
    b = make(repos, t, "b", 2, project_id="p2")
    c = make(repos, t, "c", 3)
    for n, it in enumerate((a, b, c)):
        count_change(deps, ItemCreated(f"create-{n}", it))
    # Then all three are open and unassigned for the admin; the agent sees p1 and the item of no project
    assert counts(deps, admin) == {"mine": 0, "unassigned": 3, "open": 3}
    assert counts(deps, agent) == {"mine": 0, "unassigned": 2, "open": 2}
    # When b (in p2, where the agent is no member) is assigned to the agent
    b2 = replace(b, assignees=[user_ref("agent")], version=2)
    count_change(deps, ItemChanged("assign-b", b, b2))
    # Then it is the agent's, visible to it, and no longer unassigned
    assert counts(deps, agent) == {"mine": 1, "unassigned": 2, "open": 3}
    assert counts(deps, admin) == {"mine": 0, "unassigned": 2, "open": 3}
    # When a is closed and c moves into p2
    a2 = replace(a, status="closed", status_category=Category.CLOSED, version=2)
    c2 = replace(c, project_id="p2", version=2)
    count_change(deps, ItemChanged("close-a", a, a2))
    count_change(deps, ItemChanged("move-c", c, c2))
    # Then the agent sees only b; the admin still sees b and c open, c unassigned
    assert counts(deps, agent) == {"mine": 1, "unassigned": 0, "open": 1}
    assert counts(deps, admin) == {"mine": 0, "unassigned": 1, "open": 2}
    # When every change is delivered again, then no count moves
    for event in (ItemCreated("create-0", a), ItemChanged("assign-b", b, b2), ItemChanged("close-a", a, a2),
                  ItemChanged("move-c", c, c2)):
        assert not count_change(deps, event)
    assert counts(deps, admin) == {"mine": 0, "unassigned": 1, "open": 2}
    # And a conversion (the item leaves its old reference and appears under the new one) changes nothing
    count_change(deps, ItemStored("convert-old", c2, None))
    count_change(deps, ItemStored("convert-new", None, replace(c2, kind="task")))
    assert counts(deps, admin) == {"mine": 0, "unassigned": 1, "open": 2}


def _as_written_before_issue_12(repos, items: list[Item]) -> None:
    """On the table: strip the keys issue 12 added, as records written before it look (the twin keeps none)."""
    if type(repos.items).__name__ != "DynamoItemRepo":
        return
    from tandem.dal.dynamo_items import ref_key
    from tandem.dal.table import Record

    for it in items:
        old = [Record.gsi1sk.set(f"{it.created_at}#{it.id}")]
        old += [getattr(Record, a).remove() for a in ("updated_at", "category", "created_sk", "priority_sk", "due_sk",
                                                      "open_pk", "unassigned_pk")]
        Record(pk=ref_key(it.tenant_id, it.ref), sk="ITEM").update(actions=old)


def test_reindex_brings_older_records_into_orders_and_queues_and_recounts(repos):
    # Given items stored before the orders and queues existed, and no counters
    t = tenant(repos, "p1")
    a = make(repos, t, "a", 1, project_id="p1")
    b = make(repos, t, "b", 2, category=Category.OPEN, assignees=[user_ref("me")])
    make(repos, t, "c", 3, category=Category.CLOSED)
    _as_written_before_issue_12(repos, [a, b])
    if type(repos.items).__name__ == "DynamoItemRepo":
        assert all_pages(repos, ItemQuery(t.id, status_categories=OPEN)) == []  # no queue key yet
    deps = SimpleNamespace(repos=repos)
    # When the tenant is reindexed
    assert reindex_tenant(deps, t.id) == 3
    # Then the items list in the queues and orders, and the counts are those of the items
    assert all_pages(repos, ItemQuery(t.id, status_categories=OPEN)) == ["b", "a"]
    assert all_pages(repos, ItemQuery(t.id, status_categories=OPEN, unassigned=True)) == ["a"]
    assert all_pages(repos, ItemQuery(t.id, sort="created_at")) == ["a", "b", "c"]
    admin = Principal(t.id, "me", Role.ADMIN)
    assert counts(deps, admin) == {"mine": 1, "unassigned": 1, "open": 2}
    # And their content and version are untouched
    assert repos.items.get(t.id, a.ref) == a
