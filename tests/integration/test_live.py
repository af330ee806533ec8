"""Live updates through the API: the change stamp and its 304, notifications, people by id, lifecycles in /v1/me.

The in-memory tests deliver change events with `pump` (the stream handler's use cases); the moto tests read the
table's real stream into the stream Lambda's batch handler.
"""

from __future__ import annotations

import pytest

from integration.mailbox import compose, deliver
from integration.test_notifications import pump
from integration.test_stream_dynamodb import drain, stack  # noqa: F401  (the moto fixture)
from integration.world import build_world
from tandem.runtime.memory_adapters import MemoryBlobStore


def poll(api, token: str | None, etag: str | None = None):
    return api.call("GET", "/v1/changes", token=token, headers={"If-None-Match": etag} if etag else None)


def test_an_unchanged_stamp_answers_304_without_a_body_and_a_change_moves_it(api, container):
    # Given an agent's workspace that polled once
    w = build_world(container.deps)
    pump(container)
    agent = w.token("agent_member")
    first = poll(api, agent)
    assert first.status_code == 200 and set(first.data) == {"stamp", "unread"}
    etag = first.headers["etag"]
    # When it polls again with the ETag and nothing changed
    again = poll(api, agent, etag)
    # Then the answer is 304 with no body
    assert again.status_code == 304 and again.body in (b"", "") and again.headers["etag"] == etag
    # When someone posts a message and the stream delivers it
    api.call("POST", f"/v1/items/{w.ids['item_a'].ref}/messages", {"body": "Any news?"}, token=w.token("customer_a"))
    pump(container)
    # Then the next poll has a new stamp
    moved = poll(api, agent, etag)
    assert moved.status_code == 200 and moved.data["stamp"] != first.data["stamp"]
    assert moved.headers["etag"] != etag


def test_if_none_match_of_another_answer_or_star(api, container):
    w = build_world(container.deps)
    agent = w.token("agent_member")
    assert poll(api, agent, '"not-this-one"').status_code == 200
    assert poll(api, agent, "*").status_code == 304
    too_long = poll(api, agent, '"' + "x" * 300 + '"')
    assert too_long.status_code == 400 and too_long.data["error"]["details"]["field"] == "If-None-Match"


def test_a_notification_moves_only_its_users_stamp_and_is_read_through_the_api(api, container):
    # Given Mia is assigned the item by the admin, and Olaf also polls
    w = build_world(container.deps)
    pump(container)
    mia, olaf, admin = w.token("agent_member"), w.token("agent_nonmember"), w.token("admin")
    ref = w.ids["item_a"].ref
    api.call("PATCH", f"/v1/items/{ref}", {"assignees": [f"user:{w.ids['member'].id}"]}, token=admin)
    pump(container, twice=True)
    olaf_stamp = poll(api, olaf).data["stamp"]
    # When Alice replies; the stream delivers it twice
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "Still broken"}, token=w.token("customer_a"))
    pump(container, twice=True)
    # Then Mia has two unread notifications, newest first, in the documented shape
    listed = api.call("GET", "/v1/notifications", token=mia).data
    assert listed["unread"] == 2 and listed["next_cursor"] is None
    assert [n["kind"] for n in listed["items"]] == ["customer_reply", "assigned"]
    reply = listed["items"][0]
    assert reply["item_ref"] == ref and reply["item_title"] == "A's ticket" and reply["read"] is False
    assert reply["actor"] == {"id": w.ids["cust_a"].id, "name": "Alice A"}
    assert poll(api, mia).data["unread"] == 2
    # When she marks the reply read, then all
    before = poll(api, mia).data["stamp"]
    assert api.call("POST", "/v1/notifications/read", {"ids": [reply["id"]]}, token=mia).data == {"unread": 1}
    assert poll(api, mia).data["stamp"] != before
    unread = api.call("GET", "/v1/notifications?unread=true", token=mia).data
    assert [n["kind"] for n in unread["items"]] == ["assigned"]
    assert api.call("POST", "/v1/notifications/read", {"all": True}, token=mia).data == {"unread": 0}
    # And Olaf's stamp moved with the tenant's changes only, his inbox is empty
    assert poll(api, olaf).data["stamp"] != olaf_stamp
    assert api.call("GET", "/v1/notifications", token=olaf).data == {"items": [], "next_cursor": None, "unread": 0}


