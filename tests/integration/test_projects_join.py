"""Asking to join a project (issue 15), through the API on the agency world.

Olaf (an agent, member of Incoming (B) only) asks to join Incoming (A), which Max manages; Mia is a member of
Incoming (A) through her team. Incoming (B) has no manager, so its deciders are the admins. Who is told is written
by the stream handler, delivered twice here as the stream may.
"""

from __future__ import annotations

import threading

import pytest

from integration.test_notifications import pump
from integration.world import PASSWORD, build_world
from tandem.domain.errors import Conflict
from tandem.services.authenticate import issue_token
from tandem.services.join_requests import decide_join_request


@pytest.fixture
def world(api, container):
    w = build_world(container.deps)
    body = {"email": "max@agency.example", "name": "Max Manager", "role": "agent", "password": PASSWORD}
    user = api.call("POST", "/v1/users", body, token=w.token("admin")).data
    w.ids["max"] = user
    w.tokens["max"] = issue_token(container.deps, container.deps.repos.users.get(w.ids["tenant"].id, user["id"]))
    resp = api.call("PATCH", f"/v1/projects/{w.ids['incoming_a'].id}", {"managers": [user["id"]]},
                    token=w.token("admin"))
    assert resp.status_code == 200, resp.data
    pump(container)
    container.deps.mailer.sent.clear()
    return w


def _notes(api, token: str) -> list[tuple[str, str, str, str, str]]:
    items = api.call("GET", "/v1/notifications", token=token).data["items"]
    return [(n["kind"], n["project_id"], n["item_title"], n["actor"]["name"], n["detail"]) for n in items]


def _mails(container) -> list[tuple[str, str]]:
    return [(m.to[0], m.subject) for _, m in container.deps.mailer.sent]


def test_an_agent_asks_a_manager_approves_and_the_agent_then_sees_the_projects_items(api, container, world):
    w = world
    olaf, max_ = w.token("agent_nonmember"), w.token("max")
    project = w.ids["incoming_a"]
    ref = w.ids["item_a"].ref
    # Given Olaf, who cannot see Incoming (A) nor its ticket, but finds its name among the projects he may join
    assert api.call("GET", f"/v1/items/{ref}", token=olaf).status_code == 404
    joinable = api.call("GET", "/v1/projects/joinable", token=olaf).data["items"]
    names = {p["id"]: p["name"] for p in joinable}
    assert names[project.id] == "Incoming tickets (A)" and w.ids["incoming_b"].id not in names  # B is his already
    assert all(set(p) == {"id", "name", "portfolio_id", "description"} for p in joinable)  # no members, no followers
    # When he asks twice (a retried click) with a message
    first = api.call("POST", f"/v1/projects/{project.id}/join-requests", {"message": "I cover A on Fridays"},
                     token=olaf)
    again = api.call("POST", f"/v1/projects/{project.id}/join-requests", {"message": "again"}, token=olaf)
    # Then one request is pending, and its manager is told once, in the workspace and by mail
    assert first.status_code == 201 and again.status_code == 201, (first.data, again.data)
    assert again.data == first.data and first.data["state"] == "pending"
    assert (first.data["user_id"], first.data["message"], first.data["decided_by"]) == (
        w.ids["outsider"].id, "I cover A on Fridays", None)
    pump(container, twice=True)
    assert _notes(api, max_) == [("join_requested", project.id, "Incoming tickets (A)", "Olaf Outsider",
                                  "I cover A on Fridays")]
    assert _mails(container) == [("max@agency.example", "Olaf Outsider asks to join Incoming tickets (A)")]
    assert _notes(api, w.token("admin")) == []  # the project has a manager: admins are not bothered
    container.deps.mailer.sent.clear()
    # When Max finds it among the pending ones and approves it, twice
    rid = first.data["id"]
    pending = api.call("GET", f"/v1/projects/{project.id}/join-requests?state=pending", token=max_).data["items"]
    assert [r["id"] for r in pending] == [rid]
    approved = api.call("POST", f"/v1/projects/{project.id}/join-requests/{rid}/approve", {"note": "Welcome"},
                        token=max_)
    repeat = api.call("POST", f"/v1/projects/{project.id}/join-requests/{rid}/approve", token=max_)
    # Then it is approved by him once, Olaf is a member, sees the ticket, and is told once
    assert approved.status_code == 200 and repeat.status_code == 200, (approved.data, repeat.data)
    assert (approved.data["state"], approved.data["decided_by"], approved.data["note"]) == (
        "approved", w.ids["max"]["id"], "Welcome")
    assert repeat.data == approved.data
    members = api.call("GET", f"/v1/projects/{project.id}", token=w.token("admin")).data["members"]
    assert members.count(f"user:{w.ids['outsider'].id}") == 1
    assert api.call("GET", f"/v1/items/{ref}", token=olaf).status_code == 200
    pump(container, twice=True)
    assert _notes(api, olaf) == [("join_approved", project.id, "Incoming tickets (A)", "Max Manager", "Welcome")]
    assert _mails(container) == [("olaf@agency.example", "Your request to join Incoming tickets (A) was approved")]
    # And declining it now is a conflict: the first decision stands
    declined = api.call("POST", f"/v1/projects/{project.id}/join-requests/{rid}/decline", token=max_)
    assert declined.status_code == 409 and declined.data["error"]["details"]["state"] == "approved"


