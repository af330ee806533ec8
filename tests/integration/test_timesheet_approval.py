"""Approval of timesheets by admins and the projects' managers (issue 13), through the API on the agency world.

Max manages Incoming (A), the project of A's ticket where Mia (the member agent) logs her time; Nora manages
Incoming (B). Decisions reach the owner as in-app notifications, written by the stream handler once per decision.
"""

from __future__ import annotations

import pytest

from integration.test_notifications import pump
from integration.test_sla_clocks import Clock
from integration.world import PASSWORD, build_world
from tandem.services.authenticate import issue_token

START = "2026-03-02T09:00:00.000Z"


@pytest.fixture
def world(api, container):
    clock = Clock(START)
    container.deps.clock = clock
    w = build_world(container.deps)
    admin = w.token("admin")
    for key, name, project in (("max", "Max Manager", "incoming_a"), ("nora", "Nora Manager", "incoming_b")):
        body = {"email": f"{key}@agency.example", "name": name, "role": "agent", "password": PASSWORD}
        user = api.call("POST", "/v1/users", body, token=admin).data
        w.ids[key] = user
        w.tokens[key] = issue_token(container.deps, container.deps.repos.users.get(w.ids["tenant"].id, user["id"]))
        resp = api.call("PATCH", f"/v1/projects/{w.ids[project].id}", {"managers": [user["id"]]}, token=admin)
        assert resp.status_code == 200 and resp.data["managers"] == [user["id"]], resp.data
    pump(container)
    return w, clock


def _submitted(api, token: str, ref: str, minutes: int = 30, day: str = "2026-03-02") -> str:
    body = {"item_ref": ref, "date": day, "minutes": minutes}
    created = api.call("POST", "/v1/timesheets", body, token=token)
    assert created.status_code == 201, created.data
    sid = created.data["id"]
    assert api.call("POST", f"/v1/timesheets/{sid}/submit", token=token).status_code == 200
    return sid


def _queue(api, token: str, extra: str = "") -> list[str]:
    resp = api.call("GET", f"/v1/timesheets?state=submitted&approvable=true{extra}", token=token)
    assert resp.status_code == 200, resp.data
    return [s["id"] for s in resp.data["items"]]


def _notes(api, token: str) -> list[tuple[str, str, str, str]]:
    items = api.call("GET", "/v1/notifications", token=token).data["items"]
    return [(n["kind"], n["item_ref"], n["actor"]["name"], n["detail"]) for n in items]


def test_a_manager_approves_time_from_a_timer_and_the_owner_is_told_once(api, container, world):
    w, clock = world
    mia, max_ = w.token("agent_member"), w.token("max")
    ref = w.ids["item_a"].ref
    # Given Mia's timer on A's ticket, stopped after 40 minutes into a draft she submits
    timer = api.call("POST", "/v1/timers", {"item_ref": ref}, token=mia).data
    clock.now = "2026-03-02T09:40:00.000Z"
    draft = api.call("POST", f"/v1/timers/{timer['id']}/stop", token=mia).data["draft"]
    sheet = api.call("POST", "/v1/timesheets", {**draft, "note": "export fix"}, token=mia).data
    assert (sheet["minutes"], sheet["project_id"]) == (40, w.ids["incoming_a"].id)
    assert api.call("POST", f"/v1/timesheets/{sheet['id']}/submit", token=mia).data["state"] == "submitted"
    # When Max, who manages the ticket's project, finds it in his queue and approves it
    assert _queue(api, max_) == [sheet["id"]]
    clock.now = "2026-03-02T10:00:00.000Z"
    approved = api.call("POST", f"/v1/timesheets/{sheet['id']}/approve", token=max_)
    # Then it is approved by him, leaves the queue, and Mia is told once although the stream delivers twice
    assert approved.status_code == 200, approved.data
    assert (approved.data["state"], approved.data["decided_by"]) == ("approved", w.ids["max"]["id"])
    assert _queue(api, max_) == []
    pump(container, twice=True)
    pump(container, twice=True)
    assert _notes(api, mia) == [("timesheet_approved", ref, "Max Manager", "")]
    note = api.call("GET", "/v1/notifications", token=mia).data
    assert note["unread"] == 1 and note["items"][0]["item_title"] == "A's ticket"
    assert note["items"][0]["created_at"] == "2026-03-02T10:00:00.000Z"


