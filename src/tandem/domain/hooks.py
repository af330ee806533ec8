"""REST hooks (Zapier style): subscriptions, the events they receive, and the deliveries made to them.

Pure: which change is which event, what its payload says, the stable ids a retry keeps, and the backoff.
Signing and sending live in domain/webhooks.py and webhooks/sender.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tandem.domain.events import Event, ItemChanged, ItemCreated, MessageAdded
from tandem.domain.items import Item
from tandem.domain.messages import Message, Visibility

ITEM_CREATED = "item.created"
ITEM_UPDATED = "item.updated"
STATUS_CHANGED = "item.status_changed"
MESSAGE_CREATED = "message.created"
EVENTS = (ITEM_CREATED, ITEM_UPDATED, STATUS_CHANGED, MESSAGE_CREATED)
RULE_EVENT = "rule"  # the type of a rule's `call_webhook` payloads

# Hooks see staff data (private messages included) unless created with the narrower customer scope.
SCOPES = ("staff", "customer")
# The tenant's channel for rule `call_webhook` deliveries: one secret per tenant, its own delivery log.
RULES_CHANNEL = "rules"
# Waits after failed attempt 1, 2, …: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h; then the hook is disabled.
BACKOFF = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
ROTATION_GRACE = timedelta(hours=24)  # the previous secret keeps signing this long after a rotation
# What an item payload carries (no internal bookkeeping such as SLA clock state or rule depth).
ITEM_FIELDS = (
    "id", "ref", "kind", "type_id", "title", "description", "status", "status_category", "priority", "requester_id",
    "organization_id", "assignees", "followers", "project_id", "fields", "due_date", "tags", "portal_visible",
    "via", "created_at", "updated_at",
)
WATCHED = tuple(f for f in ITEM_FIELDS if f not in ("updated_at", "status_category", "via", "created_at"))


@dataclass
class HookSecret:
    value: str  # whsec_…
    expires_at: str | None = None  # set on the previous secret when a new one replaces it


@dataclass
class Hook:
    """A subscription: `event`s of the tenant are POSTed to `target_url`, signed with its secret(s)."""

    tenant_id: str
    id: str
    event: str
    target_url: str
    scope: str
    created_at: str
    created_by: str | None = None
    secrets: list[HookSecret] = field(default_factory=list)  # current first
    enabled: bool = True
    disabled_reason: str | None = None
    disabled_by: str | None = None  # the delivery whose last retry failed
    version: int = 0

    def signing_secrets(self, now: str) -> list[str]:
        """The secrets that sign now: the current one and, during a rotation, the previous one."""
        return [s.value for s in self.secrets if s.expires_at is None or s.expires_at > now]


@dataclass
class Attempt:
    n: int
    at: str
    ok: bool
    response_code: int | None
    ms: int
    error: str | None = None
    manual: bool = False  # a redelivery asked for through the API


@dataclass
class Delivery:
    """One payload for one hook; `id` is the `webhook-id` every attempt repeats."""

    tenant_id: str
    id: str
    hook_id: str
    event: str
    target_url: str
    body: str  # the exact JSON every attempt sends
    created_at: str
    state: str = "pending"  # pending | succeeded | failed
    attempts: list[Attempt] = field(default_factory=list)
    next_attempt_at: str | None = None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:26]


def payload_id(kind: str, *parts: str) -> str:
    """The id of an event payload: derived from what happened, so the stream, a redelivered batch and the
    polling list all name the same event the same way (Zapier deduplicates on it)."""
    return "evt_" + _digest(kind, *parts)


def delivery_id(payload: str, hook_id: str) -> str:
    """The `webhook-id` of a payload sent to one hook: the same for every retry and every redelivered batch."""
    return "msg_" + _digest(payload, hook_id)


def item_data(item: Item) -> dict[str, Any]:
    data = {name: getattr(item, name) for name in ITEM_FIELDS}
    data["status_category"] = str(item.status_category.value)
    return data


def message_data(message: Message) -> dict[str, Any]:
    return {
        "id": message.id, "item_id": message.item_id, "item_ref": message.item_ref, "author_id": message.author_id,
        "body": message.body, "visibility": str(message.visibility.value), "via": message.via,
        "created_at": message.created_at,
    }


def payload(kind: str, pid: str, created_at: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": pid, "type": kind, "created_at": created_at, "data": data}


def item_event(kind: str, item: Item, old: Item | None = None) -> dict[str, Any]:
    """An item event's payload; changes carry `previous` (the old values of what changed)."""
    data = item_data(item)
    if kind == ITEM_CREATED:
        return payload(kind, payload_id(kind, item.id), item.created_at, data)
    if old is not None:
        data["previous"] = {f: getattr(old, f) for f in WATCHED if getattr(old, f) != getattr(item, f)}
    return payload(kind, payload_id(kind, item.id, str(item.version)), item.updated_at, data)


def message_event(message: Message) -> dict[str, Any]:
    return payload(MESSAGE_CREATED, payload_id(MESSAGE_CREATED, message.id), message.created_at, message_data(message))


def events_of(event: Event) -> list[tuple[dict[str, Any], bool]]:
    """The hook events a table change is, each with whether customer-scope hooks may receive it."""
    if isinstance(event, ItemCreated):
        return [(item_event(ITEM_CREATED, event.item), event.item.portal_visible)]
    if isinstance(event, ItemChanged):
        old, new = event.old, event.new
        public = new.portal_visible
        found: list[tuple[dict[str, Any], bool]] = []
        if any(getattr(old, f) != getattr(new, f) for f in WATCHED):
            found.append((item_event(ITEM_UPDATED, new, old), public))
        if old.status != new.status:
            found.append((item_event(STATUS_CHANGED, new, old), public))
        return found
    if isinstance(event, MessageAdded):
        return [(message_event(event.message), event.message.visibility is Visibility.PUBLIC)]
    return []


def next_attempt_after(failed_attempts: int) -> timedelta | None:
    """How long after the `failed_attempts`-th failure the next attempt runs; None when retries are spent."""
    return BACKOFF[failed_attempts - 1] if 0 < failed_attempts <= len(BACKOFF) else None
