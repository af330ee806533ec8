"""Timers and timesheets through the API (issue 13), on the agency world with a frozen clock."""

from __future__ import annotations

import pytest

from integration.test_sla_clocks import Clock
from integration.world import build_world
from tandem.runtime.handlers import run_timers

START = "2026-03-02T09:00:00.000Z"


@pytest.fixture
def world(api, container):
    clock = Clock(START)
    container.deps.clock = clock
    return build_world(container.deps), clock


def _sheets(api, token, query: str = "") -> list[dict]:
    resp = api.call("GET", f"/v1/timesheets{query}", token=token)
    assert resp.status_code == 200, resp.data
    return resp.data["items"]


def test_timer_to_approved_timesheet_applies_progress_and_status_to_the_item(api, world):
    w, clock = world
    agent, admin = w.token("agent_member"), w.token("admin")
    ref = w.ids["item_a"].ref
    # Given an agent's timer on item A, paused for ten minutes in the middle
    timer = api.call("POST", "/v1/timers", {"item_ref": ref}, token=agent)
    assert timer.status_code == 201 and timer.data["state"] == "running", timer.data
    clock.now = "2026-03-02T09:20:00.000Z"
    assert api.call("POST", f"/v1/timers/{timer.data['id']}/pause", token=agent).data["state"] == "paused"
    clock.now = "2026-03-02T09:30:00.000Z"
    assert api.call("POST", f"/v1/timers/{timer.data['id']}/resume", token=agent).data["state"] == "running"
    clock.now = "2026-03-02T09:55:00.000Z"
    # When they stop it: a draft with the 45 running minutes
    stopped = api.call("POST", f"/v1/timers/{timer.data['id']}/stop", token=agent)
    assert stopped.status_code == 200, stopped.data
    draft = stopped.data["draft"]
    assert (draft["item_ref"], draft["date"], draft["minutes"]) == (ref, "2026-03-02", 45)
    assert api.call("GET", "/v1/timers/current", token=agent).data == {"timer": None}
    # and turn it into a timesheet with progress and a status change, submit it, and an admin approves it
    body = {**draft, "percent_complete": 60, "status": "resolved", "note": "fixed the export"}
    sheet = api.call("POST", "/v1/timesheets", body, token=agent)
    assert sheet.status_code == 201 and sheet.data["state"] == "draft", sheet.data
    sid = sheet.data["id"]
    assert api.call("GET", f"/v1/items/{ref}", token=admin).data["status"] != "resolved"  # not before submit
    submitted = api.call("POST", f"/v1/timesheets/{sid}/submit", token=agent)
    assert submitted.status_code == 200 and submitted.data["state"] == "submitted", submitted.data
    item = api.call("GET", f"/v1/items/{ref}", token=admin).data
    assert (item["percent_complete"], item["status"]) == (60, "resolved")
    approved = api.call("POST", f"/v1/timesheets/{sid}/approve", token=admin)
    # Then it is approved and listed as the agent's
    assert approved.status_code == 200 and approved.data["state"] == "approved", approved.data
    assert [s["id"] for s in _sheets(api, agent, "?state=approved")] == [sid]


def test_starting_a_second_timer_pauses_the_first(api, world):
    w, clock = world
    agent = w.token("agent_member")
    first = api.call("POST", "/v1/timers", {"item_ref": w.ids["item_a"].ref}, token=agent).data
    clock.now = "2026-03-02T09:10:00.000Z"
    # A second item in the agent's project
    body = {"type_id": w.ids["ticket_type"].id, "title": "Second", "project_id": w.ids["incoming_a"].id}
    other = api.call("POST", "/v1/items", body, token=w.token("admin")).data
    second = api.call("POST", "/v1/timers", {"item_ref": other["ref"]}, token=agent)
    assert second.status_code == 201
    current = api.call("GET", "/v1/timers/current", token=agent).data["timer"]
    assert current["id"] == second.data["id"] and current["state"] == "running"
    # The first stays paused at its ten minutes
    clock.now = "2026-03-02T10:00:00.000Z"
    resumed = api.call("POST", f"/v1/timers/{first['id']}/resume", token=agent).data
    assert resumed["elapsed_seconds"] == 600
    assert api.call("POST", f"/v1/timers/{second.data['id']}/resume", token=agent).status_code == 200
    assert api.call("POST", f"/v1/timers/{first['id']}/pause", token=agent).status_code == 409  # paused again


def test_a_forgotten_timer_is_stopped_once_at_the_limit(api, container, world):
    from tandem.services.apply_rules import rule_loader
    from tandem.services.run_timers import _fire_once

    w, clock = world
    agent = w.token("agent_member")
    assert api.call("PATCH", "/v1/settings", {"timer_limit_hours": 2}, token=w.token("admin")).status_code == 200
    timer = api.call("POST", "/v1/timers", {"item_ref": w.ids["item_a"].ref}, token=agent).data
    # Given the tick before the limit: nothing stops
    assert run_timers(container, now="2026-03-02T10:59:00.000Z")["fired"] == {}
    due = container.deps.repos.timers.due("2026-03-02T11:00:00.000Z", since=START, limit=10)
    # When the tick at the limit runs, and the same check is delivered again
    clock.now = "2026-03-02T11:00:30.000Z"
    assert run_timers(container, now="2026-03-02T11:00:00.000Z")["fired"] == {"work_timer_limit": 1}
    again = [_fire_once(container.deps, t, rule_loader(container.deps), "s", "2026-03-02T11:00:00.000Z")
             for t in due]
    # Then the timer was stopped once, at two hours, into one draft timesheet for its owner
    assert again == [0]
    assert api.call("GET", "/v1/timers/current", token=agent).data == {"timer": None}
    drafts = _sheets(api, agent)
    assert [(s["minutes"], s["state"], s["item_ref"]) for s in drafts] == [(120, "draft", timer["item_ref"])]
    notes = api.call("GET", "/v1/notifications", token=agent).data["items"]
    assert [(n["kind"], n["item_ref"]) for n in notes] == [("timer_stopped", timer["item_ref"])]


