"""Every mail to a tenant address becomes the right ticket or reply, exactly once, or a stored rejection.

Order of threading: a signed reply address among the recipients; In-Reply-To/References against
Message-IDs we stored; a subject reference only when the sender already takes part in that item;
otherwise a new ticket. Automatic mail (bounces, auto-replies) never opens tickets or triggers mail.

Nothing is lost: any error while ingesting one mail for one tenant is stored as a rejection
(`failed: <ExceptionName>`, with the raw mail's key, for `tandem mail replay`), except a TransientError,
which propagates so that SES/Lambda deliver the mail again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from tandem.domain.activity import Activity
from tandem.domain.errors import ValidationError
from tandem.domain.item_types import ItemType
from tandem.domain.items import Cause, Item, Link
from tandem.domain.mail import Envelope
from tandem.domain.messages import Message, Visibility
from tandem.domain.people import User, email_domain, normalize_email
from tandem.domain.replies import status_after_customer_reply
from tandem.domain.statuses import Category
from tandem.domain.tenants import TASKS, Tenant, module_on
from tandem.domain.threading import base_address, reply_ref, subject_refs
from tandem.mail.model import InboundEmail
from tandem.mail.render import cut_at_marker
from tandem.services.deps import Deps
from tandem.services.mail_parts import TEXT_BUDGET, TITLE_CHARS, content, fit
from tandem.services.mail_rejection import Outcome, candidates, failed, reject
from tandem.services.modules import TASK
from tandem.services.open_item import decided_again, ensure_customer, new_customer
from tandem.services.ports import DuplicateRequest, IdempotencyClaim, Premise, StalePremise, TransientError
from tandem.services.post_message import resolve_handles
from tandem.services.update_item import change_item

MAX_CC = 100
# At most this many Message-IDs or bounced addresses (Cc addresses) are assumed unknown and re-checked in the one
# write; more are read. Together with a new sender and the Cc's new people they fit one transaction beside
# dal's TX_ATTACHMENTS.
MAX_ASSUMED = 10
MAX_ASSUMED_CC = 4
# The reason of a mail kept because the module it belongs to is switched off (issue 15): "module switched off: tasks".
MODULE_OFF = "module switched off"


def _routable(mail: InboundEmail, env: Envelope) -> list[str]:
    """The addresses SES received the mail for; the header's only when the envelope names none (a raw mail
    replayed without its receipt). SES lists every address of ours a mail went to, so a To/Cc address missing
    from the envelope was not delivered to us, and looking it up would only cost a read per stranger."""
    seen = dict.fromkeys(a.strip().lower() for a in env.recipients if a and "@" in a)
    return list(seen) or candidates(mail, env)


def route(deps: Deps, mail: InboundEmail, env: Envelope) -> dict[str, tuple[ItemType, list[str]]]:
    """tenant id → (the item type of the first of its addresses, every recipient address of that tenant)."""
    routed: dict[str, tuple[ItemType, list[str]]] = {}
    for address in _routable(mail, env):
        item_type = deps.repos.item_types.by_address(base_address(address))
        if item_type is None:
            continue
        first, addresses = routed.get(item_type.tenant_id, (item_type, []))
        routed[item_type.tenant_id] = (first, [*addresses, address])
    return routed


def ingest(
    deps: Deps, mail: InboundEmail, env: Envelope, *, secret: str, only_tenant: str | None = None
) -> list[Outcome]:
    """One received mail → one outcome per tenant it was addressed to (or one rejection); never raises but
    TransientError. `only_tenant` (a replay of that tenant's rejection) leaves the other tenants alone."""
    try:
        routed = route(deps, mail, env)
    except TransientError:
        raise
    except Exception as exc:
        return [failed(deps, mail, env, exc, only_tenant)]
    if only_tenant is not None:
        routed = {t: r for t, r in routed.items() if t == only_tenant}
    if not routed:
        return [reject(deps, mail, env, "no known recipient address", only_tenant)]
    outcomes = []
    for tenant_id, (item_type, addresses) in routed.items():
        try:
            tenant = deps.repos.tenants.get(tenant_id)
            if tenant is None:
                outcomes.append(reject(deps, mail, env, "tenant no longer exists", tenant_id))
                continue
            outcomes.append(_for_tenant(deps, tenant, item_type, addresses, mail, env, secret))
        except TransientError:
            raise
        except Exception as exc:
            outcomes.append(failed(deps, mail, env, exc, tenant_id))
    return outcomes


@dataclass
class _Sender:
    """Who sent the mail, as far as this attempt knows: a stored user, or (`new`) a customer the item's own write
    adds; `premises` are what that rests on (the user's version, or the email and its domain still unclaimed)."""

    user: User | None
    new: bool = False
    premises: tuple[Premise, ...] = ()


def _sender_email(mail: InboundEmail, env: Envelope) -> str | None:
    """The From address, or the envelope sender when the mail names none (bare scripts and some gateways)."""
    candidate = mail.from_addr or ("" if mail.headers.get("from") else env.source.strip("<> "))
    try:
        return normalize_email(candidate)
    except ValidationError:
        return None


def _sender(deps: Deps, tenant: Tenant, mail: InboundEmail, env: Envelope, careful: bool) -> _Sender:
    """Who sent the mail; automatic mail makes nobody a customer (its sender only matters if already known)."""
    email = _sender_email(mail, env)
    if email is None:
        return _Sender(None)
    if careful and mail.auto.kind == "auto_reply":
        user = deps.repos.users.by_email(tenant.id, email)
        return _Sender(user, premises=(Premise("user", tenant.id, user.id, user.version),) if user else ())
    return _person(deps, tenant, email, mail.from_name or None, careful)


def _person(deps: Deps, tenant: Tenant, email: str, name: str | None, careful: bool) -> _Sender:
    """Careful: the stored user (a new customer is stored now). Otherwise from what the warm Lambda remembers,
    without a read: a known user, or a new customer proposed with the organisation remembered for its domain."""
    if careful:
        user = ensure_customer(deps, tenant, email, name)
        return _Sender(user, premises=(Premise("user", tenant.id, user.id, user.version),))
    known, user = deps.repos.users.recall_by_email(tenant.id, email)
    if known and user is not None:
        return _Sender(user, premises=(Premise("user", tenant.id, user.id, user.version),))
    domain = email_domain(email)
    known, org = deps.repos.organizations.recall_by_domain(tenant.id, domain)
    fact = Premise("org", tenant.id, org.id, org.version) if known and org else Premise("domain", tenant.id, domain)
    user = new_customer(deps, tenant, email, name, org.id if known and org else None)
    return _Sender(user, new=True, premises=(fact,))


def _copied(deps: Deps, tenant: Tenant, mail: InboundEmail, sender: User, careful: bool) -> list[_Sender]:
    """Every Cc but the sender that is not one of our own addresses (the first MAX_CC of them: a Cc list of
    thousands would create as many customers and outgrow the item's record). Not careful: the Cc addresses were
    assumed none of ours (`_assumed`), and new people are proposed like a new sender."""
    people, seen = [], {sender.email}
    for address in mail.cc[:MAX_CC]:
        try:
            email = normalize_email(address)
        except ValidationError:
            continue
        if email in seen or (careful and _is_own_address(deps, address)):
            continue
        seen.add(email)
        people.append(_person(deps, tenant, email, None, careful))
    return people


def _is_own_address(deps: Deps, email: str) -> bool:
    return deps.repos.item_types.by_address(base_address(email)) is not None


def _thread(
    deps: Deps,
    tenant: Tenant,
    addresses: list[str],
    mail: InboundEmail,
    sender: User | None,
    trusted_staff: bool,
    secret: str,
    lookup: bool = True,
) -> Item | None:
    """The item the mail answers, if any; `lookup` False leaves its Message-IDs to the write's premises."""
    for address in addresses:
        ref = reply_ref(secret, tenant.id, address)
        item = deps.repos.items.get(tenant.id, ref) if ref else None
        if item is not None:
            return item
    ids = _thread_ids(mail)
    ref = deps.repos.conversations.thread_of(tenant.id, ids) if ids and lookup else None
    if ref and (item := deps.repos.items.get(tenant.id, ref)) is not None:
        return item
    for ref in subject_refs(mail.subject or ""):
        item = deps.repos.items.get(tenant.id, ref)
        if item is not None and sender is not None and _participant(item, sender, trusted_staff):
            return item
    return None


# Message-IDs our outgoing mail carries: our own (`…@<tenant mail domain>`) or the one SES gave it instead.
PROVIDER_ID_SUFFIX = ".amazonses.com"


def _answers_us(tenant: Tenant, addresses: list[str], mail: InboundEmail, secret: str) -> bool:
    """The mail answers one of our mails (a signed reply address, or one of our Message-IDs): it is a reply, so
    the first attempt reads its thread instead of assuming there is none (an assumption sure to fail)."""
    if any(reply_ref(secret, tenant.id, a) for a in addresses):
        return True
    ours = (f"@{tenant.mail_domain}>".lower(), f"{PROVIDER_ID_SUFFIX}>")
    return any(i.strip().lower().endswith(ours) for i in _thread_ids(mail))


def _thread_ids(mail: InboundEmail) -> list[str]:
    return [i for i in [mail.in_reply_to, *reversed(mail.references)] if i]


def _assumed(deps: Deps, tenant: Tenant, mail: InboundEmail) -> tuple[Premise, ...] | None:
    """What a first attempt assumes instead of reading, each re-checked by its one write: the sender is none of
    our addresses (no loop), no Message-ID it answers threads into an item, nobody a bounce names is a user
    (nothing to mark failing). None when there is too much to check in one transaction: then read."""
    # Each Message-ID once, as the thread records key them (stripped), and never the mail's own: the write adds it.
    ids = [i for i in dict.fromkeys(i.strip() for i in _thread_ids(mail)) if i != (mail.message_id or "").strip()]
    bounced = [] if mail.auto.kind != "bounce" else list(dict.fromkeys(mail.auto.bounced_recipients))
    if len(ids) > MAX_ASSUMED or len(bounced) > MAX_ASSUMED or len(mail.cc) > MAX_ASSUMED_CC:
        return None
    ours = [a for a in [mail.from_addr, *mail.cc] if a and "@" in a]
    facts = [Premise("address", tenant.id, base_address(a.strip().lower())) for a in ours]
    facts += [Premise("thread", tenant.id, i) for i in ids]
    for address in bounced:
        try:
            facts.append(Premise("email", tenant.id, normalize_email(address)))
        except ValidationError:
            continue
    return tuple(facts)


def _participant(item: Item, user: User, trusted_staff: bool) -> bool:
    """A subject reference is only believed from someone already on the item (staff only when authenticated)."""
    if trusted_staff:
        return True
    return user.id == item.requester_id or user.id in item.followers


def _claim(mail: InboundEmail, env: Envelope) -> IdempotencyClaim:
    key = (mail.message_id or "").strip() or f"ses:{env.ses_message_id}"
    return IdempotencyClaim("mail", hashlib.sha256(key.encode()).hexdigest()[:40], "mail")


def _for_tenant(
    deps: Deps,
    tenant: Tenant,
    item_type: ItemType,
    addresses: list[str],
    mail: InboundEmail,
    env: Envelope,
    secret: str,
) -> Outcome:
    """Decided first from what the warm Lambda remembers (one write re-checks every fact it used); when a fact
    was stale, decided again from fresh reads (`_assumed` sends mail with too much to check there at once)."""
    return decided_again(lambda attempt: _decide(deps, tenant, item_type, addresses, mail, env, secret,
                                                  careful=attempt > 0))


def _decide(
    deps: Deps,
    tenant: Tenant,
    item_type: ItemType,
    addresses: list[str],
    mail: InboundEmail,
    env: Envelope,
    secret: str,
    careful: bool,
) -> Outcome:
    if env.virus.upper() == "FAIL":
        return reject(deps, mail, env, "virus verdict FAIL", tenant.id)
    # The type as remembered beside the facts the write re-checks (routing's copy may be older; a failed check
    # made the store forget it, so the next attempt reads it).
    item_type = deps.repos.item_types.warm(tenant.id, item_type.id) or item_type
    careful = careful or _answers_us(tenant, addresses, mail, secret)
    assumed = None if careful else _assumed(deps, tenant, mail)
    if assumed is None:
        careful = True
        if mail.from_addr and _is_own_address(deps, mail.from_addr):
            return reject(deps, mail, env, "mail from one of our own addresses (loop)", tenant.id)
    facts = assumed or ()
    auto = mail.auto
    sender = _Sender(None) if auto.kind == "bounce" else _sender(deps, tenant, mail, env, careful)
    user = sender.user
    trusted_staff = user is not None and not sender.new and user.role.is_staff and env.authenticated
    item = _thread(deps, tenant, addresses, mail, user, trusted_staff, secret, lookup=careful)
    if auto.kind in ("bounce", "auto_reply"):
        if item is None:
            if careful:
                _bounced(deps, tenant, mail)
            return reject(
                deps, mail, env, f"automatic mail ({auto.kind}: {auto.reason}) matches no item", tenant.id, facts
            )
        if not careful:
            raise StalePremise(facts)  # a note on an item writes no item: decided again the careful way
        return _automatic(deps, tenant, item, mail, env)
    if user is None:
        return reject(deps, mail, env, "no usable sender address", tenant.id, facts)
    if not module_on(tenant, TASKS) and TASK in (item_type.kind, item.kind if item else None):
        # Kept, not lost: `tandem mail replay --reason "module switched off"` runs it once tasks are on again.
        return reject(deps, mail, env, f"{MODULE_OFF}: {TASKS}", tenant.id, facts)
    if item is not None and item.status_category is not Category.CLOSED:
        if not careful:
            raise StalePremise(facts)  # a reply writes no item: decided again the careful way
        return _reply(deps, tenant, item, mail, env, user, trusted_staff)
    type_fact = Premise("type", tenant.id, item_type.id, item_type.version)
    return _new_ticket(deps, tenant, item_type, mail, env, sender, (*facts, type_fact), item, careful)


def _message(
    deps: Deps,
    tenant: Tenant,
    item_id: str,
    mail: InboundEmail,
    env: Envelope,
    author: User | None,
    via: str,
    visibility: Visibility,
    claim: IdempotencyClaim,
) -> Message:
    text = cut_at_marker(mail.reply_text or mail.text or "")
    parts = content(deps, tenant, item_id, mail, text or "(no text)", claim.key)
    return Message(
        tenant.id,
        deps.new_id(),
        item_id,
        author.id if author else None,
        parts.body,
        visibility,
        via,
        deps.clock(),
        mentions=resolve_handles(deps, tenant.id, parts.body) if via == "email" else [],
        attachments=parts.attachments,
        html=parts.html,
        quoted=parts.quoted,
        email_message_id=(mail.message_id or "")[:300] or None,
        raw_key=env.raw_key,
    )


def _followers(deps: Deps, tenant: Tenant, mail: InboundEmail, sender: User) -> list[str]:
    """The sender and every Cc that is not one of our own addresses, as stored users."""
    copied = _copied(deps, tenant, mail, sender, careful=True)
    return list(dict.fromkeys([sender.id, *(p.user.id for p in copied if p.user is not None)]))


def _new_ticket(
    deps: Deps,
    tenant: Tenant,
    item_type: ItemType,
    mail: InboundEmail,
    env: Envelope,
    proposed: _Sender,
    facts: tuple[Premise, ...],
    follow_up_of: Item | None,
    careful: bool,
) -> Outcome:
    """A new item for the mail, in one write with everything it rests on: `facts` and its people's premises
    re-checked, and new people (sender, Cc) added."""
    sender = proposed.user
    assert sender is not None
    people = [proposed, *_copied(deps, tenant, mail, sender, careful)]
    claim = _claim(mail, env)
    status = tenant.initial_status(item_type.kind)
    now = deps.clock()
    tags = ["spam"] if env.spam.upper() == "FAIL" else (["bulk"] if mail.auto.kind in ("list", "bulk") else [])
    item = Item(
        tenant_id=tenant.id,
        id=deps.new_id(),
        ref="",
        kind=item_type.kind,
        type_id=item_type.id,
        title=(mail.subject or "").strip()[:TITLE_CHARS] or "(no subject)",
        status=status.key,
        status_category=status.category,
        created_at=now,
        updated_at=now,
        description=fit(cut_at_marker(mail.reply_text or mail.text or ""), TEXT_BUDGET)[0],
        priority=item_type.defaults.priority,
        requester_id=sender.id,
        organization_id=sender.organization_id,
        assignees=list(item_type.defaults.assignees),
        followers=list(dict.fromkeys(p.user.id for p in people if p.user is not None)),
        project_id=item_type.defaults.project_id,
        via="email",
        tags=tags,
        links=[Link("relates_to", follow_up_of.ref)] if follow_up_of else [],
    )
    message = _message(deps, tenant, item.id, mail, env, sender, "email", Visibility.PUBLIC, claim)
    activity = Activity(
        tenant.id,
        deps.new_id(),
        item.id,
        now,
        "created",
        Cause.EMAIL,
        actor_id=sender.id,
        note="spam verdict FAIL" if "spam" in tags else "",
    )
    try:
        created = deps.repos.items.create(
            item,
            activity,
            claim=claim,
            message=message,
            thread_ids=tuple(i for i in [mail.message_id] if i),
            premises=facts + tuple(f for p in people for f in p.premises),
            new_people=tuple(p.user for p in people if p.new and p.user is not None),
        )
    except DuplicateRequest as dup:
        return Outcome("duplicate", tenant.id, dup.result_ref)
    return Outcome("created", tenant.id, created.ref)


def _reply(
    deps: Deps, tenant: Tenant, item: Item, mail: InboundEmail, env: Envelope, sender: User, trusted_staff: bool
) -> Outcome:
    claim = _claim(mail, env)
    message = _message(deps, tenant, item.id, mail, env, sender, "email", Visibility.PUBLIC, claim)
    duplicate = _store_message(
        deps, tenant, item, message, claim, note="public", thread_ids=tuple(i for i in [mail.message_id] if i)
    )
    if duplicate:
        return duplicate
    _after_reply(deps, tenant, item, mail, sender, trusted_staff)
    return Outcome("replied", tenant.id, item.ref)


def _store_message(
    deps: Deps,
    tenant: Tenant,
    item: Item,
    message: Message,
    claim: IdempotencyClaim,
    *,
    note: str,
    thread_ids: tuple[str, ...] = (),
) -> Outcome | None:
    """Add the mail's message with its activity, once; the outcome of a repeat, or None when stored."""
    activity = Activity(
        tenant.id,
        deps.new_id(),
        item.id,
        message.created_at,
        "message_added",
        Cause.EMAIL,
        actor_id=message.author_id,
        changes={"message": [None, message.id]},
        note=note,
    )
    try:
        deps.repos.conversations.add_message(item, message, activity, claim=claim, thread_ids=thread_ids)
    except DuplicateRequest as dup:
        return Outcome("duplicate", tenant.id, dup.result_ref)
    return None


def _after_reply(deps: Deps, tenant: Tenant, item: Item, mail: InboundEmail, sender: User, trusted_staff: bool) -> None:
    """New followers from the mail, and a customer's reply moves a waiting or done item back to work."""
    changes: dict[str, object] = {}
    followers = list(dict.fromkeys([*item.followers, *_followers(deps, tenant, mail, sender)]))
    if followers != item.followers:
        changes["followers"] = followers
    target = None if trusted_staff else status_after_customer_reply(tenant, item)
    if target:
        changes["status"] = target
    if changes:
        current = deps.repos.items.get(tenant.id, item.ref) or item
        change_item(deps, tenant, current, changes, actor_id=sender.id, cause=Cause.EMAIL, note="reply by email")


def _bounced(deps: Deps, tenant: Tenant, mail: InboundEmail) -> None:
    """A bounce marks the addresses it names as failing (again, harmlessly, when the mail is decided twice)."""
    if mail.auto.kind == "bounce":
        _mark_failing(deps, tenant, mail.auto.bounced_recipients)


def _automatic(deps: Deps, tenant: Tenant, item: Item, mail: InboundEmail, env: Envelope) -> Outcome:
    """Automatic mail lands as a private note on its item (a bounce marks its addresses failing first)."""
    _bounced(deps, tenant, mail)
    claim = _claim(mail, env)
    message = _message(deps, tenant, item.id, mail, env, None, "email-auto", Visibility.PRIVATE, claim)
    message = replace(message, body=f"[{mail.auto.kind}] {message.body}"[:100_000])
    duplicate = _store_message(deps, tenant, item, message, claim, note=mail.auto.kind)
    if duplicate:
        return duplicate
    return Outcome("bounce" if mail.auto.kind == "bounce" else "replied", tenant.id, item.ref, mail.auto.kind)


def _mark_failing(deps: Deps, tenant: Tenant, addresses: list[str]) -> None:
    """The bounced addresses' people, read together (one batch, not one read per address), marked failing."""
    emails = []
    for address in addresses:
        try:
            emails.append(normalize_email(address))
        except ValidationError:
            continue
    for user in (deps.repos.users.by_emails(tenant.id, emails) if emails else {}).values():
        if not user.email_failing:
            deps.repos.users.save(replace(user, email_failing=True))
