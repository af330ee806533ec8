"""Module switches (issue 15) through the API: each module's routes answer 404 `module_disabled` while it is off,
for every caller, and everything is back, nothing deleted, once it is on again."""

from __future__ import annotations

import pytest

from integration.test_hooks import Clock
from integration.test_notifications import pump
from integration.world import PASSWORD, build_world

DEFAULTS = {"tasks": True, "portal": True, "knowledge_base": True, "time_tracking": True, "chat": False,
            "integrations": True}
OFF = (404, "module_disabled")


@pytest.fixture
def world(api, container):
    container.deps.clock = Clock("2026-03-02T09:00:00.000Z")
    w = build_world(container.deps)
    pump(container)
    container.deps.mailer.sent.clear()
    return w


def switch(api, w, **modules: bool) -> dict:
    resp = api.call("PATCH", "/v1/settings", {"modules": modules}, token=w.token("admin"))
    assert resp.status_code == 200, resp.data
    return resp.data["modules"]


def answers(responses) -> list[tuple[int, str | None]]:
    return [(r.status_code, (r.data or {}).get("error", {}).get("code")) for r in responses]


def off_for(responses, module: str) -> bool:
    """Every answer is 404 module_disabled naming `module`."""
    return all((r.status_code, r.data["error"]["code"], r.data["error"]["details"].get("module")) == (*OFF, module)
               for r in responses)


def _task(api, w, title="Plan the launch") -> dict:
    types = api.call("GET", "/v1/item-types", token=w.token("admin")).data["items"]
    task_type = next(t for t in types if t["kind"] == "task")
    resp = api.call("POST", "/v1/items", {"type_id": task_type["id"], "title": title,
                                          "project_id": w.ids["incoming_a"].id}, token=w.token("admin"))
    assert resp.status_code == 201, resp.data
    return resp.data


def test_me_settings_and_the_portal_config_carry_the_six_modules_and_the_patch_refuses_others(api, world):
    w = world
    admin = w.token("admin")
    # Given a new tenant: every module at its default
    assert api.call("GET", "/v1/me", token=admin).data["modules"] == DEFAULTS
    assert api.call("GET", "/v1/settings", token=admin).data["modules"] == DEFAULTS
    assert api.call("GET", "/v1/public/agency/forms").data["modules"] == DEFAULTS
    # When an admin switches two of them, the others keep their state
    assert switch(api, w, time_tracking=False, chat=True) == {**DEFAULTS, "time_tracking": False, "chat": True}
    assert switch(api, w, integrations=False) == {**DEFAULTS, "time_tracking": False, "chat": True,
                                                  "integrations": False}
    # Then unknown modules and non-booleans are refused with the field named
    unknown = api.call("PATCH", "/v1/settings", {"modules": {"crm": True}}, token=admin)
    wrong = api.call("PATCH", "/v1/settings", {"modules": {"tasks": "off"}}, token=admin)
    assert unknown.status_code == wrong.status_code == 422
    assert unknown.data["error"]["details"]["errors"][0]["field"].startswith("modules")
    assert wrong.data["error"]["details"]["errors"][0]["field"].startswith("modules")