def test_without_managers_the_admins_decide_and_a_declined_asker_is_told_why(api, container, world):
    w = world
    mia, admin = w.token("agent_member"), w.token("admin")
    project = w.ids["incoming_b"]
    # Given Mia asking to join Incoming (B), which has no manager
    asked = api.call("POST", f"/v1/projects/{project.id}/join-requests", token=mia)
    assert asked.status_code == 201, asked.data
    pump(container, twice=True)
    # Then the admin is told (in the workspace and by mail), and Max, who manages another project, is not
    assert [n[:4] for n in _notes(api, admin)] == [("join_requested", project.id, "Incoming tickets (B)",
                                                     "Mia Member")]
    assert _mails(container) == [("admin@agency.example", "Mia Member asks to join Incoming tickets (B)")]
    assert _notes(api, w.token("max")) == []
    container.deps.mailer.sent.clear()
    # When the admin declines it with a note
    rid = asked.data["id"]
    declined = api.call("POST", f"/v1/projects/{project.id}/join-requests/{rid}/decline",
                        {"note": "B is Olaf's alone"}, token=admin)
    assert declined.status_code == 200 and declined.data["state"] == "declined", declined.data
    pump(container, twice=True)
    # Then Mia is no member, is told why once, and may ask again (a new request)
    assert f"user:{w.ids['member'].id}" not in api.call("GET", f"/v1/projects/{project.id}", token=admin).data[
        "members"]
    assert _notes(api, mia) == [("join_declined", project.id, "Incoming tickets (B)", "Ada Admin",
                                 "B is Olaf's alone")]
    assert [to for to, _ in _mails(container)] == ["mia@agency.example"]
    again = api.call("POST", f"/v1/projects/{project.id}/join-requests", token=mia)
    assert again.status_code == 201 and again.data["id"] != rid and again.data["state"] == "pending"


def test_who_may_ask_read_and_decide(api, container, world):
    w = world
    project = w.ids["incoming_a"].id
    olaf_asks = api.call("POST", f"/v1/projects/{project}/join-requests", token=w.token("agent_nonmember")).data
    rid = olaf_asks["id"]
    path = f"/v1/projects/{project}/join-requests"
    # Members and admins do not ask; customers do not either, and one who does not follow it does not know it
    assert api.call("POST", path, token=w.token("agent_member")).status_code == 409
    assert api.call("POST", path, token=w.token("admin")).status_code == 403
    assert api.call("POST", path, token=w.token("customer_a")).status_code == 403
    assert api.call("POST", path, token=w.token("customer_b")).status_code == 404
    # The manager and admins read every request; another agent only their own (none here)
    assert [r["id"] for r in api.call("GET", path, token=w.token("max")).data["items"]] == [rid]
    assert [r["id"] for r in api.call("GET", path, token=w.token("agent_nonmember")).data["items"]] == [rid]
    assert api.call("GET", path, token=w.token("agent_member")).data["items"] == []
    assert api.call("GET", path, token=w.token("customer_a")).status_code == 403
    # Only the manager and admins decide; the asker cannot approve himself
    for role in ("agent_member", "agent_nonmember", "customer_a"):
        assert api.call("POST", f"{path}/{rid}/approve", token=w.token(role)).status_code == 403, role
    assert api.call("POST", f"{path}/nope/approve", token=w.token("max")).status_code == 404
    # A request is found under its own project only
    other = w.ids["incoming_b"].id
    assert api.call("POST", f"/v1/projects/{other}/join-requests/{rid}/approve",
                    token=w.token("admin")).status_code == 404
    # A message longer than the limit is refused with its field
    long = api.call("POST", path, {"message": "x" * 5000}, token=w.token("agent_nonmember"))
    assert long.status_code == 422 and long.data["error"]["details"]["errors"][0]["field"] == "message"


