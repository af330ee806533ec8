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
from tandem.dal.memory import drain_events
from tandem.domain.items import Cause

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
        "kb/categories": w.ids["kb_category"].id if "kb_category" in w.ids else "x",
        "kb/articles": w.ids["kb_article"].id if "kb_article" in w.ids else "x",
        "public": w.ids["kb_article"].id if "kb_article" in w.ids else "x",  # /v1/public/{slug}/kb/{id}
        "chats": w.ids["chat"].id if "chat" in w.ids else "x",
        "roles": w.ids["role"].id if "role" in w.ids else "x",
    }
    resource = path.split("/")[2]
    if resource == "kb":
        resource = "/".join(path.split("/")[2:4])
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
    _with_plan(deps, w)
    _with_kb(deps, w)
    _with_chats(deps, w)
    _with_projects(deps, w)
    _with_role(deps, w)


def _with_projects(deps, w) -> None:
    """Issue 15: Mia's request to join Incoming (B) declined with a note (her notifications name the project), a
    pending one of Olaf's for Incoming (A), and A's ticket filed in a sub-folder of A."""
    from integration.world import _principal
    from tandem.domain.events import JoinRequestChanged
    from tandem.services import folders, in_app, join_requests
    from tandem.services.update_item import update_item

    admin, member = _principal(w.ids["admin"]), _principal(w.ids["member"])
    asked, _ = join_requests.ask_to_join(deps, member, w.ids["incoming_b"].id, message="May I help?")
    join_requests.decide_join_request(deps, admin, w.ids["incoming_b"].id, asked.id, approve=False, note="No")
    join_requests.ask_to_join(deps, _principal(w.ids["outsider"]), w.ids["incoming_a"].id)
    for event in drain_events(deps.repos):
        if isinstance(event, JoinRequestChanged):
            in_app.react(deps, event)
    top = folders.create_folder(deps, admin, w.ids["incoming_a"].id, {"name": "Design"})
    sub = folders.create_folder(deps, admin, w.ids["incoming_a"].id, {"name": "Drafts", "parent_id": top.id})
    update_item(deps, admin, w.ids["item_a"].ref, {"folder_id": sub.id})


def _with_role(deps, w) -> None:
    """A custom role the outsider agent holds: the role list holds the built-ins and a stored one."""
    from tandem.domain.permissions import Principal
    from tandem.services import manage_people, roles

    admin = w.ids["admin"]
    p = Principal(admin.tenant_id, admin.id, admin.role)
    w.ids["role"] = roles.create_role(deps, p, {"name": "Notes", "description": "Private notes only",
                                                "privileges": ["items.note"]})
    manage_people.update_person(deps, p, w.ids["outsider"].id, {"role_id": w.ids["role"].id}, customer=False)


def _with_kb(deps, w) -> None:
    """A category and an article published for CustomerA's organisation, answered helpful once: every field of the
    knowledge base's GETs has a value (Alice reads it on the portal)."""
    from tandem.domain.permissions import Principal
    from tandem.services import kb
    from tandem.services.kb_public import give_feedback

    admin = w.ids["admin"]
    p = Principal(admin.tenant_id, admin.id, admin.role)
    w.ids["kb_category"] = kb.create_category(deps, p, {"name": "Guides", "description": "How-tos", "position": 2})
    w.ids["kb_article"] = kb.create_article(deps, p, {
        "title": "Printer setup", "body_markdown": "Turn it **on**.", "category_id": w.ids["kb_category"].id,
        "state": "published", "visibility": "organizations", "organization_ids": [w.ids["org_a"].id]})
    alice = w.ids["cust_a"]
    reader = Principal(alice.tenant_id, alice.id, alice.role, (), alice.organization_id)
    give_feedback(deps, "agency", reader, w.ids["kb_article"].id, helpful=True, visitor=None, ip=None)


