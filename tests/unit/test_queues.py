"""Queues in the domain: what an item counts for, what a change moves, what a caller's counts add up to; the
stream's view of a message touching its item; who may read queues and change items in bulk."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.dal.codec import dumps
from tandem.dal.stream import decode
from tandem.domain.events import ItemChanged, ItemStored
from tandem.domain.item_order import order_of
from tandem.domain.items import Item
from tandem.domain.people import Role
from tandem.domain.permissions import Action, Area, AreaTarget, Principal, allowed
from tandem.domain.queues import SORTS, QueueCounts, deltas, queues
from tandem.domain.statuses import Category
from tandem.schemas.items import CategoryName
from tandem.schemas.items import ItemsQuery as Query


def ticket(**kw) -> Item:
    base = dict(tenant_id="t", id="i1", ref="T-1", kind="ticket", type_id="ty", title="x", status="new",
                status_category=Category.NEW, created_at="2026-01-01T00:00:00Z", updated_at="2026-01-01T00:00:00Z")
    return Item(**{**base, **kw})


def test_an_open_unassigned_item_counts_for_the_tenant_and_its_project():
    assert deltas(None, ticket(project_id="p")) == {
        "project:p": {"open": 1, "unassigned": 1},
        "tenant": {"open": 1, "unassigned": 1},
    }


def test_assigning_moves_the_item_from_unassigned_to_each_assignee():
    old = ticket()
    new = replace(old, assignees=["user:a", "team:s"])
    assert deltas(old, new) == {
        "assignee:team:s": {"open": 1, "open@-": 1},
        "assignee:user:a": {"open": 1, "open@-": 1},
        "project:-": {"unassigned": -1},
        "tenant": {"unassigned": -1},
    }


def test_edits_that_move_no_count_change_nothing():
    old = ticket(assignees=["user:a"])
    assert deltas(old, replace(old, title="renamed", priority="urgent")) == {}
    assert deltas(old, replace(old, status="open", status_category=Category.OPEN)) == {}


def test_closing_takes_the_item_out_of_every_counter():
    old = ticket(project_id="p", assignees=["user:a"])
    closed = replace(old, status="closed", status_category=Category.CLOSED)
    assert deltas(old, closed) == {
        "assignee:user:a": {"open": -1, "open@p": -1},
        "project:p": {"open": -1},
        "tenant": {"open": -1},
    }
    assert deltas(closed, closed) == {} and deltas(None, closed) == {}


def test_an_agent_counts_its_projects_items_of_no_project_and_what_is_assigned_to_it_elsewhere():
    counters = {
        "project:-": {"open": 2, "unassigned": 1},
        "project:mine": {"open": 5, "unassigned": 3},
        "assignee:user:me": {"open": 4, "open@mine": 1, "open@-": 1, "open@other": 2},
        "assignee:team:t": {"open": 1, "open@other": 1},
    }
    counts = QueueCounts.for_agent(counters, "user:me", {"user:me", "team:t"}, {"mine"})
    assert counts == QueueCounts(mine=4, unassigned=4, open=2 + 5 + 2 + 1)


def test_everything_counts_come_from_the_tenant_counter():
    counters = {"tenant": {"open": 9, "unassigned": 4}, "assignee:user:me": {"open": 2}}
    assert QueueCounts.for_everything(counters, "user:me") == QueueCounts(2, 4, 9)
    assert QueueCounts.for_everything({}, "user:me") == QueueCounts(0, 0, 0)


def test_queues_name_the_list_filters_they_count():
    found = {q.id: q for q in queues(QueueCounts(1, 2, 3))}
    assert found["mine"].filters == {"assignee": "me", "status_category": ["new", "open", "waiting"]}
    assert found["unassigned"].filters["unassigned"] is True and found["open"].count == 3


def test_the_api_offers_exactly_the_domains_orders_and_categories():
    assert set(Query.__annotations__) >= {"sort", "unassigned", "status_category"}
    assert set(CategoryName.__args__) == {c.value for c in Category}  # type: ignore[attr-defined]
    assert {order_of(s) for s in SORTS} == {
        (o, f) for o in ("updated_at", "created_at", "priority", "due_date") for f in (True, False)
    }
    assert order_of("-priority") == ("priority", True) and order_of("-updated_at") == ("updated_at", False)
    with pytest.raises(ValueError):
        order_of("title")


def _record(name: str, old: dict | None, new: dict | None) -> dict:
    from boto3.dynamodb.types import TypeSerializer

    s = TypeSerializer()
    image = {k: s.serialize(v) for k, v in (new or {}).items()}
    before = {k: s.serialize(v) for k, v in (old or {}).items()}
    return {"eventID": "ev", "eventName": name, "dynamodb": {"NewImage": image or None, "OldImage": before or None}}


def test_a_message_touching_its_item_is_no_item_change_for_rules_or_webhooks():
    it = ticket()
    old = {"pk": "x", "sk": "ITEM", "kind": "item", "data": dumps(it), "updated_at": it.updated_at}
    touched = {**old, "updated_at": "2026-01-02T00:00:00Z", "gsi1sk": "2026-01-02T00:00:00Z#i1"}
    assert decode(_record("MODIFY", old, touched)) is None
    # But a real change after the touch carries the later activity in both images
    edited = {**touched, "data": dumps(replace(it, title="y", version=2))}
    event = decode(_record("MODIFY", touched, edited))
    assert isinstance(event, ItemChanged) and event.old.updated_at == "2026-01-02T00:00:00Z"


def test_a_conversion_is_two_stored_records_not_a_new_item():
    it = ticket()
    old = {"pk": "x", "sk": "ITEM", "kind": "item", "data": dumps(it)}
    alias = {"pk": "x", "sk": "ITEM", "kind": "alias", "target": "K-1"}
    retired = decode(_record("MODIFY", old, alias))
    assert isinstance(retired, ItemStored) and retired.old.ref == "T-1" and retired.new is None
    task = replace(it, ref="K-1", kind="task", former_refs=["T-1"])
    stored = decode(_record("INSERT", None, {"pk": "y", "sk": "ITEM", "kind": "item", "data": dumps(task)}))
    assert isinstance(stored, ItemStored) and stored.old is None and stored.new.ref == "K-1"


@pytest.mark.parametrize(
    "role, scopes, queues_ok, bulk_ok",
    [
        (Role.ADMIN, (), True, True),
        (Role.AGENT, (), True, True),
        (Role.CUSTOMER, (), False, False),
        (Role.INTEGRATION, ("items:read",), True, False),
        (Role.INTEGRATION, ("items:write",), False, True),
        (Role.INTEGRATION, ("hooks",), False, False),
    ],
)
def test_who_reads_queues_and_changes_items_in_bulk(role, scopes, queues_ok, bulk_ok):
    p = Principal("t", "u", role, scopes=frozenset(scopes))
    assert allowed(p, Action.READ, AreaTarget("t", Area.QUEUES)) is queues_ok
    assert allowed(p, Action.UPDATE, AreaTarget("t", Area.ITEMS)) is bulk_ok
    assert not allowed(p, Action.READ, AreaTarget("other", Area.QUEUES))
