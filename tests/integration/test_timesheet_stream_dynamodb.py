"""Timesheet decisions through the real stream path on moto (issue 13): the table's stream records of a decided
timesheet → the stream Lambda's batch handler → one in-app notification for its owner, however often the batch is
delivered."""

from __future__ import annotations

import copy

from integration.test_stream_dynamodb import drain, stack  # noqa: F401  (the moto stack fixture)
from integration.world import build_world
from tandem.services.authenticate import issue_token


def test_a_rejection_reaches_the_owner_once_through_the_stream(stack):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    admin, mia = w.token("admin"), w.token("agent_member")
    # Given Max, the manager of Incoming (A), and Mia's submitted sheet on A's ticket
    body = {"email": "max@agency.example", "name": "Max Manager", "role": "agent", "password": "x" * 12}
    max_id = api.call("POST", "/v1/users", body, token=admin).data["id"]
    assert api.call("PATCH", f"/v1/projects/{w.ids['incoming_a'].id}", {"managers": [max_id]},
                    token=admin).status_code == 200
    max_ = issue_token(c.deps, c.deps.repos.users.get(w.ids["tenant"].id, max_id))
    sheet = {"item_ref": w.ids["item_a"].ref, "date": "2026-03-02", "minutes": 30}
    sid = api.call("POST", "/v1/timesheets", sheet, token=mia).data["id"]
    assert api.call("POST", f"/v1/timesheets/{sid}/submit", token=mia).status_code == 200
    drain(c, reader)
    # When Max rejects it and the stream delivers its records, then the same batches again
    rejected = api.call("POST", f"/v1/timesheets/{sid}/reject", {"reason": "wrong ticket"}, token=max_)
    assert rejected.status_code == 200, rejected.data
    batches = drain(c, reader)
    assert batches, "the decision left no stream record"
    for batch in batches:
        assert c.process_stream_batch(copy.deepcopy(batch)) == {"batchItemFailures": []}
    # Then Mia has one notification, with the reason, unread
    page = api.call("GET", "/v1/notifications", token=mia).data
    assert [(n["kind"], n["detail"], n["actor"]["name"]) for n in page["items"]] == [
        ("timesheet_rejected", "wrong ticket", "Max Manager")]
    assert page["unread"] == 1
    # and Max's queue is empty again
    queue = api.call("GET", "/v1/timesheets?state=submitted&approvable=true", token=max_).data
    assert queue["items"] == []