def _with_chats(deps, w) -> None:
    """Chat on, a conversation an agent took and answered, and a chat still waiting (what GET /v1/chats lists)."""
    from dataclasses import replace

    from integration.world import _principal
    from tandem.domain.chat import Connection, Side
    from tandem.services.chat import accept_chat, agent_says
    from tandem.services.chat_socket import start_chat

    tenant = deps.repos.tenants.get(w.ids["tenant"].id)
    deps.repos.tenants.save(replace(tenant, modules={"chat": True}))
    visitor = Connection("docs-visitor", tenant.id, Side.VISITOR, "2026-03-01T10:00:00Z", 2**40,
                         visitor_key="v:docs-visitor")
    frame = {"name": "Vera", "email": "vera@visitors.example", "page_url": "https://shop.example/", "text": "Hello"}
    member = _principal(w.ids["member"])
    taken = accept_chat(deps, member, start_chat(deps, visitor, {**frame, "client_id": "first"}).id)
    agent_says(deps, member, taken.id, "How can I help?", "a-1")
    w.ids["chat"] = taken
    start_chat(deps, visitor, {**frame, "client_id": "second"})


def _with_view(deps, w) -> None:
    """A saved view shared with the tenant, with every kind of filter, so its GETs return a full body."""
    from integration.world import _principal
    from tandem.services.saved_views import create_view

    filters = {"kind": "ticket", "status_category": ["new", "open"], "assignee": "me", "unassigned": False}
    w.ids["view"] = create_view(deps, _principal(w.ids["admin"]), {
        "name": "Docs", "shared": True, "team_id": w.ids["team"].id, "filters": filters, "group_by": "status"})


def _with_time(deps, w) -> None:
    """The admin's running timer and a submitted timesheet, so the time GETs have rows to check; the member
    agent's timesheet rejected by the admin as the manager of its project, so her notifications hold a decision
    with its reason and the project names its manager."""
    from tandem.domain.events import TimesheetChanged
    from tandem.domain.permissions import Principal
    from tandem.services import approvals, in_app, manage_projects, timesheets, track_time
    from tandem.services.time_reports import count_time

    admin = w.ids["admin"]
    p = Principal(admin.tenant_id, admin.id, admin.role)
    track_time.start_timer(deps, p, w.ids["item_a"].ref)
    fields = {"item_ref": w.ids["item_a"].ref, "date": "2026-03-02", "minutes": 30, "percent_complete": 10}
    sheet = timesheets.create_sheet(deps, p, fields)
    w.ids["timesheet"] = timesheets.submit_sheet(deps, p, sheet.id)
    manage_projects.update_project(deps, p, w.ids["incoming_a"].id, {"managers": [admin.id]})
    m = w.ids["member"]
    member = Principal(m.tenant_id, m.id, m.role, (w.ids["team"].id,))
    theirs = timesheets.submit_sheet(deps, member, timesheets.create_sheet(deps, member, fields).id)
    approvals.decide_sheet(deps, p, theirs.id, approve=False, reason="split it per task")
    for event in drain_events(deps.repos):  # the stream's part: time counted, the member told of the rejection
        count_time(deps, event)
        if isinstance(event, TimesheetChanged):
            in_app.react(deps, event)
    notes = deps.repos.notifications.list(m.tenant_id, m.id).items
    assert [(n.kind, n.detail) for n in notes] == [("timesheet_rejected", "split it per task")]