def test_notifications_page_with_a_cursor_of_the_callers_own(api, container):
    w = build_world(container.deps)
    pump(container)
    admin, mia = w.token("admin"), w.token("agent_member")
    ref = w.ids["item_a"].ref
    for i in range(3):
        api.call("POST", f"/v1/items/{ref}/messages", {"body": f"@mia look {i}", "visibility": "private"},
                 token=admin)
    pump(container)
    first = api.call("GET", "/v1/notifications?limit=2", token=mia).data
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.call("GET", f"/v1/notifications?limit=2&cursor={first['next_cursor']}", token=mia).data
    assert len(rest["items"]) == 1
    forged = api.call("GET", f"/v1/notifications?cursor={first['next_cursor']}", token=admin)
    assert forged.status_code == 400


def test_mark_read_takes_at_most_100_ids(api, container):
    w = build_world(container.deps)
    resp = api.call("POST", "/v1/notifications/read", {"ids": [f"n{i}" for i in range(101)]},
                    token=w.token("agent_member"))
    assert resp.status_code == 422


def test_people_by_ids_resolve_this_tenants_people_only(api, container):
    # Given ids of a customer, an agent, another tenant's customer and an unknown id
    w = build_world(container.deps)
    ids = [w.ids["cust_a"].id, w.ids["member"].id, w.ids["other_cust"].id, "nobody", "x" * 70]
    # When an agent resolves them
    resp = api.call("GET", f"/v1/people?ids={','.join(ids)}", token=w.token("agent_member"))
    # Then the two of this tenant come back with the documented fields, in the order asked
    assert resp.status_code == 200
    assert resp.data == {"items": [
        {"id": w.ids["cust_a"].id, "name": "Alice A", "email": "alice@customer-a.example", "role": "customer",
         "organization_id": w.ids["org_a"].id, "active": True},
        {"id": w.ids["member"].id, "name": "Mia Member", "email": "mia@agency.example", "role": "agent",
         "organization_id": None, "active": True},
    ]}


def test_people_refuses_more_than_100_ids(api, container):
    w = build_world(container.deps)
    resp = api.call("GET", f"/v1/people?ids={','.join(f'u{i}' for i in range(101))}", token=w.token("admin"))
    assert resp.status_code == 422 and resp.data["error"]["details"]["field"] == "ids"


def test_me_carries_the_lifecycles_and_priorities_for_agents(api, container):
    w = build_world(container.deps)
    me = api.call("GET", "/v1/me", token=w.token("agent_nonmember")).data
    assert [s["key"] for s in me["statuses"]["ticket"]][:2] == ["new", "open"]
    assert set(me["statuses"]) == {"ticket", "task"}
    assert me["statuses"]["task"][0] == {"key": "todo", "name": "To do", "category": "new"}
    assert me["priorities"] == ["low", "normal", "high", "urgent"]


