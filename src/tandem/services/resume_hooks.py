"""Webhooks after the integrations module is switched on again (issue 15): every parked delivery goes out.

While the module was off, deliveries were recorded and parked (deliver_hooks.py). Switching it on schedules one
timer (`kind` "hooks_resume"); the timers Lambda then walks each subscription's delivery log (the rules channel's
too) and gives every parked delivery a retry timer due now, so the usual retry machinery sends them, each attempt
once. The walk reads a bounded number of pages per tick and leaves a timer to go on from where it stopped.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tandem.domain.clock import iso, parse_iso
from tandem.domain.hooks import Delivery
from tandem.services.deliver_hooks import TIMER_KIND, parked, sending, timer_key
from tandem.services.deps import Deps
from tandem.services.ports import Position, Timer

RESUME_KIND = "hooks_resume"
RESUME_KEY = "hooks-resume"
PAGE = 100  # deliveries read per Query
PAGES_PER_TICK = 20  # then the walk goes on at the next tick


def schedule_resume(deps: Deps, tenant_id: str) -> None:
    """Called when the tenant switches integrations on: the parked deliveries go out from the next tick on."""
    deps.repos.timers.schedule(Timer(tenant_id, RESUME_KEY, deps.clock(), RESUME_KIND, {}))


def resume_parked(deps: Deps, timer: Timer) -> int:
    """The timers Lambda's part: schedule the parked deliveries of the tenant, from where the last tick stopped
    (`hook`, `after` in the payload). Returns how many were scheduled. Nothing while the module is off again."""
    if not sending(deps, timer.tenant_id):
        return 0
    hooks = sorted(h.id for h in deps.repos.hooks.list(timer.tenant_id, limit=200).items)
    start = str(timer.payload.get("hook") or "")
    after: Position = timer.payload.get("after") or None
    scheduled, pages = 0, 0
    for hook_id in (h for h in hooks if h >= start):
        while True:
            if pages == PAGES_PER_TICK:
                _go_on(deps, timer, hook_id, after)
                return scheduled
            page = deps.repos.deliveries.list_for_hook(timer.tenant_id, hook_id, limit=PAGE, after=after)
            pages += 1
            for delivery in page.items:
                if parked(delivery):
                    _send_now(deps, delivery)
                    scheduled += 1
            after = page.after
            if not after:
                break
    return scheduled


def _send_now(deps: Deps, delivery: Delivery) -> None:
    now = deps.clock()
    deps.repos.deliveries.save(replace(delivery, next_attempt_at=now))  # before the timer, as deliver_hooks does
    deps.repos.timers.schedule(Timer(delivery.tenant_id, timer_key(delivery.id), now, TIMER_KIND,
                                     {"delivery_id": delivery.id}))


def _go_on(deps: Deps, timer: Timer, hook_id: str, after: Position) -> None:
    """The same timer key, due a second later: the tick that fired this one removes nothing it did not fire."""
    due = iso(parse_iso(max(deps.clock(), timer.due_at)) + timedelta(seconds=1))
    deps.repos.timers.schedule(Timer(timer.tenant_id, RESUME_KEY, due, RESUME_KIND, {"hook": hook_id, "after": after}))