def test_a_plain_agent_and_the_manager_of_another_project_cannot_decide(api, world):
    w, _ = world
    mia = w.token("agent_member")
    sid = _submitted(api, mia, w.ids["item_a"].ref)
    for who in ("agent_member", "agent_nonmember", "nora"):
        token = w.token(who)
        assert api.call("POST", f"/v1/timesheets/{sid}/approve", token=token).status_code == 403, who
        reject = api.call("POST", f"/v1/timesheets/{sid}/reject", {"reason": "no"}, token=token)
        assert reject.status_code == 403 and set(reject.data) == {"error"}, (who, reject.data)
    # Nor do they find it in a queue; the sheet is still waiting
    assert _queue(api, w.token("nora")) == [] and _queue(api, w.token("agent_nonmember")) == []
    assert _queue(api, mia) == []
    assert api.call("GET", f"/v1/timesheets/{sid}", token=mia).data["state"] == "submitted"


def test_a_manager_reads_the_timesheets_of_their_project_but_changes_none(api, world):
    w, _ = world
    mia, max_, nora = w.token("agent_member"), w.token("max"), w.token("nora")
    draft = api.call("POST", "/v1/timesheets", {"item_ref": w.ids["item_a"].ref, "date": "2026-03-03",
                                                 "minutes": 15}, token=mia).data["id"]
    submitted = _submitted(api, mia, w.ids["item_a"].ref)
    # Max reads each of Mia's sheets on his project and lists the project's
    assert api.call("GET", f"/v1/timesheets/{draft}", token=max_).status_code == 200
    listed = api.call("GET", f"/v1/timesheets?project_id={w.ids['incoming_a'].id}", token=max_).data["items"]
    assert [s["id"] for s in listed] == [draft, submitted]
    by_user = f"/v1/timesheets?project_id={w.ids['incoming_a'].id}&user_id={w.ids['member'].id}"
    assert len(api.call("GET", by_user, token=max_).data["items"]) == 2
    # but changes, submits or deletes none of them
    assert api.call("PATCH", f"/v1/timesheets/{draft}", {"minutes": 5}, token=max_).status_code == 403
    assert api.call("POST", f"/v1/timesheets/{draft}/submit", token=max_).status_code == 403
    assert api.call("DELETE", f"/v1/timesheets/{draft}", token=max_).status_code == 403
    # Nora, who manages another project, sees none of them, and no one lists Mia's time outside a project
    assert api.call("GET", f"/v1/timesheets/{draft}", token=nora).status_code == 404
    listed_b = api.call("GET", f"/v1/timesheets?project_id={w.ids['incoming_a'].id}", token=nora).data["items"]
    assert listed_b == []
    assert api.call("GET", f"/v1/timesheets?user_id={w.ids['member'].id}", token=max_).status_code == 403


def test_the_queue_holds_what_each_may_decide_and_pages_across_projects(api, world):
    w, _ = world
    admin, max_ = w.token("admin"), w.token("max")
    mia, olaf = w.token("agent_member"), w.token("agent_nonmember")
    # Given submitted sheets on A (Mia, two days) and on B (Olaf), a draft on A, and Max managing both projects
    a1 = _submitted(api, mia, w.ids["item_a"].ref, day="2026-03-02")
    a2 = _submitted(api, mia, w.ids["item_a"].ref, day="2026-03-03")
    b1 = _submitted(api, olaf, w.ids["item_b"].ref, day="2026-03-04")
    api.call("POST", "/v1/timesheets", {"item_ref": w.ids["item_a"].ref, "date": "2026-03-05", "minutes": 5},
             token=mia)
    assert _queue(api, w.token("nora")) == [b1]
    assert sorted(_queue(api, admin)) == sorted([a1, a2, b1])
    api.call("PATCH", f"/v1/projects/{w.ids['incoming_b'].id}", {"managers": [w.ids["max"]["id"]]}, token=admin)
    # When Max pages his queue one sheet at a time
    seen, cursor = [], None
    for _ in range(6):
        page = api.call("GET", "/v1/timesheets?approvable=true&limit=1" + (f"&cursor={cursor}" if cursor else ""),
                        token=max_).data
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    # Then he sees each submitted sheet of both projects once, and nothing else
    assert sorted(seen) == sorted([a1, a2, b1]) and len(seen) == 3
    assert _queue(api, max_, f"&project_id={w.ids['incoming_b'].id}") == [b1]
    # A queue of anything but submitted sheets is a mistake
    bad = api.call("GET", "/v1/timesheets?state=draft&approvable=true", token=max_)
    assert bad.status_code == 422 and bad.data["error"]["details"]["field"] == "state"


