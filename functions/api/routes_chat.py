"""Live chat for agents (issue 14): the waiting list, a conversation, accept, answer, close. The socket
(functions/chat_socket) only pushes to the workspace; every change an agent makes comes through here."""

from __future__ import annotations

import hashlib
from typing import Any

from api.http import current, decode_cursor, encode_cursor, idempotency_key, principal
from api.ops import Call, op
from tandem.schemas import chat as m
from tandem.schemas.common import page_of
from tandem.services import chat
from tandem.services.chat_push import chat_view

TAG = "chat"


@op("GET", "/v1/chats", summary="Chats in one state: waiting (the default) and active oldest first, ended newest first",
    tag=TAG, query=m.ChatsQuery, returns=page_of(m.ChatOut))
def list_chats(call: Call) -> Any:
    p = principal(call.request)
    q = call.query
    scope = f"{p.user_id}/chats?state={q.state}"
    page = chat.list_chats(current().deps, p, q.state, limit=q.limit, after=decode_cursor(q.cursor, scope))
    return {"items": [chat_view(c) for c in page.items], "next_cursor": encode_cursor(page.after, scope)}


@op("GET", "/v1/chats/{id}", summary="A chat with its conversation", tag=TAG, returns=m.ChatDetail)
def read_chat(call: Call, id: str) -> Any:  # noqa: A002 - the path's name
    found = chat.read_chat(current().deps, principal(call.request), id)
    return {**chat_view(found.chat), "messages": found.messages}


@op("POST", "/v1/chats/{id}/accept", summary="Take a waiting chat (409 when another agent was first)", tag=TAG,
    returns=m.ChatOut, errors=(409,))
def accept_chat(call: Call, id: str) -> Any:  # noqa: A002
    return chat_view(chat.accept_chat(current().deps, principal(call.request), id))


@op("POST", "/v1/chats/{id}/messages", summary="Answer in a chat you took (a line on its ticket too)", tag=TAG,
    body=m.ChatLineIn, returns=m.ChatMessageOut, status=201, errors=(409,), headers=("Idempotency-Key",))
def post_chat_message(call: Call, id: str) -> Any:  # noqa: A002
    key = idempotency_key(call.request)
    # A header key may hold any characters: its digest is the line's client_id.
    client_id = call.body.client_id or (f"key-{hashlib.sha256(key.encode()).hexdigest()[:40]}" if key else None)
    _, line = chat.agent_says(current().deps, principal(call.request), id, call.body.text, client_id)
    return line


@op("POST", "/v1/chats/{id}/close", summary="End a chat (the ticket stays as it is)", tag=TAG, returns=m.ChatOut,
    errors=(409,))
def close_chat(call: Call, id: str) -> Any:  # noqa: A002
    return chat_view(chat.close_chat(current().deps, principal(call.request), id))
