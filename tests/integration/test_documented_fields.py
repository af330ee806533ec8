"""Every field any GET returns is described in the OpenAPI document.

Given the agency world (items with messages, attachments, activity, rules, macros, SLA policies …), when each role
reads every GET operation with real ids, then each response validates against its documented schema with
additional properties forbidden everywhere — a field the document does not name fails the test.
"""

from __future__ import annotations

import copy
import re

import pytest
from jsonschema import Draft202012Validator

from integration.world import build_world

ROLES = ("admin", "agent_member", "customer_a")


def _forbid_extras(node):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _forbid_extras(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_extras(value)


def _fill(path: str, w) -> str:
    ids = {"ref": w.ids["item_a"].ref, "slug": "agency", "attachment_id": w.ids["attachment"].id}
    by_resource = {
        "users": w.ids["member"].id, "customers": w.ids["cust_a"].id, "teams": w.ids["team"].id,
        "organizations": w.ids["org_a"].id, "portfolios": w.ids["pf_a"].id, "projects": w.ids["incoming_a"].id,
        "item-types": w.ids["ticket_type"].id, "rules": w.ids["rule"].id, "macros": w.ids["macro"].id,
        "sla-policies": w.ids["sla_policy"].id, "inbound-webhooks": w.ids["inbound_webhook"].id,
        "views": w.ids["view"].id,
        "timesheets": w.ids["timesheet"].id if "timesheet" in w.ids else "x",
    }
    resource = path.split("/")[2]
    path = path.replace("{id}", by_resource.get(resource, "x"))
    path = re.sub(r"{(\w+)}", lambda m: ids.get(m.group(1), "x"), path)
    return path + QUERIES.get(path, lambda _: "")(w)


# Query strings a GET needs to answer at all (its required parameters, with real ids).
QUERIES = {
    "/v1/reports/time/statement": lambda w: f"?organization_id={w.ids['org_a'].id}&from=2026-03-01&to=2026-03-31",
}


def test_every_get_response_of_every_role_is_fully_documented(api, container):
    w = build_world(container.deps)
    _with_api_key(container.deps, w)
    doc = api.call("GET", "/v1/openapi.json").data
    strict = copy.deepcopy(doc)
    _forbid_extras(strict["components"])
    checked = 0
    for path, operations in doc["paths"].items():
        get = operations.get("get")
        if get is None or "application/json" not in get["responses"].get("200", {}).get("content", {}):
            continue
        schema = {**strict, **get["responses"]["200"]["content"]["application/json"]["schema"]}
        _forbid_extras(schema)
        validator = Draft202012Validator(schema)
        for role in ROLES:
            resp = api.call("GET", _fill(path, w), token=w.token(role))
            if resp.status_code != 200 or path == "/v1/openapi.json":
                continue
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(resp.data)]
            assert not errors, (role, path, errors[:5])
            checked += 1
    print("checked", checked)
    assert checked >= 40, checked  # most GETs answered 200 for at least one role: the walk really read them


def _with_api_key(deps, w) -> None:
    """A used API key, so the key list has a row (with last_used_at) to check."""
    from tandem.domain.permissions import Principal
    from tandem.services.api_keys import create_key, principal_from_key

    admin = w.ids["admin"]
    _, key = create_key(deps, Principal(admin.tenant_id, admin.id, admin.role), name="Docs", scopes=["items:read"])
    principal_from_key(deps, key)
    _with_view(deps, w)
    _with_time(deps, w)


def _with_view(deps, w) -> None:
    """A saved view shared with the tenant, with every kind of filter, so its GETs return a full body."""
    from integration.world import _principal
    from tandem.services.saved_views import create_view

    filters = {"kind": "ticket", "status_category": ["new", "open"], "assignee": "me", "unassigned": False}
    w.ids["view"] = create_view(deps, _principal(w.ids["admin"]), {
        "name": "Docs", "shared": True, "team_id": w.ids["team"].id, "filters": filters, "group_by": "status"})


def _with_time(deps, w) -> None:
    """The admin's running timer and a submitted timesheet, so the time GETs have rows to check."""
    from tandem.domain.permissions import Principal
    from tandem.services import timesheets, track_time

    admin = w.ids["admin"]
    p = Principal(admin.tenant_id, admin.id, admin.role)
    track_time.start_timer(deps, p, w.ids["item_a"].ref)
    fields = {"item_ref": w.ids["item_a"].ref, "date": "2026-03-02", "minutes": 30, "percent_complete": 10}
    sheet = timesheets.create_sheet(deps, p, fields)
    w.ids["timesheet"] = timesheets.submit_sheet(deps, p, sheet.id)
    _count_time(deps)


def _count_time(deps) -> None:
    """The stream's time part, so the reports and the item's time have rows to check."""
    from tandem.dal.memory import drain_events
    from tandem.services.time_reports import count_time

    for event in drain_events(deps.repos):
        count_time(deps, event)


@pytest.mark.parametrize("role", ROLES)
def test_an_items_page_carries_only_documented_fields(api, container, role):
    w = build_world(container.deps)
    doc = api.call("GET", "/v1/openapi.json").data
    item_fields = set(doc["components"]["schemas"]["Item"]["properties"])
    for item in api.call("GET", "/v1/items", token=w.token(role)).data["items"]:
        assert set(item) <= item_fields
