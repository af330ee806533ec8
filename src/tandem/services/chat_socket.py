"""Live chat over the socket (issue 14): who a connection is, and the frames a client sends.

Socket URL: `/v1/ws?tenant={slug}&visitor={key}` for a widget visitor (a signed-in portal customer is known by their
session instead, and chats as themselves); `/v1/ws?tenant={slug}` with an agent's session for the workspace (the
session cookie the browser sends with the handshake, or `&token=`). Client → server frames:
    {"action": "start", "name"?, "email"?, "page_url", "text", "client_id"}   a visitor opens a chat
    {"action": "send", "chat_id", "text", "client_id"}                          a line (either side)
    {"action": "typing", "chat_id"}                                             optional
    {"action": "ping"}                                                          → {"type": "pong"}
A frame that cannot be done is answered on the same socket with an `error` frame naming its client_id.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from tandem.domain.chat import (
    CONNECTION_TTL_SECONDS,
    ENDED,
    NAME_CHARS,
    PAGE_URL_CHARS,
    Chat,
    ChatState,
    Connection,
    Side,
    Visitor,
    chat_id_for,
    check_client_id,
    check_text,
    check_visitor_key,
    title_of,
)
from tandem.domain.clock import parse_iso
from tandem.domain.errors import BadRequest, DomainError, Forbidden, NotFound, Unauthorized, ValidationError
from tandem.domain.items import Cause, Item
from tandem.domain.messages import Message, Visibility
from tandem.domain.people import Role, User
from tandem.domain.permissions import Principal
from tandem.domain.replies import status_after_customer_reply
from tandem.domain.tenants import Tenant
from tandem.services import chat_push, roles
from tandem.services.chat import (
    agent_says,
    chat_tenant,
    is_agent,
    require_chat,
    say,
    schedule_unanswered,
    tell_message,
)
from tandem.services.deps import Deps
from tandem.services.open_item import NewItem, ensure_customer, fingerprint, open_item
from tandem.services.ports import IdempotencyClaim

log = logging.getLogger(__name__)
FRAME_BYTES = 32 * 1024  # API Gateway's frame size; a chat line is far smaller
STATE_FRAMES = {ChatState.WAITING: "chat.waiting", ChatState.ACTIVE: "chat.accepted", ChatState.CLOSED: "chat.closed",
                ChatState.MISSED: "chat.missed"}


# --------------------------------------------------------------------------- connect / disconnect


def open_socket(deps: Deps, connection_id: str, *, slug: str | None, visitor: str | None,
                principal: Principal | None, ip: str | None = None) -> Connection:
    """$connect: the tenant's chat must be on; agents need a staff session of the tenant, visitors a visitor key
    or a customer session. Raises Unauthorized/NotFound (the handshake is refused)."""
    tenant = deps.repos.tenants.by_slug((slug or "").strip().lower()) if slug else None
    if tenant is None:
        raise NotFound("no such help desk", {"field": "tenant"})
    require_chat(tenant)
    p = principal if principal is not None and principal.tenant_id == tenant.id else None
    now = deps.clock()
    expires = int((parse_iso(now) + timedelta(seconds=CONNECTION_TTL_SECONDS)).timestamp())
    base = {"id": connection_id, "tenant_id": tenant.id, "connected_at": now, "expires_at": expires, "ip": ip or ""}
    if p is not None and p.role is Role.CUSTOMER:
        conn = Connection(**base, side=Side.VISITOR, user_id=p.user_id, visitor_key=f"u:{p.user_id}", name=p.name)
    elif visitor:
        conn = Connection(**base, side=Side.VISITOR, visitor_key=f"v:{check_visitor_key(visitor)}")
    elif p is not None and is_agent(p):
        conn = Connection(**base, side=Side.AGENT, user_id=p.user_id, name=p.name, role=p.role.value,
                          role_id=p.role_id or "")
    else:
        raise Unauthorized("sign in as an agent, or open the chat as a visitor")
    deps.repos.chats.connect(conn)
    return conn


def close_socket(deps: Deps, connection_id: str) -> None:
    """$disconnect (also sent when API Gateway ends an idle or two-hour-old socket)."""
    deps.repos.chats.disconnect(connection_id)


# --------------------------------------------------------------------------- frames


def on_frame(deps: Deps, connection_id: str, body: str | bytes | None) -> None:
    """$default: one client frame. Nothing raises back to the socket's Lambda: a refusal is an `error` frame."""
    client_id = None
    try:
        frame = _read(body)
        raw = frame.get("client_id")
        client_id = raw if isinstance(raw, str) else None
        conn = deps.repos.chats.connection(connection_id)
        if conn is None:
            raise Unauthorized("this connection is not known (connect again)")
        _dispatch(deps, conn, frame)
    except DomainError as exc:
        chat_push.to_connection(deps, connection_id, chat_push.error_frame(exc.code, exc.message, client_id))


