"""Delivering webhooks: one signed attempt at a time, retries on the timers machinery, giving up after a day.

Each attempt is one side effect under `deps.once` (key `hook:{webhook-id}:{n}`, the HTTP call the last step), so
a redelivered stream record or a repeated timer tick never sends attempt n twice. The call's outcome is kept with
the once-record, so when writing it to the delivery log fails, the repeat records attempt n as it went.
Retries are timers (`kind` "webhook", key `hook:{webhook-id}`), fired by the timers Lambda each minute.

While the tenant's integrations module is off nothing is sent (issue 15): a delivery is recorded as usual but
parked — pending, without a next attempt — and a retry that comes due is parked the same way. Switching the module
on again schedules them all (services/resume_hooks.py), so no event is lost.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from tandem.domain.clock import iso, parse_iso
from tandem.domain.hooks import MAX_ATTEMPTS, RULES_CHANNEL, Attempt, Delivery, Hook, next_attempt_after
from tandem.domain.people import Role
from tandem.domain.tenants import INTEGRATIONS, module_on
from tandem.services.deps import Deps
from tandem.services.ports import OutboundMail, Timer

TIMER_KIND = "webhook"
GONE = 410


def timer_key(delivery_id: str) -> str:
    return f"hook:{delivery_id}"


def sign(deps: Deps, hook: Hook, delivery: Delivery, now: str) -> dict[str, str]:
    """Standard Webhooks headers for this attempt: the stable id, this attempt's time, every live secret."""
    from tandem.domain.webhooks import delivery_headers

    timestamp = int(parse_iso(now).timestamp())
    return delivery_headers(hook.signing_secrets(now), delivery.id, timestamp, delivery.body.encode("utf-8"))


def attempt(deps: Deps, delivery: Delivery, *, manual: bool = False, hook: Hook | None = None) -> Delivery:
    """Make the next attempt of `delivery` (unless its hook is gone or disabled) and record how it went.
    `hook` is the subscription when the caller just read it (the stream's first attempt)."""
    if not sending(deps, delivery.tenant_id):
        return park(deps, delivery)
    hook = hook or deps.repos.hooks.get(delivery.tenant_id, delivery.hook_id)
    if hook is None or (not hook.enabled and not manual):
        reason = "the subscription was removed" if hook is None else "the subscription is disabled"
        return _finish(deps, delivery, "failed", note=reason)
    n = len(delivery.attempts) + 1

    def call() -> dict:
        now = deps.clock()
        headers = {"content-type": "application/json", "user-agent": "Tandem-Webhooks/1",
                   **sign(deps, hook, delivery, now)}
        result = deps.webhooks.post(delivery.target_url, delivery.body.encode("utf-8"), headers)
        return {"at": now, "status": result.status, "ms": int(result.ms), "error": _error(result)}

    # The outcome is kept with the once-record: a repeat after a lost write records attempt n as it went,
    # instead of calling the receiver again.
    sent = deps.once.remember(delivery.tenant_id, f"hook:{delivery.id}:{n}", call)
    if not sent:  # completed before outcomes were kept
        record = Attempt(n, deps.clock(), False, None, 0, "outcome not recorded", manual)
        return _after(deps, hook, delivery, record, manual)
    ok = sent["status"] is not None and 200 <= sent["status"] < 300
    record = Attempt(n, sent["at"], ok, sent["status"], sent["ms"], None if ok else sent["error"], manual)
    return _after(deps, hook, delivery, record, manual)


def sending(deps: Deps, tenant_id: str) -> bool:
    """Whether the tenant's webhooks go out: its integrations module is on."""
    tenant = deps.repos.tenants.get(tenant_id)
    return tenant is not None and module_on(tenant, INTEGRATIONS)


def parked(delivery: Delivery) -> bool:
    """Pending with no attempt scheduled: recorded while integrations were off (or a first attempt that never
    finished), waiting for resume_hooks."""
    return delivery.state == "pending" and delivery.next_attempt_at is None


def park(deps: Deps, delivery: Delivery) -> Delivery:
    """Keep the delivery pending without a next attempt: nothing is sent until the module is on again."""
    if delivery.next_attempt_at is None:
        return delivery
    delivery = replace(delivery, next_attempt_at=None)
    deps.repos.deliveries.save(delivery)
    return delivery


def _error(result: object) -> str | None:
    error = getattr(result, "error", None)
    status = getattr(result, "status", None)
    if error:
        return str(error)
    return None if status is not None and 200 <= status < 300 else f"HTTP {status}"