def test_tasks_off_hides_task_items_planning_and_conversion_and_on_brings_them_back(api, world):
    w = world
    admin, agent = w.token("admin"), w.token("agent_member")
    task = _task(api, w)
    ticket = w.ids["item_a"].ref
    types = api.call("GET", "/v1/item-types", token=admin).data["items"]
    task_type = next(t for t in types if t["kind"] == "task")
    # When tasks are switched off
    switch(api, w, tasks=False)
    ref = task["ref"]
    gone = [
        api.call("GET", f"/v1/items/{ref}", token=admin),
        api.call("GET", f"/v1/items/{ref.lower()}", token=agent),
        api.call("PATCH", f"/v1/items/{ref}", {"title": "Changed"}, token=admin),
        api.call("GET", f"/v1/items/{ref}/messages", token=admin),
        api.call("POST", f"/v1/items/{ref}/messages", {"body": "Hi", "visibility": "private"}, token=admin),
        api.call("GET", "/v1/items?kind=task", token=admin),
        api.call("POST", "/v1/items", {"type_id": task_type["id"], "title": "New task"}, token=admin),
        api.call("POST", f"/v1/items/{ticket}/convert", {"to": "task"}, token=admin),
        api.call("GET", f"/v1/projects/{w.ids['incoming_a'].id}/schedule", token=admin),
        api.call("POST", "/v1/item-types", {"name": "Sprint task", "kind": "task"}, token=admin),
        api.call("POST", "/v1/imports/msproject", {"project_id": w.ids["incoming_a"].id, "xml": "<Project/>"},
                 token=admin),
    ]
    # Then the task's routes, planning, conversion, task types and plan imports answer 404 module_disabled
    assert off_for(gone, "tasks"), answers(gone)
    # And tickets work as before; lists and search leave the task out
    listed = api.call("GET", "/v1/items?limit=200", token=admin).data["items"]
    assert listed and {i["kind"] for i in listed} == {"ticket"}
    assert api.call("GET", f"/v1/items/{ticket}", token=admin).status_code == 200
    hits = api.call("GET", "/v1/search?q=launch", token=admin).data["items"]
    assert [h for h in hits if h.get("ref") == ref] == []
    # When tasks are switched on again, the task is back as it was
    switch(api, w, tasks=True)
    back = api.call("GET", f"/v1/items/{ref}", token=admin)
    assert back.status_code == 200 and back.data["title"] == "Plan the launch"
    assert ref in [i["ref"] for i in api.call("GET", "/v1/items?kind=task", token=admin).data["items"]]
    assert api.call("GET", f"/v1/projects/{w.ids['incoming_a'].id}/schedule", token=admin).status_code == 200


def test_a_converted_tickets_old_reference_follows_the_tasks_switch(api, world):
    w = world
    admin = w.token("admin")
    old = w.ids["item_b"].ref
    converted = api.call("POST", f"/v1/items/{old}/convert", {"to": "task"}, token=admin).data
    switch(api, w, tasks=False)
    # The old T- reference leads to a task: gone while tasks are off, like the new K- one
    assert off_for([api.call("GET", f"/v1/items/{old}", token=admin),
                    api.call("GET", f"/v1/items/{converted['ref']}", token=admin)], "tasks")
    switch(api, w, tasks=True)
    assert api.call("GET", f"/v1/items/{old}", token=admin).data["ref"] == converted["ref"]


def test_portal_off_closes_public_routes_and_customer_sessions_but_not_the_workspace(api, world):
    w = world
    customer = w.token("customer_a")
    type_id = w.ids["ticket_type"].id
    switch(api, w, portal=False)
    public = [
        api.call("GET", "/v1/public/agency/forms"),
        api.call("POST", f"/v1/public/agency/forms/{type_id}", {"email": "v@visitor.example", "title": "Hi"}),
        api.call("POST", "/v1/public/agency/magic-link", {"email": "alice@customer-a.example"}),
        api.call("GET", "/v1/public/agency/kb"),
        api.call("GET", "/v1/me", token=customer),
        api.call("GET", "/v1/items", token=customer),
        api.call("GET", f"/v1/items/{w.ids['item_a'].ref}", token=customer),
        api.call("POST", "/v1/auth/login", {"tenant": "agency", "email": "alice@customer-a.example",
                                            "password": PASSWORD}),
    ]
    # Then the portal's routes and every call with a customer's session answer 404 module_disabled
    assert off_for(public, "portal"), answers(public)
    # And the config says which modules are on (the widget's chat needs it)
    assert public[0].data["error"]["details"]["modules"] == {**DEFAULTS, "portal": False}
    # And a wrong password still reads as a wrong password (the switch tells nothing without it)
    wrong = api.call("POST", "/v1/auth/login", {"tenant": "agency", "email": "alice@customer-a.example",
                                                "password": "not the password"})
    assert wrong.status_code == 401
    # And the agents' workspace keeps working
    assert api.call("GET", f"/v1/items/{w.ids['item_a'].ref}", token=w.token("agent_member")).status_code == 200
    # When the portal is on again, the same customer session works and the forms are back
    switch(api, w, portal=True)
    assert api.call("GET", "/v1/me", token=customer).data["role"] == "customer"
    assert api.call("GET", f"/v1/items/{w.ids['item_a'].ref}", token=customer).status_code == 200
    assert api.call("GET", "/v1/public/agency/forms").status_code == 200


