"""Who hears about what, by email: acknowledgements, conversation mail, @mentions, status changes.

Driven by change events (the table's stream), so it runs at least once per change: every mail is one
side effect per (event, recipient) under `deps.once`, so a redelivered event sends nothing twice and a
delivery that timed out mid-send is sent by the retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tandem.domain.events import Event, ItemChanged, ItemCreated, JoinRequestChanged, MessageAdded
from tandem.domain.items import Item
from tandem.domain.messages import Message, Visibility
from tandem.domain.people import User
from tandem.domain.statuses import Category
from tandem.domain.tenants import Tenant
from tandem.domain.threading import reply_address
from tandem.services import join_notify
from tandem.services.deps import Deps
from tandem.services.ports import OutboundMail

log = logging.getLogger(__name__)

QUIET_TAGS = frozenset({"spam", "bulk", "auto"})
ACKS_PER_SENDER_PER_HOUR = 3
UNSUBSCRIBE_TTL = 28 * 24 * 3600
STATUS_CATEGORIES_TOLD = (Category.WAITING, Category.DONE, Category.CLOSED)


@dataclass
class Audience:
    user: User
    mentioned: bool = False


def react(deps: Deps, event: Event, secret: str) -> int:
    """Send the mail one change calls for; returns how many went out.

    Live chat (issue 14) is told over its socket, not by mail: a chat's ticket is acknowledged only when nobody
    answered it (services/chat.py, mark_missed), and its lines are not mailed line by line."""
    if isinstance(event, ItemCreated):
        # An imported item is history from another system: its requester is not told about it again.
        return 0 if event.item.via in ("chat", "import") else acknowledge(deps, event.event_id, event.item, secret)
    if isinstance(event, MessageAdded):
        return 0 if event.message.via == "chat" else conversation(deps, event.event_id, event.message, secret)
    if isinstance(event, ItemChanged):
        return status_change(deps, event.event_id, event.old, event.new, secret)
    if isinstance(event, JoinRequestChanged):  # issue 15: the deciders of a new request, the asker of a decision
        return join_notify.mail(deps, event)
    return 0


def _thread_headers(tenant: Tenant, item: Item, event_id: str) -> dict[str, str]:
    root = f"<item-{item.id}@{tenant.mail_domain}>"
    return {
        "Message-ID": f"<{event_id.replace(':', '.')}.{item.id}@{tenant.mail_domain}>",
        "In-Reply-To": root,
        "References": root,
        "X-Auto-Response-Suppress": "All",
        "X-Tandem-Ref": item.ref,
    }


def _reply_to(deps: Deps, tenant: Tenant, item: Item, secret: str) -> str:
    item_type = deps.repos.item_types.get(tenant.id, item.type_id)
    inbound = item_type.inbound_address if item_type and item_type.inbound_address else f"support@{tenant.mail_domain}"
    return reply_address(secret, tenant.id, inbound, item.ref)


def _send(
    deps: Deps,
    tenant: Tenant,
    item: Item,
    event_id: str,
    to: User,
    template: str,
    secret: str,
    automatic: bool,
    allowed: Callable[[], bool] | None = None,
    **context: object,
) -> int:
    """Render and send one mail, once per (event, recipient): a redelivered event sends nothing again.

    `allowed` (a rate limit) is asked inside the once-only step, so redeliveries of one event do not use up
    the budget of others."""
    if not to.active or to.email_failing:
        return 0
    sent = []

    def send() -> None:
        if allowed is not None and not allowed():
            return
        mail = _compose(deps, tenant, item, event_id, to, template, secret, automatic, **context)
        # Remember our Message-IDs first (a repeat writes the same ones): the mail itself must be the last step.
        thread_ids = [mail.headers["Message-ID"], mail.headers["In-Reply-To"]]
        deps.repos.conversations.add_thread_ids(tenant.id, item, thread_ids)
        provider_id = deps.mailer.send(tenant, mail)
        sent.append(1)
        _remember_provider_id(deps, tenant, item, provider_id)

    deps.once.run(tenant.id, f"sent:{event_id}:{to.id}", send)
    return len(sent)


def item_link(base: str, tenant: Tenant, item: Item, to: User) -> str:
    """Where a mail's link takes its reader: staff to the workspace, customers to the tenant's portal."""
    if to.role.is_staff:
        return f"{base}/app/#/items/{item.ref}"
    return f"{base}/portal/{tenant.slug}/#/items/{item.ref}"


def _compose(
    deps: Deps,
    tenant: Tenant,
    item: Item,
    event_id: str,
    to: User,
    template: str,
    secret: str,
    automatic: bool,
    **context: object,
) -> OutboundMail:
    from tandem.mail.render import render

    item_url = item_link(deps.settings.portal_url, tenant, item, to)
    unsubscribe = None
    if not to.role.is_staff:
        token = deps.tokens.issue({"typ": "unsub", "tid": tenant.id, "sub": to.id, "ref": item.ref}, UNSUBSCRIBE_TTL)
        unsubscribe = f"{deps.settings.portal_url}/v1/public/{tenant.slug}/unsubscribe?token={token}"
    rendered = render(
        template,
        tenant=tenant,
        item=item,
        recipient=to,
        item_url=item_url,
        unsubscribe_url=unsubscribe,
        subject_line=item.title,
        **context,
    )
    headers = _thread_headers(tenant, item, event_id)
    if automatic:
        headers["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return OutboundMail(
        to=[to.email],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        reply_to=_reply_to(deps, tenant, item, secret),
        headers=headers,
    )


def _remember_provider_id(deps: Deps, tenant: Tenant, item: Item, provider_id: str | None) -> None:
    """Thread replies on the Message-ID the provider gave the mail too (SES replaces ours with
    `<MessageId@<region>.amazonses.com>`; a local stack does not).

    The mail is already out: a failure here must not make the retry send it again, so it is logged, not raised
    (replies still thread on the reply address and on the thread root in their References)."""
    domain = deps.settings.provider_message_id_domain
    if not provider_id or not domain:
        return
    try:
        deps.repos.conversations.add_thread_ids(tenant.id, item, [f"<{provider_id}@{domain}>"])
    except Exception:
        log.warning("could not remember the provider's Message-ID", extra={"item": item.ref}, exc_info=True)


def ack_key(event_id: str) -> str:
    """The done-marker an acknowledgement's count writes (`MailLog.count_once`): a stream batch reads it up front."""
    return f"ack:{event_id}"


