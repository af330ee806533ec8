"""Live chat, the agents' side and what both sides share (issue 14). The visitor's side is services/chat_socket.py.

Every chat is a ticket (`via: "chat"`) from its first line, and every line is a public message on it (added with
`post_message.add_message`, so rules, SLA clocks, search and in-app notifications follow from the stream as for any
message); the chat record only tracks the live conversation. Lines carry the sender's `client_id`: the same id sent
again adds nothing (the message's idempotency claim is written with it). A chat nobody accepts within the tenant's
`chat_unanswered_minutes` is marked missed by the timers Lambda, once, and the requester gets the acknowledgement
mail a new ticket gets (notify.acknowledge), since nobody answered live.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from tandem.domain.chat import ENDED, Chat, ChatState, accepted, check_client_id, check_text, closed, missed
from tandem.domain.clock import iso, parse_iso
from tandem.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from tandem.domain.items import Cause
from tandem.domain.messages import Message, Visibility
from tandem.domain.permissions import Action, Area, AreaTarget, Principal, allowed
from tandem.domain.tenants import CHAT, Tenant, require_module
from tandem.services import chat_push
from tandem.services.deps import Deps
from tandem.services.open_item import fingerprint
from tandem.services.ports import IdempotencyClaim, Page, Position, Timer
from tandem.services.post_message import add_message

log = logging.getLogger(__name__)

TIMER_KIND = "chat_unanswered"
STATES = tuple(s.value for s in ChatState)


def require_chat(tenant: Tenant) -> Tenant:
    require_module(tenant, CHAT)
    return tenant


def chat_tenant(deps: Deps, tenant_id: str) -> Tenant:
    tenant = deps.repos.tenants.get(tenant_id)
    if tenant is None:
        raise NotFound("tenant not found")
    return require_chat(tenant)


def is_agent(p: Principal) -> bool:
    """Chats are answered by staff people who reply to customers (API keys are no people)."""
    return allowed(p, Action.READ, AreaTarget(p.tenant_id, Area.CHATS))


def _staff_tenant(deps: Deps, p: Principal) -> Tenant:
    if not is_agent(p):
        raise Forbidden("live chat is answered by those who reply to customers (items.reply)")
    return chat_tenant(deps, p.tenant_id)


def _chat(deps: Deps, tenant: Tenant, chat_id: object) -> Chat:
    chat = deps.repos.chats.get(tenant.id, chat_id) if isinstance(chat_id, str) and chat_id else None
    if chat is None:
        raise NotFound("no such chat", {"field": "chat_id"})
    return chat


def _answering(chat: Chat, p: Principal) -> None:
    """Who may speak in or close an active chat: the agent who took it, or someone who sees every item (an admin)
    stepping in."""
    if not allowed(p, Action.UPDATE, AreaTarget(p.tenant_id, Area.CHATS, {"agent_id": chat.agent_id})):
        raise Forbidden("this chat is another agent's")


# --------------------------------------------------------------------------- messages


def say(deps: Deps, tenant: Tenant, chat: Chat, author_id: str | None, text: str,
        client_id: str | None) -> Message:
    """Add one line to the chat's ticket (once per client_id) and move the chat's last message time."""
    item = deps.repos.items.get(tenant.id, chat.item_ref)
    if item is None:
        raise NotFound("the chat's ticket is gone")
    claim = None
    if client_id:
        claim = IdempotencyClaim(f"chat:{chat.id}", client_id, fingerprint({"text": text, "author": author_id}))
    message = add_message(deps, tenant, item, body=text, visibility=Visibility.PUBLIC, via="chat",
                          author_id=author_id, cause=Cause.USER, claim=claim, note="chat")
    deps.repos.chats.touch(tenant.id, chat.id, message.created_at)
    return message


def tell_message(deps: Deps, chat: Chat, message: Message, client_id: str | None) -> None:
    """Both sides see every line, the sender's own included (with its client_id: that is the sender's receipt)."""
    view = chat_push.message_view(chat, message, client_id=client_id)
    chat = deps.repos.chats.get(chat.tenant_id, chat.id) or chat  # with the last message time just moved
    chat_push.to_everyone(deps, chat, chat_push.chat_frame("chat.message", chat, view))


def agent_says(deps: Deps, p: Principal, chat_id: str, text: object, client_id: object = None) -> tuple[Chat, dict]:
    """POST /v1/chats/{id}/messages (and an agent's `send` frame): a line from the agent who took the chat."""
    tenant = _staff_tenant(deps, p)
    chat = _chat(deps, tenant, chat_id)
    if chat.state is ChatState.WAITING:
        raise Conflict("accept the chat before answering it", {"state": chat.state.value})
    if chat.state in ENDED:
        raise Conflict("this chat has ended", {"state": chat.state.value})
    _answering(chat, p)
    line, cid = check_text(text), check_client_id(client_id)
    message = say(deps, tenant, chat, p.user_id, line, cid)
    tell_message(deps, chat, message, cid)
    return chat, chat_push.message_view(chat, message, client_id=cid)


# --------------------------------------------------------------------------- the agents' REST


def list_chats(deps: Deps, p: Principal, state: str | None, *, limit: int = 50,
               after: Position = None) -> Page[Chat]:
    """GET /v1/chats?state=: waiting (the default) and active ones oldest first, ended ones newest first."""
    tenant = _staff_tenant(deps, p)
    state = state or ChatState.WAITING.value
    if state not in STATES:
        raise ValidationError(f"state must be one of {', '.join(STATES)}", {"field": "state"})
    return deps.repos.chats.list(tenant.id, state, limit=limit, after=after)


@dataclass
class Conversation:
    chat: Chat
    messages: list[dict]


def read_chat(deps: Deps, p: Principal, chat_id: str) -> Conversation:
    """GET /v1/chats/{id}: the chat with its lines (the public chat messages of its ticket), oldest first."""
    tenant = _staff_tenant(deps, p)
    chat = _chat(deps, tenant, chat_id)
    lines: list[Message] = []
    after: Position = None
    while len(lines) < 1000:
        page = deps.repos.conversations.messages(tenant.id, chat.item_id, public_only=True, limit=200, after=after)
        lines += [m for m in page.items if m.via == "chat"]
        if not page.after:
            break
        after = page.after
    staff = {m.author_id for m in lines if m.author_id and m.author_id != chat.visitor.customer_id}
    names = {u.id: u.name for u in deps.repos.users.get_many(tenant.id, sorted(staff)[:100])} if staff else {}
    lines.sort(key=lambda m: (m.created_at, m.id))
    return Conversation(chat, [chat_push.message_view(chat, m, names) for m in lines])


def accept_chat(deps: Deps, p: Principal, chat_id: str) -> Chat:
    """POST /v1/chats/{id}/accept: the first agent takes it (409 for everyone after), and the ticket is assigned
    to them; both sides hear of it."""
    tenant = _staff_tenant(deps, p)
    chat = _chat(deps, tenant, chat_id)
    taken = deps.repos.chats.save(accepted(chat, p.user_id, p.name or p.email, deps.clock()))
    deps.repos.timers.cancel(tenant.id, timer_key(chat.id))
    _assign(deps, tenant, taken, p)
    chat_push.to_everyone(deps, taken, chat_push.chat_frame("chat.accepted", taken))
    return taken


def _assign(deps: Deps, tenant: Tenant, chat: Chat, p: Principal) -> None:
    """The ticket goes to the agent who took the chat (best effort: the chat is theirs whatever happens here)."""
    from tandem.services.update_item import change_item

    me = f"user:{p.user_id}"
    for _ in range(2):
        item = deps.repos.items.get(tenant.id, chat.item_ref)
        if item is None or me in item.assignees:
            return
        try:
            change_item(deps, tenant, item, {"assignees": [*item.assignees, me]}, actor_id=p.user_id,
                        cause=Cause.USER, p=p, note="took the chat")
            return
        except Conflict:
            continue  # the ticket changed meanwhile: read it again
        except Exception:
            log.warning("could not assign the chat's ticket", extra={"chat_id": chat.id}, exc_info=True)
            return


def close_chat(deps: Deps, p: Principal, chat_id: str) -> Chat:
    """POST /v1/chats/{id}/close: the agent (or an admin) ends the conversation; a waiting chat any agent may
    close (spam, a test). The ticket stays as it is."""
    tenant = _staff_tenant(deps, p)
    chat = _chat(deps, tenant, chat_id)
    if chat.state is ChatState.ACTIVE:
        _answering(chat, p)
    ended = deps.repos.chats.save(closed(chat, deps.clock()))
    deps.repos.timers.cancel(tenant.id, timer_key(chat.id))
    chat_push.to_everyone(deps, ended, chat_push.chat_frame("chat.closed", ended))
    return ended


# --------------------------------------------------------------------------- unanswered chats


def timer_key(chat_id: str) -> str:
    return f"chat:{chat_id}"


def schedule_unanswered(deps: Deps, tenant: Tenant, chat: Chat) -> None:
    due = parse_iso(chat.created_at) + timedelta(minutes=tenant.chat_unanswered_minutes)
    deps.repos.timers.schedule(Timer(tenant.id, timer_key(chat.id), iso(due), TIMER_KIND, {"chat_id": chat.id}))


def mark_missed(deps: Deps, timer: Timer, secret: str) -> int:
    """The timers Lambda: a chat still waiting becomes missed (once: the write is conditional on the version
    read), the requester gets the acknowledgement mail (once per chat, however often this runs) and both sides
    hear of it. 1 when this call marked it."""
    from tandem.services.notify import acknowledge

    chat = deps.repos.chats.get(timer.tenant_id, str(timer.payload.get("chat_id") or ""))
    marked = False
    if chat is not None and chat.state is ChatState.WAITING:
        try:
            chat, marked = deps.repos.chats.save(missed(chat, deps.clock())), True
        except Conflict:  # accepted (or closed) in the same moment: read what won
            chat = deps.repos.chats.get(chat.tenant_id, chat.id)
    if chat is None or chat.state is not ChatState.MISSED:
        return 0
    item = deps.repos.items.get(chat.tenant_id, chat.item_ref)
    if item is not None:
        acknowledge(deps, f"chat-missed:{chat.id}", item, secret)  # its own once-only key: a repeat sends nothing
    if marked:
        chat_push.to_everyone(deps, chat, chat_push.chat_frame("chat.missed", chat))
    return 1 if marked else 0