def test_a_rejection_needs_a_reason_and_the_fixed_sheet_is_resubmitted_and_approved(api, container, world):
    w, clock = world
    mia, max_ = w.token("agent_member"), w.token("max")
    sid = _submitted(api, mia, w.ids["item_a"].ref)
    # A rejection without a reason, with a blank one or with a too long one is refused, and changes nothing
    for body in ({}, {"reason": "   "}, {"reason": "x" * 1001}):
        resp = api.call("POST", f"/v1/timesheets/{sid}/reject", body, token=max_)
        assert resp.status_code == 422 and set(resp.data) == {"error"}, (body, resp.status_code, resp.data)
    assert api.call("GET", f"/v1/timesheets/{sid}", token=mia).data["state"] == "submitted"
    # When Max rejects it with a reason
    clock.now = "2026-03-02T11:00:00.000Z"
    rejected = api.call("POST", f"/v1/timesheets/{sid}/reject", {"reason": "split it per task"}, token=max_)
    assert (rejected.data["state"], rejected.data["reason"]) == ("rejected", "split it per task")
    pump(container, twice=True)
    # Then Mia is told why, fixes the sheet and submits it again; Max approves it
    assert _notes(api, mia) == [("timesheet_rejected", w.ids["item_a"].ref, "Max Manager", "split it per task")]
    assert api.call("PATCH", f"/v1/timesheets/{sid}", {"minutes": 20}, token=mia).status_code == 200
    resubmitted = api.call("POST", f"/v1/timesheets/{sid}/submit", token=mia).data
    assert (resubmitted["state"], resubmitted["reason"]) == ("submitted", "")
    assert _queue(api, max_) == [sid]
    clock.now = "2026-03-02T12:00:00.000Z"
    assert api.call("POST", f"/v1/timesheets/{sid}/approve", token=max_).data["state"] == "approved"
    pump(container, twice=True)
    assert [n[0] for n in _notes(api, mia)] == ["timesheet_approved", "timesheet_rejected"]


def test_an_approved_timesheet_is_locked_for_everyone(api, world):
    w, _ = world
    mia, max_, admin = w.token("agent_member"), w.token("max"), w.token("admin")
    sid = _submitted(api, mia, w.ids["item_a"].ref)
    assert api.call("POST", f"/v1/timesheets/{sid}/approve", token=max_).status_code == 200
    for token in (mia, admin):
        assert api.call("PATCH", f"/v1/timesheets/{sid}", {"minutes": 5}, token=token).status_code == 409
        assert api.call("DELETE", f"/v1/timesheets/{sid}", token=token).status_code == 409
        assert api.call("POST", f"/v1/timesheets/{sid}/submit", token=token).status_code == 409
    for token in (max_, admin):
        assert api.call("POST", f"/v1/timesheets/{sid}/approve", token=token).status_code == 409
        assert api.call("POST", f"/v1/timesheets/{sid}/reject", {"reason": "late"}, token=token).status_code == 409
    assert api.call("GET", f"/v1/timesheets/{sid}", token=mia).data["minutes"] == 30


def test_an_admin_deciding_their_own_timesheet_is_not_told(api, container, world):
    w, _ = world
    admin = w.token("admin")
    sid = _submitted(api, admin, w.ids["item_a"].ref)
    assert api.call("POST", f"/v1/timesheets/{sid}/approve", token=admin).status_code == 200
    pump(container)
    assert _notes(api, admin) == []


