"""REST hooks: subscriptions, their deliveries and the event payloads (the same shape delivered and polled)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

HookEvent = Literal["item.created", "item.updated", "item.status_changed", "message.created"]
Scope = Literal["staff", "customer"]
TargetUrl = Annotated[str, Meta(min_length=1, max_length=2_000, pattern=r"^[hH][tT][tT][pP][sS]?://\S+$")]


class HookCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    target_url: TargetUrl
    event: HookEvent
    # `staff` (default for staff and API keys) receives private messages; `customer` only what customers see.
    scope: Scope | UnsetType = UNSET


class HookOut(Struct, kw_only=True):
    id: str
    event: str
    target_url: str
    scope: str
    enabled: bool
    disabled_reason: str | None  # why deliveries stopped (every retry of a delivery failed for a day)
    created_at: str


class HookWithSecret(HookOut, kw_only=True):
    """What creating a hook or rotating its secret answers: the only times the secret is shown."""

    secret: str  # whsec_…: verify `webhook-signature` with it (Standard Webhooks)


class AttemptOut(Struct, kw_only=True):
    n: int
    at: str
    status: Literal["succeeded", "failed"]
    response_code: int | None  # None: no HTTP answer (refused target, timeout, connection error)
    ms: int
    error: str | None
    manual: bool  # a redelivery asked for through the API


class DeliveryOut(Struct, kw_only=True):
    id: str  # the `webhook-id` header: the same on every attempt
    hook_id: str
    event: str
    target_url: str
    state: Literal["pending", "succeeded", "failed"]
    created_at: str
    next_attempt_at: str | None
    attempts: list[AttemptOut]
    payload: dict[str, Any]  # the body every attempt sends: {id, type, created_at, data}


class EventPayload(Struct, kw_only=True):
    """`{id, type, created_at, data}`: the body of a delivery and an entry of the polling list."""

    id: str
    type: str
    created_at: str
    data: dict[str, Any]


class EventList(Struct, kw_only=True):
    items: list[EventPayload]