def _read(body: str | bytes | None) -> dict[str, Any]:
    raw = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    if len(raw) > FRAME_BYTES:
        raise BadRequest("frame too large")
    try:
        frame = json.loads(raw)
    except ValueError as exc:
        raise BadRequest("a frame is one JSON object") from exc
    if not isinstance(frame, dict):
        raise BadRequest("a frame is one JSON object")
    return frame


def _dispatch(deps: Deps, conn: Connection, frame: dict[str, Any]) -> None:
    action = frame.get("action")
    if action == "ping":
        chat_push.to_connection(deps, conn.id, chat_push.encode({"type": "pong"}))
    elif action == "start":
        start_chat(deps, conn, frame)
    elif action == "send" and conn.side is Side.AGENT:
        agent_says(deps, _agent(deps, conn), frame.get("chat_id"), frame.get("text"), frame.get("client_id"))
    elif action == "send":
        visitor_says(deps, conn, frame)
    elif action == "typing":
        typing(deps, conn, frame)
    else:
        raise BadRequest("action must be start, send, typing or ping", {"field": "action"})


def _agent(deps: Deps, conn: Connection) -> Principal:
    """The agent behind a socket, with what their role grants now (a role changed meanwhile counts)."""
    role = Role(conn.role or "agent")
    privileges = roles.privileges_for(deps, conn.tenant_id, conn.role_id or None, role)
    return Principal(conn.tenant_id, conn.user_id or "", role, name=conn.name, privileges=privileges,
                     role_id=conn.role_id or None)


# --------------------------------------------------------------------------- the visitor


def start_chat(deps: Deps, conn: Connection, frame: dict[str, Any]) -> Chat:
    """A visitor's first line: the ticket (once per client_id), the chat, its unanswered timer, and chat.waiting to
    the visitor and every agent. Sent again with the same client_id, it opens nothing new and answers the same."""
    if conn.side is not Side.VISITOR:
        raise Forbidden("agents answer chats; visitors start them")
    tenant = chat_tenant(deps, conn.tenant_id)
    text = check_text(frame.get("text"))
    client_id = check_client_id(frame.get("client_id")) or deps.new_id()
    page_url = frame.get("page_url") or ""
    if not isinstance(page_url, str):
        raise ValidationError("page_url must be a string", {"field": "page_url"})
    requester, visitor = _visitor(deps, tenant, conn, frame)
    chat_id = chat_id_for(tenant.id, conn.visitor_key, client_id)
    chat = deps.repos.chats.get(tenant.id, chat_id)
    created = False
    if chat is None:
        _count_start(deps, tenant, conn)
        item, first = _ticket(deps, tenant, requester, text, conn, client_id)
        now = item.created_at
        chat, created = deps.repos.chats.add(Chat(
            tenant.id, chat_id, ChatState.WAITING, visitor, conn.visitor_key, page_url[:PAGE_URL_CHARS], now, now,
            item_ref=item.ref, item_id=item.id))
        if created:
            schedule_unanswered(deps, tenant, chat)
    else:
        first = _first_line(deps, chat)
    view = chat_push.message_view(chat, first, client_id=client_id) if first else None
    if created:
        chat_push.to_everyone(deps, chat, chat_push.chat_frame("chat.waiting", chat, view))
    else:  # a start sent again: the visitor hears where the chat is now, the agents heard of it already
        chat_push.to_visitor(deps, chat, chat_push.chat_frame(STATE_FRAMES[chat.state], chat, view))
    return chat


def _count_start(deps: Deps, tenant: Tenant, conn: Connection) -> None:
    """Each new chat is a ticket (and maybe a new customer): a page cannot open them without end. Counted per
    address (a visitor key costs nothing to change), per customer when signed in."""
    from tandem.domain.errors import TooManyRequests
    from tandem.services.throttle import count

    who = conn.user_id or conn.ip or conn.visitor_key
    hit = count(deps, "chat-start", f"{tenant.id}/{who}", window=3600)
    if hit.count > deps.settings.throttle.chat_starts_per_hour:
        raise TooManyRequests(f"too many chats; try again in {hit.retry_after} seconds", hit.retry_after)


def _visitor(deps: Deps, tenant: Tenant, conn: Connection, frame: dict[str, Any]) -> tuple[User, Visitor]:
    """The chat's requester: the signed-in customer, else the customer found or created from the email given
    (like a mail's sender: the address is what the visitor says, so agents see it as unverified)."""
    if conn.user_id:
        user = deps.repos.users.get(tenant.id, conn.user_id)
        if user is None or not user.active:
            raise Unauthorized("this session has ended; sign in again")
        return user, Visitor(user.name, user.email, user.id, verified=True)
    email, name = frame.get("email"), frame.get("name")
    if not isinstance(email, str) or not email.strip():
        raise ValidationError("email is required", {"field": "email"})
    if name is not None and not isinstance(name, str):
        raise ValidationError("name must be a string", {"field": "name"})
    user = ensure_customer(deps, tenant, email, (name or "").strip()[:NAME_CHARS] or None)
    return user, Visitor((name or "").strip()[:NAME_CHARS] or user.name, user.email, user.id)


