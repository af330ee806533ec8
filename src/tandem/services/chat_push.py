"""Chat frames and who they go to (issue 14): the JSON both sides' sockets receive, pushed through `deps.push`.

Server → client frames:
    {"type": "chat.waiting" | "chat.accepted" | "chat.message" | "chat.closed" | "chat.missed",
     "chat": CHAT, "message"?: MESSAGE}
    {"type": "chat.typing", "chat": {"id"}, "author": {"name", "role"}}
    {"type": "error", "client_id"?: str, "error": {"code", "message"}}
    {"type": "pong"}
CHAT is `chat_view` (the REST list item too), MESSAGE `message_view`.

Pushing never fails the use case that pushes: the message is stored on the ticket already, and a socket that is
gone is forgotten (a reconnecting client reads the chat again over REST or gets the next frame).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from tandem.domain.chat import Chat, Connection
from tandem.domain.clock import parse_iso
from tandem.domain.messages import Message
from tandem.services.deps import Deps

log = logging.getLogger(__name__)


def chat_view(chat: Chat) -> dict[str, Any]:
    """What both sides see of a chat (the REST list item has the same fields)."""
    v = chat.visitor
    return {
        "id": chat.id,
        "state": chat.state.value,
        "visitor": {"name": v.name, "email": v.email, "customer_id": v.customer_id, "verified": v.verified},
        "page_url": chat.page_url,
        "agent_id": chat.agent_id,
        "agent_name": chat.agent_name or None,
        "item_ref": chat.item_ref,
        "created_at": chat.created_at,
        "last_message_at": chat.last_message_at,
    }


def message_view(chat: Chat, message: Message, names: dict[str, str] | None = None,
                 client_id: str | None = None) -> dict[str, Any]:
    """One line of the conversation: the visitor's (the ticket's requester) or an agent's (`names` gives staff
    names by id; the chat's agent is known without it)."""
    by_visitor = message.author_id is not None and message.author_id == chat.visitor.customer_id
    if by_visitor:
        author = {"id": message.author_id, "name": chat.visitor.name, "role": "visitor"}
    else:
        known = dict(names or {})
        if chat.agent_id:
            known.setdefault(chat.agent_id, chat.agent_name)
        author = {"id": message.author_id, "name": known.get(message.author_id or "", "") or "Agent", "role": "agent"}
    out = {"id": message.id, "author": author, "text": message.body, "created_at": message.created_at}
    if client_id:
        out["client_id"] = client_id
    return out


def encode(frame: dict[str, Any]) -> bytes:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chat_frame(kind: str, chat: Chat, message: dict[str, Any] | None = None) -> bytes:
    frame: dict[str, Any] = {"type": kind, "chat": chat_view(chat)}
    if message is not None:
        frame["message"] = message
    return encode(frame)


def error_frame(code: str, message: str, client_id: str | None = None) -> bytes:
    frame: dict[str, Any] = {"type": "error", "error": {"code": code, "message": message}}
    if client_id:
        frame["client_id"] = client_id
    return encode(frame)


def now_epoch(deps: Deps) -> int:
    return int(parse_iso(deps.clock()).timestamp())


def push(deps: Deps, connection_ids: list[str], data: bytes) -> int:
    """Send one frame to each connection; a gone one is forgotten. How many received it."""
    sent = 0
    for connection_id in connection_ids:
        try:
            delivered = deps.push.send(connection_id, data)
        except Exception:  # a push that failed must not undo what was said: the ticket holds it
            log.warning("chat push failed", extra={"connection_id": connection_id}, exc_info=True)
            continue
        if delivered:
            sent += 1
        else:
            deps.repos.chats.disconnect(connection_id)
    return sent


def _ids(connections: list[Connection]) -> list[str]:
    return [c.id for c in connections]


def to_connection(deps: Deps, connection_id: str, data: bytes) -> int:
    """A frame for one socket (an answer to what it sent), forgotten if it is gone."""
    return push(deps, [connection_id], data)


def to_visitor(deps: Deps, chat: Chat, data: bytes) -> int:
    return push(deps, _ids(deps.repos.chats.visitor_connections(chat.tenant_id, chat.visitor_key, now_epoch(deps))),
                data)


def to_agents(deps: Deps, tenant_id: str, data: bytes) -> int:
    """Every open agent socket of the tenant: waiting lists and open conversations follow from the same frames."""
    return push(deps, _ids(deps.repos.chats.agent_connections(tenant_id, now_epoch(deps))), data)


def to_everyone(deps: Deps, chat: Chat, data: bytes) -> int:
    return to_visitor(deps, chat, data) + to_agents(deps, chat.tenant_id, data)
