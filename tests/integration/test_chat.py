"""Live chat (issue 14) through the app: the socket Lambdas (as API Gateway invokes them), the agents' REST routes,
the timers and the stream's mail, on the in-memory backend with the recording push."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from integration.world import build_world
from tandem.dal.memory import drain_events
from tandem.domain.clock import iso, parse_iso

VISITOR = "visitor-key-0001"


@pytest.fixture
def world(container):
    w = build_world(container.deps)
    tenant = container.deps.repos.tenants.get(w.ids["tenant"].id)
    container.deps.repos.tenants.save(replace(tenant, modules={"chat": True}))
    drain_events(container.deps.repos)  # the world's own changes are not what these tests look at
    return w


def _app():
    from app import app

    return app


def ws_connect(c, conn_id: str, headers: dict | None = None, **query) -> int:
    """$connect as API Gateway sends it; an accepted socket is open for the recording push."""
    event = {"headers": headers or {}, "queryStringParameters": query or None,
             "requestContext": {"routeKey": "$connect", "eventType": "CONNECT", "connectionId": conn_id}}
    status = _app().handler_map["ws_connect"](event, None)["statusCode"]
    if status == 200:
        c.deps.push.open(conn_id)
    return status


def ws_send(conn_id: str, frame: dict | str) -> None:
    body = frame if isinstance(frame, str) else json.dumps(frame)
    event = {"requestContext": {"routeKey": "$default", "eventType": "MESSAGE", "connectionId": conn_id},
             "body": body, "isBase64Encoded": False}
    assert _app().handler_map["ws_message"](event, None) == {"statusCode": 200}


def _start(conn_id: str = "vis", client_id: str = "start-1", text: str = "My printer is on fire") -> None:
    ws_send(conn_id, {"action": "start", "name": "Vera Visitor", "email": "vera@visitors.example",
                      "page_url": "https://shop.example/checkout", "text": text, "client_id": client_id})


def _open_chat(c, w) -> dict:
    """An agent socket, a visitor socket and a chat the visitor started; the chat as the agent heard of it."""
    assert ws_connect(c, "agent", tenant="agency", token=w.token("agent_member")) == 200
    assert ws_connect(c, "vis", tenant="agency", visitor=VISITOR) == 200
    _start()
    (waiting,) = c.deps.push.of("agent", "chat.waiting")
    return waiting["chat"]


def test_a_visitor_and_an_agent_talk_live_and_the_ticket_keeps_every_line(api, container, world):
    c, w = container, world
    # Given an agent's socket and a visitor who starts a chat
    chat = _open_chat(c, w)
    # Then both heard chat.waiting with the opening line (the visitor's carries its client_id: its receipt)
    (mine,) = c.deps.push.of("vis", "chat.waiting")
    assert mine["message"]["client_id"] == "start-1" and mine["message"]["author"]["role"] == "visitor"
    assert chat["state"] == "waiting" and chat["page_url"] == "https://shop.example/checkout"
    assert chat["visitor"] | {"customer_id": None} == {"name": "Vera Visitor", "email": "vera@visitors.example",
                                                        "customer_id": None, "verified": False}
    # And the chat is a ticket from its first line: requester found or created from the email, via chat
    item = c.deps.repos.items.get(w.ids["tenant"].id, chat["item_ref"])
    requester = c.deps.repos.users.get(item.tenant_id, item.requester_id)
    assert (item.via, item.kind, requester.email, requester.role.value) == ("chat", "ticket", "vera@visitors.example",
                                                                             "customer")
    assert chat["visitor"]["customer_id"] == requester.id
    # And the agents' list shows it
    listed = api.call("GET", "/v1/chats?state=waiting", token=w.token("agent_member")).data
    assert [x["id"] for x in listed["items"]] == [chat["id"]] and listed["next_cursor"] is None

    # When the agent accepts over REST
    taken = api.call("POST", f"/v1/chats/{chat['id']}/accept", token=w.token("agent_member"))
    assert taken.status_code == 200 and taken.data["state"] == "active"
    assert taken.data["agent_id"] == w.ids["member"].id and taken.data["agent_name"] == "Mia Member"
    # Then the visitor hears it, and the ticket is the agent's
    assert [f["chat"]["state"] for f in c.deps.push.of("vis", "chat.accepted")] == ["active"]
    assert f"user:{w.ids['member'].id}" in c.deps.repos.items.get(item.tenant_id, item.ref).assignees

    # When the agent answers over REST and the visitor over the socket
    said = api.call("POST", f"/v1/chats/{chat['id']}/messages", {"text": "Unplug it, please", "client_id": "a-1"},
                    token=w.token("agent_member"))
    assert said.status_code == 201 and said.data["author"] == {"id": w.ids["member"].id, "name": "Mia Member",
                                                               "role": "agent"}
    ws_send("vis", {"action": "send", "chat_id": chat["id"], "text": "Done, thanks", "client_id": "v-2"})
    # Then each side received both lines
    for conn in ("vis", "agent"):
        assert [f["message"]["text"] for f in c.deps.push.of(conn, "chat.message")] == ["Unplug it, please",
                                                                                       "Done, thanks"]
    # And the conversation reads back in order, and is the ticket's public messages
    detail = api.call("GET", f"/v1/chats/{chat['id']}", token=w.token("admin")).data
    assert [(x["author"]["role"], x["text"]) for x in detail["messages"]] == [
        ("visitor", "My printer is on fire"), ("agent", "Unplug it, please"), ("visitor", "Done, thanks")]
    stored = c.deps.repos.conversations.messages(item.tenant_id, item.id, public_only=True).items
    assert [(m.body, m.via) for m in stored] == [("My printer is on fire", "chat"), ("Unplug it, please", "chat"),
                                                 ("Done, thanks", "chat")]

    # When the agent closes it
    closed = api.call("POST", f"/v1/chats/{chat['id']}/close", token=w.token("agent_member"))
    assert closed.status_code == 200 and closed.data["state"] == "closed"
    assert [f["chat"]["state"] for f in c.deps.push.of("vis", "chat.closed")] == ["closed"]
    # Then the visitor cannot speak in it any more
    ws_send("vis", {"action": "send", "chat_id": chat["id"], "text": "one more", "client_id": "v-3"})
    (error,) = c.deps.push.of("vis", "error")
    assert error["client_id"] == "v-3" and error["error"]["code"] == "validation_error"


def test_a_resent_client_id_posts_once_and_a_resent_start_opens_one_chat(api, container, world):
    c, w = container, world
    chat = _open_chat(c, w)
    # When the start frame comes again (its answer was lost) and a line is sent twice with one client_id
    _start()
    ws_send("vis", {"action": "send", "chat_id": chat["id"], "text": "Hello?", "client_id": "v-9"})
    ws_send("vis", {"action": "send", "chat_id": chat["id"], "text": "Hello?", "client_id": "v-9"})
    # Then there is one chat, one ticket and one copy of the line
    tenant_id = w.ids["tenant"].id
    assert [x.id for x in c.deps.repos.chats.list(tenant_id, "waiting").items] == [chat["id"]]
    item = c.deps.repos.items.get(tenant_id, chat["item_ref"])
    bodies = [m.body for m in c.deps.repos.conversations.messages(tenant_id, item.id, public_only=True).items]
    assert bodies == ["My printer is on fire", "Hello?"]
    tickets = [i for i in c.deps.repos.items.query(_all(tenant_id)).items if i.via == "chat"]
    assert len(tickets) == 1
    # And both answers name the same message (the sender's receipt), the agents heard the start once
    answers = [f["message"] for f in c.deps.push.of("vis", "chat.message")]
    assert len({a["id"] for a in answers}) == 1 and {a["client_id"] for a in answers} == {"v-9"}
    assert len(c.deps.push.of("agent", "chat.waiting")) == 1
    # And the same client_id with other words is refused, not stored
    ws_send("vis", {"action": "send", "chat_id": chat["id"], "text": "Other words", "client_id": "v-9"})
    assert c.deps.push.of("vis", "error")[-1]["client_id"] == "v-9"


def _all(tenant_id: str):
    from tandem.services.ports import ItemQuery

    return ItemQuery(tenant_id=tenant_id, limit=200)


def test_of_two_agents_accepting_at_once_exactly_one_wins(api, container, world):
    from tandem.services import chat as chat_service

    c, w = container, world
    chat = _open_chat(c, w)
    repo = c.deps.repos.chats
    stale = repo.get(w.ids["tenant"].id, chat["id"])
    # Given both agents read the chat while it was waiting
    real_get = repo.get
    repo.get = lambda tenant_id, chat_id: replace(stale)  # type: ignore[method-assign]
    try:
        outcomes = []
        for who in ("member", "outsider"):
            user = w.ids[who]
            p = _principal(user)
            try:
                outcomes.append(chat_service.accept_chat(c.deps, p, chat["id"]).agent_id)
            except Exception as exc:  # noqa: BLE001 - the loser's error is what is checked
                outcomes.append(type(exc).__name__)
    finally:
        repo.get = real_get  # type: ignore[method-assign]
    # Then one took it and the other got a conflict
    assert outcomes == [w.ids["member"].id, "Conflict"]
    assert repo.get(w.ids["tenant"].id, chat["id"]).agent_id == w.ids["member"].id
    # And over REST, a later accept is 409
    late = api.call("POST", f"/v1/chats/{chat['id']}/accept", token=w.token("admin"))
    assert late.status_code == 409 and late.data["error"]["code"] == "conflict"


def _principal(user):
    from integration.world import _principal as principal_of

    return principal_of(user)


def test_an_unanswered_chat_is_marked_missed_once_however_often_the_timers_tick(api, container, world):
    from tandem.runtime.handlers import react_to, run_timers

    c, w = container, world
    chat = _open_chat(c, w)
    for event in drain_events(c.deps.repos):  # the stream's part of the start: no mail for a live chat
        react_to(c, event)
    assert c.deps.mailer.sent == []
    created = parse_iso(chat["created_at"])
    # When the timers tick before the tenant's 5 minutes, then twice after them
    assert run_timers(c, now=iso(created + timedelta(minutes=4)))["fired"] == {}
    first = run_timers(c, now=iso(created + timedelta(minutes=6)))
    second = run_timers(c, now=iso(created + timedelta(minutes=7)))
    # Then the chat was marked missed once, both sides heard it once, and the requester got one acknowledgement
    assert first["fired"] == {"chat_unanswered": 1} and second["fired"] == {}
    assert c.deps.repos.chats.get(w.ids["tenant"].id, chat["id"]).state.value == "missed"
    assert len(c.deps.push.of("vis", "chat.missed")) == 1 and len(c.deps.push.of("agent", "chat.missed")) == 1
    (sent,) = c.deps.mailer.sent
    assert sent[1].to == ["vera@visitors.example"]
    # And the chat can no longer be taken
    assert api.call("POST", f"/v1/chats/{chat['id']}/accept", token=w.token("admin")).status_code == 409


def test_the_missed_step_repeated_after_a_crash_sends_the_acknowledgement_once(container, world):
    from tandem.services.chat import mark_missed, timer_key
    from tandem.services.ports import Timer

    c, w = container, world
    chat = _open_chat(c, w)
    timer = Timer(w.ids["tenant"].id, timer_key(chat["id"]), chat["created_at"], "chat_unanswered",
                  {"chat_id": chat["id"]})
    # When the same firing runs twice (a tick that died after marking the chat, then the retry)
    assert mark_missed(c.deps, timer, "secret") == 1
    assert mark_missed(c.deps, timer, "secret") == 0
    # Then one acknowledgement and one chat.missed
    assert len(c.deps.mailer.sent) == 1 and len(c.deps.push.of("vis", "chat.missed")) == 1


def test_an_accepted_chat_is_not_missed_and_the_tenant_sets_the_wait(api, container, world):
    from tandem.runtime.handlers import run_timers
    from tandem.services.tenant_settings import update_settings

    c, w = container, world
    update_settings(c.deps, _principal(w.ids["admin"]), {"chat_unanswered_minutes": 10})
    chat = _open_chat(c, w)
    created = parse_iso(chat["created_at"])
    # A chat waiting 6 minutes of the tenant's 10 is still waiting
    run_timers(c, now=iso(created + timedelta(minutes=6)))
    assert c.deps.repos.chats.get(w.ids["tenant"].id, chat["id"]).state.value == "waiting"
    # Accepted in time, it is never missed
    api.call("POST", f"/v1/chats/{chat['id']}/accept", token=w.token("agent_member"))
    run_timers(c, now=iso(created + timedelta(minutes=11)))
    assert c.deps.repos.chats.get(w.ids["tenant"].id, chat["id"]).state.value == "active"
    assert c.deps.push.of("vis", "chat.missed") == [] and c.deps.mailer.sent == []


def test_who_may_answer_an_active_chat(api, container, world):
    c, w = container, world
    chat = _open_chat(c, w)
    url = f"/v1/chats/{chat['id']}/messages"
    # Waiting: accept first
    early = api.call("POST", url, {"text": "hi"}, token=w.token("agent_member"))
    assert early.status_code == 409
    api.call("POST", f"/v1/chats/{chat['id']}/accept", token=w.token("agent_member"))
    # Another agent may not speak in it; an admin may step in
    assert api.call("POST", url, {"text": "me too"}, token=w.token("agent_nonmember")).status_code == 403
    assert api.call("POST", url, {"text": "admin here"}, token=w.token("admin")).status_code == 201
    # Customers and keys are no agents
    assert api.call("GET", "/v1/chats", token=w.token("customer_a")).status_code == 403
    # The Idempotency-Key header works as a client_id
    key = {"Idempotency-Key": "retry-me"}
    first = api.call("POST", url, {"text": "once"}, token=w.token("agent_member"), headers=key)
    again = api.call("POST", url, {"text": "once"}, token=w.token("agent_member"), headers=key)
    assert first.data["id"] == again.data["id"]


def test_a_visitor_cannot_reach_another_visitors_chat(container, world):
    c, w = container, world
    chat = _open_chat(c, w)
    assert ws_connect(c, "intruder", tenant="agency", visitor="someone-else-01") == 200
    ws_send("intruder", {"action": "send", "chat_id": chat["id"], "text": "let me in", "client_id": "x-1"})
    ws_send("intruder", {"action": "typing", "chat_id": chat["id"]})
    assert [f["error"]["code"] for f in c.deps.push.of("intruder", "error")] == ["not_found", "not_found"]
    assert c.deps.push.of("agent", "chat.message") == [] and c.deps.push.of("agent", "chat.typing") == []


def test_who_may_open_a_socket(container, world):
    c, w = container, world
    # Visitors need a well-formed key; agents a staff session of this tenant
    assert ws_connect(c, "s1", tenant="agency", visitor="short") == 422
    assert ws_connect(c, "s2", tenant="agency") == 401
    assert ws_connect(c, "s3", tenant="agency", token="not-a-token") == 401
    assert ws_connect(c, "s4", tenant="nope", visitor=VISITOR) == 404
    # Another tenant's person is nobody here (a visitor key makes them an anonymous visitor)
    assert ws_connect(c, "s5", tenant="agency", token=w.token("other_tenant")) == 401
    # A signed-in customer chats as themselves, verified
    assert ws_connect(c, "s6", tenant="agency", token=w.token("customer_a")) == 200
    _start("s6", "c-1", "Hi from Alice")
    (frame,) = c.deps.push.of("s6", "chat.waiting")
    assert frame["chat"]["visitor"]["email"] == "alice@customer-a.example" and frame["chat"]["visitor"]["verified"]
    # The session cookie counts from our own pages only
    cookie = {"cookie": f"tandem_session={w.token('agent_member')}", "host": "127.0.0.1:8000"}
    assert ws_connect(c, "s7", {**cookie, "origin": "http://127.0.0.1:8000"}, tenant="agency") == 200
    assert ws_connect(c, "s8", {**cookie, "origin": "https://evil.example"}, tenant="agency") == 401
    assert c.deps.repos.chats.connection("s7").side.value == "agent"


def test_a_switched_off_chat_answers_404_module_disabled(api, container, world):
    c, w = container, world
    tenant = c.deps.repos.tenants.get(w.ids["tenant"].id)
    c.deps.repos.tenants.save(replace(tenant, modules={}))  # chat is off unless switched on
    resp = api.call("GET", "/v1/chats", token=w.token("admin"))
    assert resp.status_code == 404 and resp.data["error"]["code"] == "module_disabled"
    assert ws_connect(c, "v", tenant="agency", visitor=VISITOR) == 404


def test_a_gone_socket_is_forgotten_and_a_disconnect_removes_it(container, world):
    c, w = container, world
    chat = _open_chat(c, w)
    c.deps.push.close("agent")  # the agent's browser went away without a $disconnect
    ws_send("vis", {"action": "send", "chat_id": chat["id"], "text": "anyone?", "client_id": "v-5"})
    assert c.deps.repos.chats.connection("agent") is None and "agent" in c.deps.push.gone
    event = {"requestContext": {"routeKey": "$disconnect", "eventType": "DISCONNECT", "connectionId": "vis"}}
    assert _app().handler_map["ws_disconnect"](event, None) == {"statusCode": 200}
    assert c.deps.repos.chats.connection("vis") is None


def test_new_chats_from_one_address_are_limited_resends_are_not(container, world):
    c, w = container, world
    limit = c.deps.settings.throttle.chat_starts_per_hour
    event = {"headers": {}, "queryStringParameters": {"tenant": "agency", "visitor": VISITOR},
             "requestContext": {"connectionId": "busy", "identity": {"sourceIp": "203.0.113.9"}}}
    assert _app().handler_map["ws_connect"](event, None)["statusCode"] == 200
    c.deps.push.open("busy")
    for n in range(limit):
        _start("busy", f"start-{n}", f"question {n}")
    _start("busy", "start-0", "question 0")  # a resend opens nothing, so it is not counted
    assert c.deps.push.of("busy", "error") == []
    # When one more new chat comes from the same address
    _start("busy", "one-too-many", "and another")
    # Then it is refused, naming its client_id, and no ticket is made for it
    (error,) = c.deps.push.of("busy", "error")
    assert (error["client_id"], error["error"]["code"]) == ("one-too-many", "too_many_requests")
    assert len(c.deps.repos.chats.list(w.ids["tenant"].id, "waiting", limit=200).items) == limit