def test_time_tracking_off_closes_timers_timesheets_reports_and_statements(api, world):
    w = world
    agent, admin = w.token("agent_member"), w.token("admin")
    ref = w.ids["item_a"].ref
    timer = api.call("POST", "/v1/timers", {"item_ref": ref}, token=agent).data
    sheet = api.call("POST", "/v1/timesheets", {"item_ref": ref, "date": "2026-03-02", "minutes": 45},
                     token=agent).data
    switch(api, w, time_tracking=False)
    org = w.ids["org_a"].id
    gone = [
        api.call("GET", "/v1/timers", token=agent),
        api.call("POST", "/v1/timers", {"item_ref": ref}, token=agent),
        api.call("GET", "/v1/timers/current", token=agent),
        api.call("POST", f"/v1/timers/{timer['id']}/stop", token=agent),
        api.call("GET", "/v1/timesheets", token=agent),
        api.call("POST", "/v1/timesheets", {"item_ref": ref, "date": "2026-03-02", "minutes": 5}, token=agent),
        api.call("GET", f"/v1/timesheets/{sheet['id']}", token=agent),
        api.call("POST", f"/v1/timesheets/{sheet['id']}/submit", token=agent),
        api.call("GET", "/v1/timesheets?approvable=true", token=admin),
        api.call("GET", "/v1/reports/time?group_by=user", token=admin),
        api.call("GET", f"/v1/items/{ref}/time", token=admin),
        api.call("GET", f"/v1/reports/time/statement?organization_id={org}&from=2026-03-01&to=2026-03-31",
                 token=admin),
    ]
    assert off_for(gone, "time_tracking"), answers(gone)
    # Items themselves are not the module's
    assert api.call("GET", f"/v1/items/{ref}", token=agent).status_code == 200
    # When it is on again, the running timer and the timesheet are there as they were
    switch(api, w, time_tracking=True)
    assert [t["id"] for t in api.call("GET", "/v1/timers", token=agent).data["items"]] == [timer["id"]]
    assert api.call("GET", f"/v1/timesheets/{sheet['id']}", token=agent).data["minutes"] == 45


def test_integrations_off_closes_keys_hooks_inbound_webhooks_and_api_key_calls(api, world):
    w = world
    admin = w.token("admin")
    key = api.call("POST", "/v1/api-keys", {"name": "Zapier", "scopes": ["items:read"]}, token=admin).data
    hook = api.call("POST", "/v1/hooks", {"target_url": "https://receiver.example/hook", "event": "item.created"},
                    token=admin).data
    token = w.ids["inbound_token"]
    switch(api, w, integrations=False)
    gone = [
        api.call("GET", "/v1/api-keys", token=admin),
        api.call("POST", "/v1/api-keys", {"name": "Other", "scopes": ["items:read"]}, token=admin),
        api.call("DELETE", f"/v1/api-keys/{key['id']}", token=admin),
        api.call("GET", "/v1/hooks", token=admin),
        api.call("POST", "/v1/hooks", {"target_url": "https://receiver.example/x", "event": "item.created"},
                 token=admin),
        api.call("GET", f"/v1/hooks/{hook['id']}/deliveries", token=admin),
        api.call("GET", "/v1/hooks/events/item.created", token=admin),
        api.call("GET", "/v1/inbound-webhooks", token=admin),
        api.call("POST", f"/v1/public/inbound/{token}", {"title": "From the shop"}),
        # Every call made with an API key, whatever the route
        api.call("GET", "/v1/items", token=key["key"]),
        api.call("GET", "/v1/auth/test", token=key["key"]),
    ]
    assert off_for(gone, "integrations"), answers(gone)
    # A made-up inbound URL still reads as nothing at all
    assert answers([api.call("POST", "/v1/public/inbound/nope.nope.nope", {"title": "x"})]) == [(404, "not_found")]
    # When it is on again, the key works and the subscription and endpoint are still there
    switch(api, w, integrations=True)
    assert api.call("GET", "/v1/items", token=key["key"]).status_code == 200
    assert [h["id"] for h in api.call("GET", "/v1/hooks", token=admin).data["items"]] == [hook["id"]]
    assert api.call("POST", f"/v1/public/inbound/{token}", {"title": "From the shop"}).status_code == 202