def test_a_paused_timer_is_not_stopped_by_the_limit(api, container, world):
    w, clock = world
    agent = w.token("agent_member")
    timer = api.call("POST", "/v1/timers", {"item_ref": w.ids["item_a"].ref}, token=agent).data
    clock.now = "2026-03-02T10:00:00.000Z"
    api.call("POST", f"/v1/timers/{timer['id']}/pause", token=agent)
    assert run_timers(container, now="2026-03-02T19:30:00.000Z")["fired"] == {}
    assert api.call("GET", "/v1/timers/current", token=agent).data["timer"]["state"] == "paused"


def _submitted(api, w, token) -> str:
    body = {"item_ref": w.ids["item_a"].ref, "date": "2026-03-02", "minutes": 30, "billable": True}
    sid = api.call("POST", "/v1/timesheets", body, token=token).data["id"]
    assert api.call("POST", f"/v1/timesheets/{sid}/submit", token=token).status_code == 200
    return sid


def test_a_plain_agent_cannot_approve_or_reject(api, world):
    w, _ = world
    agent = w.token("agent_member")
    sid = _submitted(api, w, agent)
    assert api.call("POST", f"/v1/timesheets/{sid}/approve", token=agent).status_code == 403
    assert api.call("POST", f"/v1/timesheets/{sid}/reject", {"reason": "no"}, token=agent).status_code == 403
    assert api.call("GET", f"/v1/timesheets/{sid}", token=agent).data["state"] == "submitted"


def test_a_rejection_carries_its_reason_and_the_sheet_can_be_fixed(api, world):
    w, _ = world
    agent, admin = w.token("agent_member"), w.token("admin")
    sid = _submitted(api, w, agent)
    rejected = api.call("POST", f"/v1/timesheets/{sid}/reject", {"reason": "split per task"}, token=admin)
    assert (rejected.data["state"], rejected.data["reason"]) == ("rejected", "split per task")
    fixed = api.call("PATCH", f"/v1/timesheets/{sid}", {"minutes": 20}, token=agent)
    assert fixed.status_code == 200 and fixed.data["minutes"] == 20


def test_an_approved_timesheet_is_locked(api, world):
    w, _ = world
    agent, admin = w.token("agent_member"), w.token("admin")
    sid = _submitted(api, w, agent)
    assert api.call("POST", f"/v1/timesheets/{sid}/approve", token=admin).status_code == 200
    for token in (agent, admin):
        assert api.call("PATCH", f"/v1/timesheets/{sid}", {"minutes": 5}, token=token).status_code == 409
        assert api.call("DELETE", f"/v1/timesheets/{sid}", token=token).status_code == 409
    assert api.call("GET", f"/v1/timesheets/{sid}", token=agent).data["minutes"] == 30


def test_a_customer_never_sees_timesheets_or_timers(api, world):
    w, _ = world
    sid = _submitted(api, w, w.token("agent_member"))
    for role in ("customer_a", "customer_b", "other_tenant"):
        token = w.token(role)
        for method, path in (("GET", "/v1/timesheets"), ("GET", f"/v1/timesheets/{sid}"),
                             ("GET", "/v1/timers/current")):
            resp = api.call(method, path, token=token)
            assert resp.status_code in (403, 404) and set(resp.data) == {"error"}, (role, path, resp.data)


def test_agents_see_only_their_own_timesheets_and_admins_filter_by_user(api, world):
    w, _ = world
    mine = _submitted(api, w, w.token("agent_member"))
    outsider = w.token("agent_nonmember")
    assert _sheets(api, outsider) == []
    assert api.call("GET", f"/v1/timesheets/{mine}", token=outsider).status_code == 404
    assert api.call("GET", f"/v1/timesheets?user_id={w.ids['member'].id}", token=outsider).status_code == 403
    admin_view = _sheets(api, w.token("admin"), f"?user_id={w.ids['member'].id}&from=2026-03-01&to=2026-03-31")
    assert [s["id"] for s in admin_view] == [mine]
    assert _sheets(api, w.token("admin"), "?from=2026-04-01") == []
    assert _sheets(api, w.token("admin"), f"?project_id={w.ids['incoming_a'].id}&billable=false") == []


def test_the_timer_list_holds_the_running_timer_first_then_the_paused_ones(api, world):
    # Given an agent who started a timer on one item and then another (which paused the first)
    w, clock = world
    agent = w.token("agent_member")
    first = api.call("POST", "/v1/timers", {"item_ref": w.ids["item_a"].ref}, token=agent).data
    clock.now = "2026-03-02T10:00:00.000Z"
    body = {"type_id": w.ids["ticket_type"].id, "title": "Second", "project_id": w.ids["incoming_a"].id}
    other = api.call("POST", "/v1/items", body, token=w.token("admin")).data
    second = api.call("POST", "/v1/timers", {"item_ref": other["ref"]}, token=agent).data
    # When they list their timers
    listed = api.call("GET", "/v1/timers", token=agent).data
    # Then the running one comes first, the paused one after it, and a stopped one is gone
    assert [(t["id"], t["state"]) for t in listed["items"]] == [(second["id"], "running"), (first["id"], "paused")]
    api.call("POST", f"/v1/timers/{first['id']}/stop", token=agent)
    assert [t["id"] for t in api.call("GET", "/v1/timers", token=agent).data["items"]] == [second["id"]]
    assert api.call("GET", "/v1/timers", token=w.token("agent_nonmember")).data["items"] == []
