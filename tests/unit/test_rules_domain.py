"""The pure rules engine: operators, groups, triggers, echo and depth guards, stop."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.items import Item
from tandem.domain.messages import Message, Visibility
from tandem.domain.rule_actions import AddTag, SetPriority, Stop
from tandem.domain.rules import (
    MAX_DEPTH,
    Condition,
    Group,
    Rule,
    Situation,
    Trigger,
    actions_json,
    decode_actions,
    decode_conditions,
    decode_options,
    group_json,
    holds,
    is_known_field,
    plan,
)
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
        actions=[SetPriority(value="high")],
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


def test_sender_domain_is_the_message_authors_and_without_a_message_the_requesters():
    # Given a rule looking at the sender's domain
    wants_b = Group("all", [Condition("sender.domain", "equals", "customer-b.example")])
    # When an item is created (no message), Then the sender is its requester (dana@customer-a.example)
    assert not holds(wants_b, situation())
    assert holds(Group("all", [Condition("sender.domain", "equals", "customer-a.example")]), situation())
    # When a colleague from customer B writes on A's item, Then the sender is that colleague, not the requester
    msg = Message("t", "m", "i", "u", "hi", Visibility.PUBLIC, "email", NOW)
    reply = situation(Trigger.EMAIL_RECEIVED, message=msg, sender_email="Bo@Customer-B.example")
    assert holds(wants_b, reply)
    assert holds(Group("all", [Condition("sender.email", "domain_is", "customer-b.example")]), reply)
    # And a message without a known author has no sender domain at all
    assert not holds(wants_b, situation(Trigger.EMAIL_RECEIVED, message=msg))


def test_order_and_stop():
    a = rule(
        id="a",
        position=1,
        actions=[AddTag(value="a"), Stop(), AddTag(value="never")],
    )
    b = rule(id="b", position=0, actions=[AddTag(value="b")])
    c = rule(id="c", position=2, actions=[AddTag(value="c")])
    fired = plan([a, b, c], situation())
    assert [(r.id, [x.value for x in acts]) for r, acts in fired] == [("b", ["b"]), ("a", ["a"])]


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ([{"type": "format_disk"}], "actions[0].type"),
        ([{"type": "add_tag", "value": "x"}, {"type": "set_field"}], "actions[1].key"),
        ([{"type": "stop", "value": 1}], "actions[0].value"),
        ([{"type": "set_priority", "value": "whenever"}], "actions[0].value"),
        ([{"type": "add_tag", "value": "x" * 101}], "actions[0].value"),
        ([{"type": "set_assignee", "value": "bob"}], "actions[0].value"),
        ([{"value": "x"}], "actions[0].type"),
        ({"type": "stop"}, "actions"),
    ],
)
def test_a_bad_action_is_refused_naming_its_path(raw, path):
    with pytest.raises(ValidationError) as caught:
        decode_actions(raw)
    assert caught.value.details == {"field": path}


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"all": [{"field": "x", "op": "resembles", "value": 1}]}, "conditions.all[0].op"),
        ({"all": [], "any": []}, "conditions"),
        ({}, "conditions"),
        ({"any": [{"all": [{"field": "x"}]}]}, "conditions.any[0].all[0].op"),
        ({"all": [{"op": "equals"}]}, "conditions.all[0].field"),
        ({"all": [{"field": "x", "op": "equals", "any": []}]}, "conditions.all[0]"),
        ({"all": [{"field": "x", "op": "equals", "value": {"nested": 1}}]}, "conditions.all[0].value"),
        ({"mode": "all", "conditions": []}, "conditions.mode"),
    ],
)
def test_a_bad_condition_is_refused_naming_its_path(raw, path):
    with pytest.raises(ValidationError) as caught:
        decode_conditions(raw)
    assert caught.value.details == {"field": path}


def test_definitions_round_trip_through_their_json_shape():
    conditions = {"any": [{"field": "priority", "op": "equals", "value": "urgent"},
                          {"all": [{"field": "tags", "op": "contains", "value": "vip"}]}]}
    actions = [{"type": "set_field", "key": "budget", "value": 10}, {"type": "stop"}]
    assert group_json(decode_conditions(conditions)) == conditions
    assert actions_json(decode_actions(actions)) == actions
    assert decode_conditions([{"field": "title", "op": "is_empty"}]) == Group("all", [Condition("title", "is_empty")])


def test_trigger_options_are_checked_against_the_trigger():
    assert decode_options(Trigger.IDLE, {"hours": 48}) == {"hours": 48}
    assert decode_options(Trigger.MESSAGE_ADDED, {"author": "customer"}) == {"author": "customer"}
    for trigger, raw, path in (
        (Trigger.IDLE, {}, "options.hours"),
        (Trigger.DUE_SOON, {"hours": 0}, "options.hours"),
        (Trigger.ITEM_CREATED, {"hours": 3}, "options.hours"),
        (Trigger.MESSAGE_ADDED, {"author": "robot"}, "options.author"),
    ):
        with pytest.raises(ValidationError) as caught:
            decode_options(trigger, raw)
        assert caught.value.details == {"field": path}


def test_known_fields_are_those_the_engine_can_read():
    keys = {"budget"}
    known = ("priority", "fields.budget", "requester.domain", "sender.domain", "message.body", "message.author_role",
             "sla.policy_id", "status_category")
    assert all(is_known_field(f, keys) for f in known)
    assert not any(is_known_field(f, keys) for f in ("priorty", "fields.budgt", "message.nope", "title.x"))
