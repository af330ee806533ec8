"""Rules and macros are checked when written (shape and what they name), a rule that breaks later fails alone,
and rules, macros, SLA policies and attachments can be deleted."""

from __future__ import annotations

import pytest

from integration.world import build_world

ADD_TAG = {"type": "add_tag", "value": "seen"}


def _paths(details: dict) -> list[str]:
    return [e["field"] for e in details["errors"]] if "errors" in details else [details.get("field")]


def assert_invalid(resp, path: str) -> None:
    """Refused as invalid input (code validation_error) naming exactly `path`.

    ValidationError is the 422 class of the domain."""
    assert resp.status_code == 422, (resp.status_code, resp.data)
    assert resp.data["error"]["code"] == "validation_error", resp.data
    assert _paths(resp.data["error"]["details"]) == [path], resp.data


def _form_type(api, admin) -> dict:
    form = {"fields": [{"key": "budget", "label": "Budget", "type": "number"}]}
    resp = api.call("POST", "/v1/item-types", {"name": "Marketing", "kind": "ticket", "form": form}, token=admin)
    assert resp.status_code == 201, resp.data
    return resp.data


BAD_RULES = {
    "set_field without key": ({}, None, [ADD_TAG, {"type": "set_field", "value": 1}], "actions[1].key"),
    "unknown status": ({}, None, [{"type": "set_status", "value": "limbo"}], "actions[0].value"),
    "unknown user": ({}, None, [{"type": "add_assignee", "value": "user:nobody"}], "actions[0].value"),
    "unknown team": ({}, None, [{"type": "set_assignee", "value": "team:nobody"}], "actions[0].value"),
    "unknown project": ({}, None, [{"type": "set_project", "value": "nope"}], "actions[0].value"),
    "unknown type": ({}, None, [{"type": "set_type", "value": "nope"}], "actions[0].value"),
    "unknown custom field": ({}, None, [{"type": "set_field", "key": "colour", "value": "red"}], "actions[0].key"),
    "unknown action type": ({}, None, [ADD_TAG, ADD_TAG, {"type": "format_disk"}], "actions[2].type"),
    "extra unknown param": ({}, None, [{"type": "add_tag", "value": "x", "colour": "red"}], "actions[0].colour"),
    "invalid priority": ({}, None, [{"type": "set_priority", "value": "whenever"}], "actions[0].value"),
    "unknown follower": ({}, None, [{"type": "add_follower", "value": "nobody"}], "actions[0].value"),
    "unknown SLA policy": ({}, None, [{"type": "apply_sla", "policy_id": "nope"}], "actions[0].policy_id"),
    "bad operator": (
        {}, {"all": [{"field": "priority", "op": "resembles", "value": "x"}]}, [ADD_TAG], "conditions.all[0].op"
    ),
    "unknown condition field": (
        {}, {"any": [{"field": "priorty", "op": "equals", "value": "x"}]}, [ADD_TAG], "conditions.any[0].field"
    ),
    "bad group shape": ({}, {"all": [], "any": []}, [ADD_TAG], "conditions"),
    "idle without hours": ({"trigger": "idle", "options": {}}, None, [ADD_TAG], "options.hours"),
    "option the trigger lacks": ({"options": {"author": "customer"}}, None, [ADD_TAG], "options.author"),
}


@pytest.mark.parametrize("case", sorted(BAD_RULES))
def test_a_rule_naming_a_bad_part_is_refused_with_its_path(api, container, case):
    # Given the agency, with an item type that has a `budget` field
    w = build_world(container.deps)
    admin = w.token("admin")
    _form_type(api, admin)
    extra, conditions, actions, path = BAD_RULES[case]
    body = {"name": case, "trigger": "item_created", "actions": actions, **extra}
    if conditions is not None:
        body["conditions"] = conditions
    # When an admin creates the rule, Then it is refused naming the bad part, and nothing is stored
    assert_invalid(api.call("POST", "/v1/rules", body, token=admin), path)
    names = [r["name"] for r in api.call("GET", "/v1/rules", token=admin).data["items"]]
    assert case not in names


def test_a_rule_naming_real_things_is_accepted(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    form_type = _form_type(api, admin)
    body = {
        "name": "Everything real",
        "trigger": "item_created",
        "conditions": {
            "all": [
                {"field": "type_id", "op": "equals", "value": form_type["id"]},
                {"any": [{"field": "fields.budget", "op": "gt", "value": 100},
                         {"field": "requester.domain", "op": "equals", "value": "customer-a.example"}]},
            ]
        },
        "actions": [
            {"type": "set_status", "value": "in_progress"},  # a task status: the rule may meet tasks too
            {"type": "add_assignee", "value": f"user:{w.ids['member'].id}"},
            {"type": "set_assignee", "value": f"team:{w.ids['team'].id}"},
            {"type": "set_project", "value": w.ids["incoming_a"].id},
            {"type": "set_field", "key": "budget", "value": 1500},
            {"type": "add_follower", "value": w.ids["cust_a"].id},
            {"type": "apply_sla", "policy_id": w.ids["sla_policy"].id},
            {"type": "send_email", "to": "requester", "subject": "About {{ item.ref }}", "body": "Hi"},
        ],
    }
    resp = api.call("POST", "/v1/rules", body, token=admin)
    assert resp.status_code == 201, resp.data
    assert resp.data["actions"][4] == {"type": "set_field", "key": "budget", "value": 1500}
    assert resp.data["conditions"] == body["conditions"]
    assert resp.data["last_error"] is None and resp.data["failing_since"] is None


def test_an_update_is_checked_too_and_only_for_what_it_writes(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    rule_id = w.ids["rule"].id
    bad = {"actions": [ADD_TAG, {"type": "set_project", "value": "nope"}]}
    assert_invalid(api.call("PATCH", f"/v1/rules/{rule_id}", bad, token=admin), "actions[1].value")
    assert_invalid(api.call("PATCH", f"/v1/rules/{rule_id}", {"trigger": "due_soon"}, token=admin), "options.hours")
    # Given its team is gone, renaming or disabling the rule is still possible (the actions are not rewritten)
    team = container.deps.repos.teams.get(w.ids["tenant"].id, w.ids["team"].id)
    container.deps.repos.teams.delete(team)
    resp = api.call("PATCH", f"/v1/rules/{rule_id}", {"enabled": False, "name": "Parked"}, token=admin)
    assert resp.status_code == 200 and resp.data["enabled"] is False


@pytest.mark.parametrize(
    ("actions", "path"),
    [
        ([{"type": "set_field"}], "actions[0].key"),
        ([ADD_TAG, {"type": "set_status", "value": "limbo"}], "actions[1].value"),
        ([{"type": "set_assignee", "value": "team:nobody"}], "actions[0].value"),
        ([{"type": "post_message", "body": "x", "visibility": "loud"}], "actions[0].visibility"),
        ([{"type": "send_email", "to": "requester", "body": "{{ item.ref"}], "actions[0].body"),
        ("not a list", "actions"),
    ],
)
def test_a_macro_naming_a_bad_part_is_refused_with_its_path(api, container, actions, path):
    w = build_world(container.deps)
    admin = w.token("admin")
    assert_invalid(api.call("POST", "/v1/macros", {"name": "Bad", "actions": actions}, token=admin), path)
    patch = api.call("PATCH", f"/v1/macros/{w.ids['macro'].id}", {"actions": actions}, token=admin)
    assert_invalid(patch, path)
