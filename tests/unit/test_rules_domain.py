"""The pure rules engine: operators, groups, triggers, echo and depth guards, stop."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.items import Item
from tandem.domain.messages import Message, Visibility
from tandem.domain.rules import MAX_DEPTH, Action, Condition, Group, Rule, Situation, Trigger, check_rule, holds, plan
from tandem.domain.statuses import Category

NOW = "2026-11-22T10:00:00.000Z"


def item(**kw) -> Item:
    base = dict(
        tenant_id="t",
        id="i",
        ref="T-1",
        kind="ticket",
        type_id="ty",
        title="Printer on fire",
        status="new",
        status_category=Category.NEW,
        created_at=NOW,
        updated_at=NOW,
        priority="normal",
        fields={"budget": 1500, "due": "2026-12-01"},
        tags=["vip"],
    )
    return Item(**{**base, **kw})


def situation(trigger=Trigger.ITEM_CREATED, **kw) -> Situation:
    return Situation(trigger, kw.pop("item", item()), requester_email="dana@Customer-A.example", **kw)


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        ("priority", "equals", "NORMAL", True),
        ("priority", "not_equals", "high", True),
        ("priority", "in", ["high", "normal"], True),
        ("title", "contains", "fire", True),
        ("title", "starts_with", "printer", True),
        ("tags", "contains", "vip", True),
        ("tags", "not_contains", "vip", False),
        ("due_date", "is_empty", None, True),
        ("title", "is_not_empty", None, True),
        ("fields.budget", "gt", 1000, True),
        ("fields.budget", "lte", "1000", False),
        ("fields.due", "lt", "2026-12-02", True),
        ("requester.domain", "equals", "customer-a.example", True),
        ("requester.email", "domain_is", ["@customer-b.example", "customer-a.example"], True),
        ("fields.missing", "equals", "x", False),
        ("fields.missing", "not_equals", "x", True),
    ],
)
def test_operators(field, op, value, expected):
    assert holds(Group("all", [Condition(field, op, value)]), situation()) is expected


def test_changed_operators_need_an_old_item():
    old, new = item(status="new"), item(status="waiting", status_category=Category.WAITING)
    s = situation(Trigger.STATUS_CHANGED, item=new, old=old)
    assert holds(Group("all", [Condition("status", "changed")]), s)
    assert holds(
        Group("all", [Condition("status", "changed_from", "new"), Condition("status", "changed_to", "waiting")]), s
    )
    assert not holds(Group("all", [Condition("priority", "changed")]), s)
    assert not holds(Group("all", [Condition("status", "changed")]), situation())  # a creation is no change


def test_nested_groups():
    group = Group(
        "any",
        [
            Condition("priority", "equals", "urgent"),
            Group("all", [Condition("tags", "contains", "vip"), Condition("title", "contains", "fire")]),
        ],
    )
    assert holds(group, situation())
    assert holds(Group("any", []), situation()) is not False  # an empty group holds


def rule(**kw) -> Rule:
    base = dict(
        tenant_id="t",
        id="r1",
        name="r",
        trigger=Trigger.ITEM_CREATED,
        created_at=NOW,
        actions=[Action("set_priority", {"value": "high"})],
    )
    return Rule(**{**base, **kw})


def test_a_rule_never_fires_on_its_own_change_and_chains_stop_at_max_depth():
    r = rule(trigger=Trigger.ITEM_CHANGED)
    changed = situation(Trigger.ITEM_CHANGED, old=item(priority="low"))
    assert plan([r], changed)
    assert not plan([r], replace(changed, caused_by_rule="r1"))
    assert plan([r], replace(changed, caused_by_rule="other", depth=MAX_DEPTH - 1))
    assert not plan([r], replace(changed, caused_by_rule="other", depth=MAX_DEPTH))


def test_status_changes_count_as_item_changes_and_disabled_rules_sleep():
    s = situation(Trigger.STATUS_CHANGED, old=item(status="open"))
    assert plan([rule(trigger=Trigger.ITEM_CHANGED)], s)
    assert not plan([rule(trigger=Trigger.ITEM_CHANGED, enabled=False)], s)


def test_message_trigger_options():
    msg = Message("t", "m", "i", "u", "hi", Visibility.PUBLIC, "email", NOW)
    s = situation(Trigger.MESSAGE_ADDED, message=msg, message_author_role="customer")
    assert plan([rule(trigger=Trigger.MESSAGE_ADDED, options={"author": "customer", "visibility": "public"})], s)
    assert not plan([rule(trigger=Trigger.MESSAGE_ADDED, options={"author": "agent"})], s)
    assert not plan([rule(trigger=Trigger.MESSAGE_ADDED, options={"visibility": "private"})], s)


def test_order_and_stop():
    a = rule(
        id="a",
        position=1,
        actions=[Action("add_tag", {"value": "a"}), Action("stop"), Action("add_tag", {"value": "never"})],
    )
    b = rule(id="b", position=0, actions=[Action("add_tag", {"value": "b"})])
    c = rule(id="c", position=2, actions=[Action("add_tag", {"value": "c"})])
    fired = plan([a, b, c], situation())
    assert [(r.id, [x.params["value"] for x in acts]) for r, acts in fired] == [("b", ["b"]), ("a", ["a"])]


def test_definitions_are_checked():
    with pytest.raises(ValidationError):
        check_rule(rule(actions=[Action("format_disk")]))
    with pytest.raises(ValidationError):
        check_rule(rule(conditions=Group("all", [Condition("x", "resembles", 1)])))
    with pytest.raises(ValidationError):
        check_rule(rule(trigger=Trigger.IDLE))
    assert check_rule(rule(trigger=Trigger.IDLE, options={"hours": 48}))