def test_an_unchanged_items_page_answers_304(api, container):
    # Given an agent who read a page of items
    w = build_world(container.deps)
    admin = w.token("admin")
    page = api.call("GET", "/v1/items?limit=50", token=admin)
    etag = page.headers["etag"]
    # When nothing changed, then the same request with its ETag is 304
    again = api.call("GET", "/v1/items?limit=50", token=admin, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.body in (b"", "")
    # When an item changes, then the page comes back in full
    api.call("PATCH", f"/v1/items/{w.ids['item_a'].ref}", {"priority": "urgent"}, token=admin)
    changed = api.call("GET", "/v1/items?limit=50", token=admin, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


# --------------------------------------------------------------------------- on moto, through the real stream


@pytest.fixture
def moto_stack(stack):  # noqa: F811  (the fixture imported above)
    c, api, reader = stack
    c.extras["inbound"] = MemoryBlobStore()
    return c, api, reader


def test_on_dynamodb_a_mail_and_a_reply_move_the_stamp_and_notify_once(moto_stack):
    c, api, reader = moto_stack
    w = build_world(c.deps)
    drain(c, reader)
    mia = w.token("agent_member")
    first = poll(api, mia)
    etag = first.headers["etag"]
    assert poll(api, mia, etag).status_code == 304
    # When a customer mails in a new ticket and the stream Lambda handles the batch
    raw = compose(sender="alice@customer-a.example", to="support@agency.tandem.local", subject="Printer on fire",
                  body="It is on fire.")
    [outcome] = deliver(c, raw, ["support@agency.tandem.local"])
    assert outcome["result"] == "created"
    drain(c, reader)
    # Then the stamp moved
    after_mail = poll(api, mia, etag)
    assert after_mail.status_code == 200 and after_mail.data["stamp"] != first.data["stamp"]
    # When the admin assigns Mia and Alice replies; every batch is delivered twice
    ref = outcome["ref"]
    api.call("PATCH", f"/v1/items/{ref}", {"assignees": [f"user:{w.ids['member'].id}"]}, token=w.token("admin"))
    batches = drain(c, reader)
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "Any news?"}, token=w.token("customer_a"))
    batches += drain(c, reader)
    for batch in batches:
        assert c.process_stream_batch(batch) == {"batchItemFailures": []}
    # Then Mia has one of each, counted once, and reading them empties her count
    listed = api.call("GET", "/v1/notifications", token=mia).data
    assert [n["kind"] for n in listed["items"]] == ["customer_reply", "assigned"] and listed["unread"] == 2
    stamp = poll(api, mia).data["stamp"]
    assert api.call("POST", "/v1/notifications/read", {"ids": [listed["items"][0]["id"]]}, token=mia).data == {
        "unread": 1}
    assert api.call("POST", "/v1/notifications/read", {"all": True}, token=mia).data == {"unread": 0}
    final = poll(api, mia)
    assert final.data == {"stamp": final.data["stamp"], "unread": 0} and final.data["stamp"] != stamp
    assert poll(api, mia, final.headers["etag"]).status_code == 304


def test_a_poll_checks_the_session_like_every_request(api, container):
    # Given an agent signed in twice (two sessions), and the admin
    w = build_world(container.deps)
    login = {"tenant": "agency", "email": "mia@agency.example", "password": "correct horse battery"}
    first, second = (api.call("POST", "/v1/auth/login", login).data["token"] for _ in range(2))
    assert poll(api, first).status_code == 200 and poll(api, second).status_code == 200
    # When the first signs out: its polls are refused at once, the other session goes on
    api.call("POST", "/v1/auth/logout", token=first)
    assert poll(api, first).status_code == 401
    assert poll(api, second).status_code == 200
    # When a revocation reaches a process that does not remember the session (another warm instance)
    container.deps.sessions.forget(w.ids["member"].tenant_id, w.ids["member"].id)
    from tandem.services.authenticate import _access_claims

    claims = _access_claims(container.deps, second)
    container.deps.repos.revocations.revoke(claims["tid"], claims["jti"], 3600)
    container.deps.sessions.forget(w.ids["member"].tenant_id, w.ids["member"].id)
    refused = poll(api, second)
    # Then the poll's own read finds it: 401 in the error shape
    assert refused.status_code == 401 and refused.data["error"]["code"]
    assert poll(api, None).status_code == 401


def test_a_deactivated_agent_stops_polling(api, container):
    w = build_world(container.deps)
    mia = w.token("agent_member")
    assert poll(api, mia).status_code == 200
    api.call("PATCH", f"/v1/users/{w.ids['member'].id}", {"active": False}, token=w.token("admin"))
    assert poll(api, mia).status_code == 401


def test_a_cookie_session_polls_without_a_csrf_header(api, container):
    w = build_world(container.deps)
    token = w.token("agent_member")
    resp = api.call("GET", "/v1/changes", headers={"Cookie": f"tandem_session={token}"})
    assert resp.status_code == 200 and set(resp.data) == {"stamp", "unread"}


def test_on_dynamodb_a_poll_is_one_request_with_or_without_the_session_remembered(moto_stack, monkeypatch):
    import botocore.client

    c, api, reader = moto_stack
    w = build_world(c.deps)
    mia = w.token("agent_member")
    etag = poll(api, mia).headers["etag"]
    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def counted(self, operation, params):
        calls.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)
    # When the session was checked a moment ago (the same warm instance)
    assert poll(api, mia, etag).status_code == 304
    warm = list(calls)
    # When this instance does not remember it (5 s later, or another instance)
    c.deps.sessions.forget(w.ids["member"].tenant_id, w.ids["member"].id)
    calls.clear()
    assert poll(api, mia, etag).status_code == 304
    # Then each poll was one BatchGetItem
    assert warm == ["BatchGetItem"] and calls == ["BatchGetItem"]
