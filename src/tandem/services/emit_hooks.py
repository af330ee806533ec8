"""From table changes to webhook deliveries: each matching subscription gets one delivery record per event.

The delivery's id (its `webhook-id`) is derived from the event and the hook, and the record is written with a
conditional put: a redelivered stream batch writes nothing new and sends nothing twice. The first attempt runs
right away (in the stream handler's thread pool when it gives one); retries are timers (deliver_hooks.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import copy_context
from typing import Any

from tandem.domain.errors import Conflict
from tandem.domain.events import Event, ItemChanged, ItemCreated, MessageAdded
from tandem.domain.hooks import (
    RULE_EVENT,
    RULES_CHANNEL,
    Delivery,
    Hook,
    HookSecret,
    delivery_id,
    events_of,
    item_data,
    payload,
    payload_id,
)
from tandem.domain.items import Item
from tandem.domain.tenants import Tenant
from tandem.services.deliver_hooks import attempt, sending
from tandem.services.deps import Deps


class Dispatch:
    """Where first attempts run: inline (tests, single events) or in a thread pool shared by a stream batch.

    `wait()` answers the errors of the pooled attempts by the key they were submitted with, so the batch can
    report their records as failed (the redelivery finds the delivery without attempts and makes it)."""

    def __init__(self, workers: int = 0) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers) if workers else None
        self._futures: list[tuple[str, Future]] = []
        self._lock = threading.Lock()

    def run(self, key: str, fn: Callable[[], Any]) -> None:
        if self._pool is None:
            fn()
            return
        future = self._pool.submit(copy_context().run, fn)  # the invocation's deadline travels with the work
        with self._lock:
            self._futures.append((key, future))

    def wait(self) -> dict[str, Exception]:
        failed: dict[str, Exception] = {}
        with self._lock:
            futures, self._futures = self._futures, []
        for key, future in futures:
            exc = future.exception()
            if exc is not None and isinstance(exc, Exception):
                failed.setdefault(key, exc)
        return failed

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


class HookLoader:
    """The tenant's subscriptions, read once per stream batch (one Query per tenant)."""

    def __init__(self, deps: Deps) -> None:
        self._deps, self._cache = deps, {}  # type: ignore[var-annotated]

    def __call__(self, tenant_id: str) -> list[Hook]:
        if tenant_id not in self._cache:
            hooks = self._deps.repos.hooks.list(tenant_id, limit=200).items
            self._cache[tenant_id] = [h for h in hooks if h.id != RULES_CHANNEL]
        return self._cache[tenant_id]


def _tenant_of(event: Event) -> str | None:
    if isinstance(event, ItemCreated):
        return event.item.tenant_id
    if isinstance(event, ItemChanged):
        return event.new.tenant_id
    if isinstance(event, MessageAdded):
        return event.message.tenant_id
    return None


def emit(deps: Deps, event: Event, hooks: Callable[[str], list[Hook]] | None = None,
         dispatch: Dispatch | None = None, key: str = "") -> int:
    """Write one delivery per (hook event, matching enabled subscription) and start its first attempt."""
    tenant_id = _tenant_of(event)
    if tenant_id is None:
        return 0
    found = (hooks or HookLoader(deps))(tenant_id)
    if not found:
        return 0  # most tenants: no subscription, no work beyond the one cached Query
    started = 0
    paused = not sending(deps, tenant_id)  # integrations off: recorded, sent once they are on again
    for body, public in events_of(event):
        for hook in found:
            if hook.event != body["type"] or not hook.enabled or (hook.scope == "customer" and not public):
                continue
            started += deliver(deps, hook.tenant_id, hook.id, hook.target_url, body, dispatch, key, hook, paused)
    return started


def deliver(deps: Deps, tenant_id: str, hook_id: str, url: str, body: dict[str, Any],
            dispatch: Dispatch | None = None, key: str = "", hook: Hook | None = None, paused: bool = False) -> int:
    """Record the delivery (once) and start its first attempt; 1 when an attempt was started. `paused`: record
    it only (parked: see deliver_hooks)."""
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    new = Delivery(tenant_id, delivery_id(body["id"], hook_id), hook_id, body["type"], url, raw, deps.clock())
    if not deps.repos.deliveries.add(new):
        existing = deps.repos.deliveries.get(tenant_id, new.id)
        if existing is None or existing.state != "pending" or existing.attempts:
            return 0  # delivered, given up, or its retries are scheduled: a redelivered batch adds nothing
        new = existing  # recorded, but the first attempt never finished: make it now (once guards it)
    if paused:
        return 0
    (dispatch or Dispatch()).run(key, lambda: attempt(deps, new, hook=hook))
    return 1


def rules_channel(deps: Deps, tenant_id: str) -> Hook:
    """The tenant's channel for rule `call_webhook`s: one secret for all its rules, created on first use."""
    from tandem.domain.webhooks import new_secret

    found = deps.repos.hooks.get(tenant_id, RULES_CHANNEL)
    if found is not None:
        return found
    channel = Hook(tenant_id, RULES_CHANNEL, RULE_EVENT, "", "staff", deps.clock(),
                   secrets=[HookSecret(new_secret())])
    try:
        return deps.repos.hooks.add(channel)
    except Conflict:  # created meanwhile by another delivery
        return deps.repos.hooks.get(tenant_id, RULES_CHANNEL) or channel


def call_rule_webhook(deps: Deps, tenant: Tenant, item: Item, url: str, event: str, rule: str, key: str) -> None:
    """A rule's `call_webhook`: the item as `data`, signed with the tenant's rules secret, retried like a hook.
    `key` is the action's once-key, so the payload id (and `webhook-id`) is the same on every redelivery."""
    channel = rules_channel(deps, tenant.id)
    data = {"rule": rule, "item": item_data(item)}
    body = payload(event or RULE_EVENT, payload_id(RULE_EVENT, key), deps.clock(), data)
    deliver(deps, tenant.id, channel.id, url, body, hook=channel)
