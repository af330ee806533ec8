"""Live chat (issue 14): the agents' REST shapes. The socket's frames carry the same chat and message objects."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from tandem.domain.chat import TEXT_CHARS
from tandem.schemas.common import Cursor, Limit

ChatStateName = Literal["waiting", "active", "closed", "missed"]
ClientId = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")]


class ChatVisitor(Struct, kw_only=True):
    """The requester of the chat's ticket; `verified` when a portal session said who it is (a typed email is what
    the visitor says)."""

    name: str
    email: str
    customer_id: str | None
    verified: bool


class ChatOut(Struct, kw_only=True):
    id: str
    state: ChatStateName
    visitor: ChatVisitor
    page_url: str  # the page the widget was opened on
    agent_id: str | None  # who accepted it
    agent_name: str | None
    item_ref: str  # the ticket that holds the conversation
    created_at: str
    last_message_at: str


class ChatAuthor(Struct, kw_only=True):
    id: str | None
    name: str
    role: Literal["visitor", "agent"]


class ChatMessageOut(Struct, kw_only=True, omit_defaults=True):
    id: str
    author: ChatAuthor
    text: str
    created_at: str
    client_id: str | None = None  # the sender's id of the line (answers to a send name it)


class ChatDetail(Struct, kw_only=True):
    id: str
    state: ChatStateName
    visitor: ChatVisitor
    page_url: str
    agent_id: str | None
    agent_name: str | None
    item_ref: str
    created_at: str
    last_message_at: str
    messages: list[ChatMessageOut]  # oldest first


class ChatsQuery(Struct, kw_only=True):
    state: ChatStateName = "waiting"
    limit: Limit = 50
    cursor: Cursor | None = None


class ChatLineIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """A line from the agent; `client_id` (or the Idempotency-Key header) makes a resend add nothing."""

    text: Annotated[str, Meta(min_length=1, max_length=TEXT_CHARS)]
    client_id: ClientId | None = None