def _chat_type(deps: Deps, tenant: Tenant) -> str:
    """Chats file as the tenant's first public ticket type (else its first ticket type)."""
    types = [t for t in deps.repos.item_types.list(tenant.id, limit=200).items if t.kind == "ticket"]
    if not types:
        raise ValidationError("this help desk has no ticket type to file chats with", {"field": "type_id"})
    return next((t for t in types if t.public), types[0]).id


def _ticket(deps: Deps, tenant: Tenant, requester: User, text: str, conn: Connection,
            client_id: str) -> tuple[Item, Message | None]:
    """The chat's ticket with the opening line as its first message, in one write, once per (visitor, client_id)."""
    actor = None
    if conn.user_id:
        actor = Principal(tenant.id, requester.id, Role.CUSTOMER, organization_id=requester.organization_id,
                          email=requester.email, name=requester.name)
    first = Message(tenant.id, deps.new_id(), "", requester.id, text, Visibility.PUBLIC, "chat", deps.clock())
    claim = IdempotencyClaim(f"chat:{conn.visitor_key}", client_id, fingerprint({"text": text}))
    new = NewItem(type_id=_chat_type(deps, tenant), title=title_of(text), description=text, requester=requester.id)
    item = open_item(deps, tenant, actor, new, via="chat", cause=Cause.USER, claim=claim, note="chat", message=first)
    stored = deps.repos.conversations.message(tenant.id, item.id, first.id)
    if stored is None:  # the ticket was made by an earlier attempt (a claim repeat): its own first line
        stored = _first_line_of(deps, tenant.id, item.id)
    return item, stored


def _first_line(deps: Deps, chat: Chat) -> Message | None:
    return _first_line_of(deps, chat.tenant_id, chat.item_id)


def _first_line_of(deps: Deps, tenant_id: str, item_id: str) -> Message | None:
    page = deps.repos.conversations.messages(tenant_id, item_id, public_only=True, limit=1)
    return page.items[0] if page.items else None


def _visitors_chat(deps: Deps, conn: Connection, chat_id: object) -> tuple[Tenant, Chat]:
    tenant = chat_tenant(deps, conn.tenant_id)
    chat = deps.repos.chats.get(tenant.id, chat_id) if isinstance(chat_id, str) and chat_id else None
    if chat is None or chat.visitor_key != conn.visitor_key:  # another visitor's chat does not exist for them
        raise NotFound("no such chat", {"field": "chat_id"})
    return tenant, chat


def visitor_says(deps: Deps, conn: Connection, frame: dict[str, Any]) -> Message:
    """A visitor's line after the first: on the ticket once per client_id, then to both sides. A reply to a
    ticket waiting on the customer moves it as a mail reply would."""
    tenant, chat = _visitors_chat(deps, conn, frame.get("chat_id"))
    if chat.state in ENDED:
        raise ValidationError("this chat has ended; start a new one", {"field": "chat_id", "state": chat.state.value})
    text, client_id = check_text(frame.get("text")), check_client_id(frame.get("client_id"))
    message = say(deps, tenant, chat, chat.visitor.customer_id, text, client_id)
    _after_customer_line(deps, tenant, chat)
    tell_message(deps, chat, message, client_id)
    return message


def _after_customer_line(deps: Deps, tenant: Tenant, chat: Chat) -> None:
    from tandem.services.update_item import change_item

    item = deps.repos.items.get(tenant.id, chat.item_ref)
    target = status_after_customer_reply(tenant, item) if item is not None else None
    if item is not None and target:
        change_item(deps, tenant, item, {"status": target}, actor_id=chat.visitor.customer_id, cause=Cause.USER,
                    note="reply via chat")


def typing(deps: Deps, conn: Connection, frame: dict[str, Any]) -> None:
    """`typing`: the other side hears `chat.typing` (nothing is stored)."""
    chat_id = frame.get("chat_id")
    if conn.side is Side.AGENT:
        tenant = chat_tenant(deps, conn.tenant_id)
        chat = deps.repos.chats.get(tenant.id, chat_id) if isinstance(chat_id, str) and chat_id else None
        if chat is None:
            raise NotFound("no such chat", {"field": "chat_id"})
        author = {"id": conn.user_id, "name": conn.name or "Agent", "role": "agent"}
    else:
        _, chat = _visitors_chat(deps, conn, chat_id)
        author = {"id": chat.visitor.customer_id, "name": chat.visitor.name, "role": "visitor"}
    if chat.state in ENDED:
        return
    data = chat_push.encode({"type": "chat.typing", "chat": {"id": chat.id}, "author": author})
    if conn.side is Side.AGENT:
        chat_push.to_visitor(deps, chat, data)
    else:
        chat_push.to_agents(deps, chat.tenant_id, data)