def acknowledge(deps: Deps, event_id: str, item: Item, secret: str) -> int:
    """Tell the requester of a new ticket it was received (tenant setting; never for automatic or spam mail)."""
    tenant = deps.repos.tenants.get(item.tenant_id)
    if tenant is None or item.kind != "ticket" or not tenant.acknowledge_new_tickets or not item.requester_id:
        return 0
    if QUIET_TAGS & set(item.tags):
        return 0
    requester = deps.repos.users.get(tenant.id, item.requester_id)
    if requester is None or requester.role.is_staff:
        return 0

    # A sender flooding us (or a loop) gets no more acknowledgements this hour. Each event is counted once, in
    # one write with its marker: retries of one acknowledgement do not use up the sender's budget for the next
    # ones, and an event counted by an earlier attempt (under the budget then) is sent by the retry.
    hour = datetime.now(UTC).strftime("%Y-%m-%dT%H")
    limit = ACKS_PER_SENDER_PER_HOUR
    if not deps.repos.mail.count_once(tenant.id, f"ack:{requester.email}", hour, 7200, ack_key(event_id), limit):
        return 0
    return _send(deps, tenant, item, event_id, requester, "ack", secret, automatic=True)


def _audience(deps: Deps, tenant: Tenant, item: Item, message: Message) -> list[Audience]:
    """Followers and assignees (public: everyone; private: staff only) plus @mentioned users and teams' members."""
    users: dict[str, Audience] = {}
    ids = list(item.followers) + [a.split(":", 1)[1] for a in item.assignees if a.startswith("user:")]
    for ref in list(item.assignees) + list(message.mentions):
        if ref.startswith("team:"):
            team = deps.repos.teams.get(tenant.id, ref.split(":", 1)[1])
            ids += team.member_ids if team else []
    mentioned = {m.split(":", 1)[1] for m in message.mentions if m.startswith("user:")}
    for ref in message.mentions:
        if ref.startswith("team:"):
            team = deps.repos.teams.get(tenant.id, ref.split(":", 1)[1])
            mentioned |= set(team.member_ids if team else [])
    for user_id in dict.fromkeys(ids + sorted(mentioned)):
        user = deps.repos.users.get(tenant.id, user_id)
        if user is None or user.id == message.author_id:
            continue
        if message.visibility is Visibility.PRIVATE and not user.role.is_staff:
            continue  # private notes never reach a customer, whatever the list says
        users[user.id] = Audience(user, user.id in mentioned)
    return list(users.values())


def conversation(deps: Deps, event_id: str, message: Message, secret: str) -> int:
    """Mail a new message to its audience (mail that arrived automatically is never relayed)."""
    if message.via == "email-auto":
        return 0
    tenant = deps.repos.tenants.get(message.tenant_id)
    item = deps.repos.items.get(message.tenant_id, message.item_ref) if tenant and message.item_ref else None
    if tenant is None or item is None or QUIET_TAGS & set(item.tags):
        return 0
    author = deps.repos.users.get(tenant.id, message.author_id) if message.author_id else None
    author_name = author.name if author else "Tandem"
    sent = 0
    for who in _audience(deps, tenant, item, message):
        sent += _send(
            deps,
            tenant,
            item,
            event_id,
            who.user,
            "message",
            secret,
            automatic=False,
            message=message,
            author_name=author_name,
            mentioned=who.mentioned,
        )
    return sent


def status_change(deps: Deps, event_id: str, old: Item, new: Item, secret: str) -> int:
    """Tell the requester when their item waits on them, is resolved or closed (tenant setting)."""
    if old.status == new.status or new.status_category not in STATUS_CATEGORIES_TOLD or not new.requester_id:
        return 0
    tenant = deps.repos.tenants.get(new.tenant_id)
    if tenant is None or not tenant.notify_status_changes or QUIET_TAGS & set(new.tags):
        return 0
    requester = deps.repos.users.get(tenant.id, new.requester_id)
    if requester is None or requester.role.is_staff:
        return 0
    status = tenant.status(new.kind, new.status)
    return _send(
        deps,
        tenant,
        new,
        event_id,
        requester,
        "status",
        secret,
        automatic=True,
        status_name=status.name if status else new.status,
    )