def test_an_approval_racing_a_decline_loses_with_409_and_changes_nothing(api, container, world):
    w = world
    deps = container.deps
    project = w.ids["incoming_a"].id
    rid = api.call("POST", f"/v1/projects/{project}/join-requests", token=w.token("agent_nonmember")).data["id"]
    # Given Max's approval that read the request while it was pending, and the admin's decline landing first
    repo = deps.repos.join_requests
    stale = repo.get(w.ids["tenant"].id, project, rid)
    reads = iter([stale])
    real_get = repo.get
    repo.get = lambda *a: next(reads, None) or real_get(*a)
    try:
        declined = api.call("POST", f"/v1/projects/{project}/join-requests/{rid}/decline", token=w.token("admin"))
        assert declined.status_code == 200, declined.data
        reads = iter([stale])  # Max's read happened before the decline
        approved = api.call("POST", f"/v1/projects/{project}/join-requests/{rid}/approve", token=w.token("max"))
    finally:
        repo.get = real_get
    # Then the approval is a conflict, the request stays declined and Olaf did not join
    assert approved.status_code == 409, approved.data
    assert repo.get(w.ids["tenant"].id, project, rid).state.value == "declined"
    assert f"user:{w.ids['outsider'].id}" not in deps.repos.projects.get(w.ids["tenant"].id, project).members


def test_concurrent_approve_and_decline_one_wins_the_other_conflicts(api, container, world):
    from integration.world import _principal

    w = world
    deps = container.deps
    project = w.ids["incoming_a"].id
    rid = api.call("POST", f"/v1/projects/{project}/join-requests", token=w.token("agent_nonmember")).data["id"]
    admin = _principal(w.ids["admin"])
    outcomes: dict[bool, str] = {}
    start = threading.Barrier(2)

    def decide(approve: bool) -> None:
        start.wait()
        try:
            decide_join_request(deps, admin, project, rid, approve=approve)
            outcomes[approve] = "won"
        except Conflict:
            outcomes[approve] = "409"

    threads = [threading.Thread(target=decide, args=(flag,)) for flag in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then exactly one decision stands, and membership follows it
    assert sorted(outcomes.values()) == ["409", "won"]
    state = deps.repos.join_requests.get(w.ids["tenant"].id, project, rid).state.value
    joined = f"user:{w.ids['outsider'].id}" in deps.repos.projects.get(w.ids["tenant"].id, project).members
    assert (state, joined) == (("approved", True) if outcomes[True] == "won" else ("declined", False))


def test_when_the_projects_only_manager_is_inactive_the_admins_are_told(api, container, world):
    w = world
    # Given Max, the manager of Incoming (A), deactivated
    off = api.call("PATCH", f"/v1/users/{w.ids['max']['id']}", {"active": False}, token=w.token("admin"))
    assert off.status_code == 200 and off.data["active"] is False, off.data
    # When Olaf asks to join it
    asked = api.call("POST", f"/v1/projects/{w.ids['incoming_a'].id}/join-requests", token=w.token("agent_nonmember"))
    assert asked.status_code == 201, asked.data
    pump(container)
    # Then the admin hears of it instead, and nothing is mailed to Max
    assert [n[0] for n in _notes(api, w.token("admin"))] == ["join_requested"]
    assert [to for to, _ in _mails(container)] == ["admin@agency.example"]