def test_a_customer_never_sees_timesheets_nor_a_projects_managers(api, world):
    w, _ = world
    sid = _submitted(api, w.token("agent_member"), w.ids["item_a"].ref)
    for role in ("customer_a", "customer_b", "other_tenant"):
        token = w.token(role)
        for method, path in (("GET", "/v1/timesheets?state=submitted&approvable=true"), ("GET", "/v1/timesheets"),
                             ("GET", f"/v1/timesheets/{sid}"), ("POST", f"/v1/timesheets/{sid}/approve")):
            resp = api.call(method, path, token=token)
            assert resp.status_code in (403, 404) and set(resp.data) == {"error"}, (role, path, resp.data)
    project = api.call("GET", f"/v1/projects/{w.ids['incoming_a'].id}", token=w.token("customer_a")).data
    assert "managers" not in project and "members" not in project
    staff_view = api.call("GET", f"/v1/projects/{w.ids['incoming_a'].id}", token=w.token("agent_member")).data
    assert staff_view["managers"] == [w.ids["max"]["id"]]


def test_managers_are_staff_users_of_the_tenant_named_by_admins(api, world):
    w, _ = world
    admin, project = w.token("admin"), f"/v1/projects/{w.ids['incoming_a'].id}"
    other_tenant_user = w.ids["other_cust"].id
    bad = api.call("PATCH", project, {"managers": [w.ids["max"]["id"], w.ids["cust_a"].id, other_tenant_user]},
                   token=admin)
    assert bad.status_code == 422, bad.data
    assert [e["field"] for e in bad.data["error"]["details"]["errors"]] == ["managers[1]", "managers[2]"]
    created = api.call("POST", "/v1/projects", {"name": "Managed", "managers": [w.ids["member"].id]}, token=admin)
    assert created.status_code == 201 and created.data["managers"] == [w.ids["member"].id]
    # Managers cannot name managers: only admins change projects
    for token in (w.token("max"), w.token("agent_member")):
        assert api.call("PATCH", project, {"managers": []}, token=token).status_code == 403
    assert api.call("GET", project, token=admin).data["managers"] == [w.ids["max"]["id"]]


def test_a_retried_timer_start_answers_the_same_timer(api, world):
    w, clock = world
    mia = w.token("agent_member")
    key = {"Idempotency-Key": "start-1"}
    body = {"item_ref": w.ids["item_a"].ref}
    # Given a start with an Idempotency-Key
    first = api.call("POST", "/v1/timers", body, token=mia, headers=key)
    assert first.status_code == 201, first.data
    # When the client retries it a minute later with the same key and body
    clock.now = "2026-03-02T09:01:00.000Z"
    again = api.call("POST", "/v1/timers", body, token=mia, headers=key)
    # Then it answers the same timer and started nothing else
    assert again.status_code == 201 and again.data["id"] == first.data["id"]
    assert api.call("GET", "/v1/timers/current", token=mia).data["timer"]["id"] == first.data["id"]
    # The same key with another body is refused; a new key starts a new timer (pausing the first)
    other = api.call("POST", "/v1/timers", {"item_ref": w.ids["item_b"].ref}, token=w.token("admin"), headers=key)
    assert other.status_code == 201  # keys are each person's own
    mismatch = api.call("POST", "/v1/timers", {"item_ref": "TCK-999"}, token=mia, headers=key)
    assert mismatch.status_code == 422, mismatch.data
    fresh = api.call("POST", "/v1/timers", body, token=mia, headers={"Idempotency-Key": "start-2"})
    assert fresh.status_code == 201 and fresh.data["id"] != first.data["id"]
    current = api.call("GET", "/v1/timers/current", token=mia).data["timer"]
    assert (current["id"], current["state"]) == (fresh.data["id"], "running")


def test_an_owner_who_lost_the_item_hears_of_the_decision_without_its_title(api, container, world):
    w, _ = world
    mia, max_ = w.token("agent_member"), w.token("max")
    sid = _submitted(api, mia, w.ids["item_a"].ref)
    # Given Mia's team no longer works on Incoming (A): she cannot read A's ticket any more
    api.call("PATCH", f"/v1/projects/{w.ids['incoming_a'].id}", {"members": []}, token=w.token("admin"))
    assert api.call("GET", f"/v1/items/{w.ids['item_a'].ref}", token=mia).status_code == 404
    # When Max approves her sheet
    assert api.call("POST", f"/v1/timesheets/{sid}/approve", token=max_).status_code == 200
    pump(container)
    # Then she is told, by reference only
    [note] = api.call("GET", "/v1/notifications", token=mia).data["items"]
    assert (note["kind"], note["item_ref"], note["item_title"]) == ("timesheet_approved", w.ids["item_a"].ref, "")
