"""Stored rule documents: today's shape round-trips, older code's shapes are read, broken parts are kept raw."""

from __future__ import annotations

from tandem.dal.rule_codec import macro_document, macro_from_document, rule_document, rule_from_document
from tandem.domain.rule_actions import AddTag, SetField
from tandem.domain.rules import Condition, Group, Trigger

NOW = "2026-11-22T10:00:00.000Z"


def doc(**kw) -> dict:
    base = {"tenant_id": "t", "id": "r", "name": "R", "trigger": "item_created", "created_at": NOW,
            "conditions": {"all": []}, "actions": [], "enabled": True, "position": 0, "options": {}, "version": 3}
    return {**base, **kw}


def test_a_rule_written_by_older_code_is_read_in_todays_shape():
    old = doc(
        conditions={"mode": "any", "conditions": [
            {"field": "priority", "op": "equals", "value": "high"},
            {"mode": "all", "conditions": [{"field": "tags", "op": "contains", "value": "vip"}]},
        ]},
        actions=[
            {"type": "add_tag", "params": {"value": "x"}},
            {"type": "set_field", "params": {"key": "k", "value": 1}},
        ],
    )
    rule = rule_from_document(old, last_error="boom", failing_since=NOW)
    assert rule.conditions == Group("any", [Condition("priority", "equals", "high"),
                                            Group("all", [Condition("tags", "contains", "vip")])])
    assert rule.actions == [AddTag(value="x"), SetField(key="k", value=1)]
    assert (rule.undecoded, rule.last_error, rule.failing_since, rule.version) == (None, "boom", NOW, 3)
    assert rule_from_document(rule_document(rule), last_error="boom", failing_since=NOW) == rule


def test_parts_that_no_longer_decode_are_kept_raw_and_written_back_unchanged():
    broken = doc(trigger="on_full_moon", actions=[{"type": "set_field", "value": 1}])
    rule = rule_from_document(broken)
    assert rule.trigger is Trigger.ITEM_CREATED and rule.actions == [] and rule.conditions == Group("all", [])
    assert set(rule.undecoded.parts) == {"trigger", "actions"} and "actions[0].key" in rule.undecoded.error
    assert rule_document(rule) == broken
    left = rule.undecoded.without({"actions"})
    assert set(left.parts) == {"trigger"} and "on_full_moon" in left.error and "key" not in left.error
    assert left.without({"trigger"}) is None


def test_macros_read_old_actions_and_keep_broken_ones():
    assert macro_from_document({"tenant_id": "t", "id": "m", "actions": [{"type": "stop", "params": {}}]}).actions
    broken = {"tenant_id": "t", "id": "m", "name": "M", "created_at": NOW, "actions": [{"type": "nope"}], "version": 1}
    macro = macro_from_document(broken)
    assert macro.actions == [] and macro_document(macro) == broken