def _after(deps: Deps, hook: Hook, delivery: Delivery, record: Attempt, manual: bool) -> Delivery:
    delivery = replace(delivery, attempts=[*delivery.attempts, record])
    if record.ok:
        if delivery.next_attempt_at is not None:  # a retry is scheduled: a manual redelivery got there first
            deps.repos.timers.cancel(delivery.tenant_id, timer_key(delivery.id))
        return _finish(deps, delivery, "succeeded")
    if record.response_code == GONE:
        if hook.id != RULES_CHANNEL:
            _remove(deps, hook)
        return _finish(deps, delivery, "failed")
    if manual:  # a redelivery asked for by a person is one attempt; a running retry sequence carries on
        deps.repos.deliveries.save(delivery)
        return delivery
    failures = sum(1 for a in delivery.attempts if not a.manual)
    wait = next_attempt_after(failures)
    if wait is None or failures >= MAX_ATTEMPTS:
        delivery = _finish(deps, delivery, "failed")
        give_up(deps, hook, delivery)
        return delivery
    due = iso(parse_iso(record.at) + wait)
    delivery = replace(delivery, next_attempt_at=due)
    deps.repos.deliveries.save(delivery)  # before the timer: a timer never finds an older record than it expects
    deps.repos.timers.schedule(Timer(delivery.tenant_id, timer_key(delivery.id), due, TIMER_KIND,
                                     {"delivery_id": delivery.id}))
    return delivery


def _finish(deps: Deps, delivery: Delivery, state: str, note: str | None = None) -> Delivery:
    attempts = delivery.attempts
    if note is not None:
        attempts = [*attempts, Attempt(len(attempts) + 1, deps.clock(), False, None, 0, f"not sent: {note}")]
    delivery = replace(delivery, state=state, next_attempt_at=None, attempts=attempts)
    deps.repos.deliveries.save(delivery)
    return delivery


def _remove(deps: Deps, hook: Hook) -> None:
    """A 410 Gone: the receiver says the subscription is over (Zapier does this when a zap is turned off)."""
    from tandem.domain.errors import Conflict

    current = deps.repos.hooks.get(hook.tenant_id, hook.id)
    if current is not None:
        try:
            deps.repos.hooks.delete(current)
        except Conflict:  # changed meanwhile (a rotation): the next delivery's 410 removes it
            pass


def give_up(deps: Deps, hook: Hook, delivery: Delivery) -> None:
    """The last retry failed: disable the hook and tell the tenant's admins, once (the rules channel stays on)."""
    if hook.id == RULES_CHANNEL:
        return
    current = deps.repos.hooks.get(hook.tenant_id, hook.id)
    if current is None:
        return
    if current.enabled:
        reason = f"deliveries failed for a day (last: {delivery.attempts[-1].error or 'no answer'})"
        current = deps.repos.hooks.save(replace(current, enabled=False, disabled_reason=reason,
                                                disabled_by=delivery.id))
    if current.disabled_by != delivery.id:
        return  # another delivery disabled it first and sent the mail
    _notify_admins(deps, current, delivery)


def _notify_admins(deps: Deps, hook: Hook, delivery: Delivery) -> None:
    tenant = deps.repos.tenants.get(hook.tenant_id)
    if tenant is None:
        return
    host = urlsplit(hook.target_url).hostname or hook.target_url
    text = (
        f"The webhook subscription {hook.id} ({hook.event} → {hook.target_url}) was disabled: every delivery "
        f"attempt of {delivery.id} over the last day failed ({delivery.attempts[-1].error or 'no answer'}).\n\n"
        "Check the receiver, then create the subscription again. Its delivery log is in the workspace under Hooks."
    )
    mail = {"subject": f"Webhook to {host} disabled", "text": text,
            "headers": {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}}
    admins = deps.repos.users.list(tenant.id, staff=True, limit=200).items
    for admin in (u for u in admins if u.role is Role.ADMIN and u.active and not u.email_failing):
        out = OutboundMail(to=[admin.email], **mail)
        key = f"hook-disabled:{delivery.id}:{admin.id}"
        deps.once.run(tenant.id, key, lambda out=out: deps.mailer.send(tenant, out))


def fire_retry(deps: Deps, timer: Timer) -> int:
    """The timers Lambda's part: the next attempt of a delivery still pending; 1 when an attempt was made."""
    delivery = deps.repos.deliveries.get(timer.tenant_id, str(timer.payload.get("delivery_id", "")))
    if delivery is None or delivery.state != "pending":
        return 0
    attempt(deps, delivery)
    return 1
