"""Live chat on the real local stack (issue 14): real WebSocket clients on the local origin's `/v1/ws`, the agent's
REST calls in between, and the ticket that keeps the conversation. The demo tenant has chat switched on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from e2e.portal_helpers import Client
from tandem.local.seed import PASSWORD as DEMO_PASSWORD

pytestmark = pytest.mark.e2e

websockets = pytest.importorskip("websockets.sync.client")


def _ws(base: str, query: str, headers: dict[str, str] | None = None) -> Any:
    return websockets.connect(base.replace("http://", "ws://") + "/v1/ws?" + query, additional_headers=headers,
                              open_timeout=10)


def _next(sock: Any, kind: str, timeout: float = 15) -> dict:
    """The next frame of `kind` (other frames are skipped: typing, another chat's news)."""
    while True:
        frame = json.loads(sock.recv(timeout=timeout))
        if frame.get("type") == kind:
            return frame


def test_a_visitor_and_an_agent_chat_over_the_local_origins_socket(stack):
    base = stack.base
    agent = Client(base).as_user("demo", "agent@demo.example", DEMO_PASSWORD)
    # Given the agent's workspace socket (the browser's way: the session cookie from our own origin)
    cookie = {"Cookie": f"tandem_session={agent.token}", "Origin": base}
    with _ws(base, "tenant=demo", cookie) as agent_socket, _ws(base, "tenant=demo&visitor=e2e-visitor-0001") as vis:
        # When a visitor starts a chat
        vis.send(json.dumps({"action": "start", "name": "Erin", "email": "erin@visitors.example",
                             "page_url": "https://shop.example/pricing", "text": "Do you ship to Norway?",
                             "client_id": "start-1"}))
        # Then the agent hears chat.waiting with the visitor, the page and the opening line
        waiting = _next(agent_socket, "chat.waiting")
        chat = waiting["chat"]
        assert (chat["visitor"]["email"], chat["page_url"]) == ("erin@visitors.example",
                                                               "https://shop.example/pricing")
        assert waiting["message"]["text"] == "Do you ship to Norway?"
        assert _next(vis, "chat.waiting")["message"]["client_id"] == "start-1"
        # When the agent accepts and answers over REST
        agent.post(f"/v1/chats/{chat['id']}/accept")
        assert _next(vis, "chat.accepted")["chat"]["agent_name"] == "Andy Agent"
        agent.post(f"/v1/chats/{chat['id']}/messages", {"text": "Yes, in 3 days.", "client_id": "a-1"})
        # Then the visitor receives it live, and the visitor's answer reaches the agent live
        said = _next(vis, "chat.message")["message"]
        assert (said["text"], said["author"]["role"]) == ("Yes, in 3 days.", "agent")
        vis.send(json.dumps({"action": "send", "chat_id": chat["id"], "text": "Great, thanks!", "client_id": "v-2"}))
        heard = _next(agent_socket, "chat.message")
        while heard["message"]["text"] != "Great, thanks!":  # the agent's own line comes back to them first
            heard = _next(agent_socket, "chat.message")
        assert heard["message"]["author"]["role"] == "visitor"
        vis.send(json.dumps({"action": "ping"}))
        assert _next(vis, "pong") == {"type": "pong"}
    # And the ticket holds the conversation
    lines = agent.get(f"/v1/items/{chat['item_ref']}/messages")["items"]
    assert [m["body"] for m in lines] == ["Do you ship to Norway?", "Yes, in 3 days.", "Great, thanks!"]
    assert agent.get(f"/v1/items/{chat['item_ref']}")["via"] == "chat"


def test_a_handshake_the_api_refuses_is_an_http_error(stack):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as refused:
        _ws(stack.base, "tenant=no-such-desk&visitor=e2e-visitor-0002")
    assert refused.value.response.status_code == 404
    with pytest.raises(InvalidStatus) as anonymous:
        _ws(stack.base, "tenant=demo")
    assert anonymous.value.response.status_code == 401
