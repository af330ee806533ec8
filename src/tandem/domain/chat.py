"""Live chat (issue 14): a visitor's conversation with an agent, and the sockets both sides keep open.

A chat is always a ticket as well (`item_ref`): every line said is a public message on it, so nothing is lost when
nobody answers. The chat itself only carries what the live conversation needs: who the visitor is, which agent
took it, and its state, which moves waiting → active → closed, or waiting → missed when nobody accepted in time.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from enum import StrEnum

from tandem.domain.errors import Conflict, ValidationError

TEXT_CHARS = 5000  # one chat line (a socket frame stays far below API Gateway's 128 KB)
NAME_CHARS = 200
PAGE_URL_CHARS = 2000
# API Gateway ends a WebSocket after 2 hours; the record outlives it a little in case $disconnect never comes.
CONNECTION_TTL_SECONDS = 3 * 3600
VISITOR_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,100}$")
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


class ChatState(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    CLOSED = "closed"
    MISSED = "missed"


ENDED = frozenset({ChatState.CLOSED, ChatState.MISSED})


@dataclass
class Visitor:
    """Who is chatting: the requester of the chat's ticket. `verified` when a portal session said so (a typed
    email is only what the visitor claims)."""

    name: str
    email: str
    customer_id: str | None = None
    verified: bool = False


@dataclass
class Chat:
    tenant_id: str
    id: str
    state: ChatState
    visitor: Visitor
    visitor_key: str  # which sockets are the visitor's: "v:<key the widget made>" or "u:<customer id>"
    page_url: str
    created_at: str
    last_message_at: str
    item_ref: str = ""
    item_id: str = ""
    agent_id: str | None = None
    agent_name: str = ""
    accepted_at: str | None = None
    ended_at: str | None = None
    version: int = 0


class Side(StrEnum):
    AGENT = "agent"
    VISITOR = "visitor"


@dataclass
class Connection:
    """One open socket: an agent's (staff of the tenant) or a visitor's. `expires_at` (epoch seconds) bounds a
    record whose $disconnect was lost."""

    id: str
    tenant_id: str
    side: Side
    connected_at: str
    expires_at: int
    user_id: str | None = None  # the agent, or the signed-in customer
    visitor_key: str = ""  # visitors only
    name: str = ""
    role: str = ""  # the agent's base role (admin or agent)
    role_id: str = ""  # and their role (domain/roles.py): what they may do is resolved from it on every frame
    ip: str = ""  # where the handshake came from (API Gateway's sourceIp): what new chats are counted by


def chat_id_for(tenant_id: str, visitor_key: str, client_id: str) -> str:
    """The id of the chat a start frame opens: the same frame sent again (after a lost answer) names the same chat,
    so a resend opens nothing new. 26 characters like every other id."""
    digest = hashlib.sha256(f"{tenant_id}\n{visitor_key}\n{client_id}".encode()).hexdigest()
    return "c" + digest[:25]


def check_text(value: object, field: str = "text") -> str:
    """A chat line: non-empty text of at most TEXT_CHARS characters, trimmed."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string", {"field": field})
    if len(value) > TEXT_CHARS:
        raise ValidationError(f"{field} must be at most {TEXT_CHARS} characters", {"field": field})
    return value.strip()


def check_client_id(value: object) -> str | None:
    """The sender's id of a frame (a resend carries the same one); absent is allowed, malformed is not."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not CLIENT_ID_RE.match(value):
        raise ValidationError("client_id must be 1-100 letters, digits or -_.:", {"field": "client_id"})
    return value


def check_visitor_key(value: object) -> str:
    if not isinstance(value, str) or not VISITOR_KEY_RE.match(value):
        raise ValidationError("visitor must be 8-100 letters, digits, - or _", {"field": "visitor"})
    return value


def title_of(text: str) -> str:
    """The ticket's title: the first line of the opening message, shortened."""
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    return (first[:117] + "…") if len(first) > 120 else (first or "Chat")


def accepted(chat: Chat, agent_id: str, agent_name: str, at: str) -> Chat:
    """The chat taken by an agent; only a waiting chat can be taken (Conflict otherwise: someone was first)."""
    if chat.state is not ChatState.WAITING:
        raise Conflict("this chat was already taken or has ended", {"state": chat.state.value})
    return replace(chat, state=ChatState.ACTIVE, agent_id=agent_id, agent_name=agent_name, accepted_at=at)


def closed(chat: Chat, at: str) -> Chat:
    if chat.state in ENDED:
        raise Conflict("this chat has ended", {"state": chat.state.value})
    return replace(chat, state=ChatState.CLOSED, ended_at=at)


def missed(chat: Chat, at: str) -> Chat:
    """A chat nobody accepted; only a waiting chat can be missed."""
    if chat.state is not ChatState.WAITING:
        raise Conflict("this chat is no longer waiting", {"state": chat.state.value})
    return replace(chat, state=ChatState.MISSED, ended_at=at)