def _with_plan(deps, w) -> None:
    """A's ticket planned after a task that finishes too late and before its own constraint, so the item and the
    project's schedule carry conflicts of every kind (with and without a predecessor's ref)."""
    from tandem.domain.permissions import Principal
    from tandem.services.open_item import NewItem, open_item
    from tandem.services.update_item import update_item

    admin = w.ids["admin"]
    p = Principal(admin.tenant_id, admin.id, admin.role)
    task_type = next(t for t in deps.repos.item_types.list(admin.tenant_id).items if t.kind == "task")
    prep = open_item(deps, w.ids["tenant"], p, NewItem(type_id=task_type.id, title="Prep", project_id=w.ids[
        "incoming_a"].id, extra={"planned_start": "2026-03-01", "planned_finish": "2026-03-09"}), via="api",
        cause=Cause.API)
    update_item(deps, p, w.ids["item_a"].ref, {"planned_start": "2026-03-05", "planned_finish": "2026-03-06",
                                               "start_no_earlier_than": "2026-03-06", "predecessors": [prep.ref]})


@pytest.mark.parametrize("role", ROLES)
def test_an_items_page_carries_only_documented_fields(api, container, role):
    w = build_world(container.deps)
    doc = api.call("GET", "/v1/openapi.json").data
    item_fields = set(doc["components"]["schemas"]["Item"]["properties"])
    for item in api.call("GET", "/v1/items", token=w.token(role)).data["items"]:
        assert set(item) <= item_fields


def test_the_msproject_import_answer_is_fully_documented(api, container):
    """Given the sample plan imported as it is (items, warnings, an unmatched resource) and then into a task type
    whose form requires an answer (errors), when each answer is checked against the document, then every field of
    both is described (additional properties forbidden)."""
    from pathlib import Path
    w = build_world(container.deps)
    doc = api.call("GET", "/v1/openapi.json").data
    strict = copy.deepcopy(doc)
    _forbid_extras(strict["components"])
    answer = doc["paths"]["/v1/imports/msproject"]["post"]["responses"]["200"]["content"]["application/json"]
    schema = {**strict, **answer["schema"]}
    _forbid_extras(schema)
    validator = Draft202012Validator(schema)
    xml = (Path(__file__).resolve().parents[1] / "fixtures" / "msproject" / "sample_plan.xml").read_text()
    body = {"project_id": w.ids["incoming_a"].id, "xml": xml}
    first = api.call("POST", "/v1/imports/msproject", body, token=w.token("admin"))
    task_type = next(t for t in container.deps.repos.item_types.list(w.ids["tenant"].id).items if t.kind == "task")
    form = {"fields": [{"key": "code", "label": "Code", "type": "text", "required": True}]}
    patched = api.call("PATCH", f"/v1/item-types/{task_type.id}", {"form": form}, token=w.token("admin"))
    assert patched.status_code == 200
    other = {"project_id": w.ids["incoming_b"].id, "xml": xml, "dry_run": True}
    refused = api.call("POST", "/v1/imports/msproject", other, token=w.token("admin"))
    assert first.status_code == refused.status_code == 200
    assert first.data["items"] and first.data["warnings"] and first.data["unmatched_resources"]
    assert refused.data["errors"]
    for resp in (first, refused):
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(resp.data)]
        assert not errors, errors[:5]


def test_import_answers_carry_only_documented_fields(api, container):
    """The two import operations answer POSTs: their bodies (a dry run with an error row, a guessed mapping) are
    checked against their documented schemas like the GETs above."""
    w = build_world(container.deps)
    doc = api.call("GET", "/v1/openapi.json").data
    strict = copy.deepcopy(doc)
    _forbid_extras(strict["components"])
    calls = {
        "/v1/imports": {"kind": "items", "csv": "Subject,Priority\nPrinter,high\nScanner,whenever\n",
                        "mapping": {"Subject": "title", "Priority": "priority"}, "dry_run": True},
        "/v1/imports/mapping": {"kind": "items", "header": ["Subject", "Created"]},
    }
    for path, body in calls.items():
        resp = api.call("POST", path, body, token=w.token("admin"))
        assert resp.status_code == 200, resp.data
        schema = {**strict, **doc["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]["schema"]}
        _forbid_extras(schema)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(resp.data)]
        assert not errors, (path, errors[:5])
    assert resp.data["mapping"] == {"Subject": "title", "Created": None}
