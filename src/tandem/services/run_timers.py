"""The timers Lambda's work: fire every due timer once (SLA warnings and breaches, idle and due-date rules).

Timers are found through time buckets (never a scan). Each firing is one side effect under `deps.once`
(keyed by the timer and its due time), and the timer is removed only after it fired: two overlapping ticks
fire it once, and a tick that failed or timed out mid-way leaves it for the next tick instead of losing it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from tandem.domain.clock import iso, parse_iso
from tandem.services.ports import SideEffectInProgress, Timer

if TYPE_CHECKING:  # the rules machinery is imported when a timer fires, not on every (mostly idle) tick
    from tandem.domain.events import Event
    from tandem.domain.items import Item
    from tandem.domain.rules import Trigger
    from tandem.services.apply_rules import RuleLoader
    from tandem.services.deps import Deps

# A tick looks this far back (one Query per hour bucket), so timers survive a scheduler outage of an hour.
LOOKBACK = timedelta(hours=1)
CLOSED_CATEGORIES = ("done", "closed")


def run_timers(deps: Deps, load: RuleLoader, secret: str, now: str | None = None) -> dict[str, int]:
    """Fire what is due now; returns counts per kind."""
    now = now or deps.clock()
    since = iso(parse_iso(now) - LOOKBACK)
    fired: dict[str, int] = {}
    failure: Exception | None = None
    for timer in deps.repos.timers.due(now, since=since, limit=500):
        try:
            fired[timer.kind] = fired.get(timer.kind, 0) + _fire_once(deps, timer, load, secret, now)
        except SideEffectInProgress:
            continue  # another tick is firing it right now
        except Exception as exc:  # the timer stays for the next tick; the others still fire
            failure = failure or exc
    if failure is not None:
        raise failure
    return fired


def _fire_once(deps: Deps, timer: Timer, load: RuleLoader, secret: str, now: str) -> int:
    """Fire the timer unless an earlier tick did, then remove it (unless it was moved meanwhile)."""
    result = [0]

    def fire() -> None:
        result[0] = _fire(deps, timer, load, secret, now)

    deps.once.run(timer.tenant_id, f"timer:{timer.key}@{timer.due_at}", fire)
    deps.repos.timers.take(timer)
    return result[0]


def _fire(deps: Deps, timer: Timer, load: RuleLoader, secret: str, now: str) -> int:
    # Each kind's module is imported when a timer of that kind is due, not on every tick (the timers Lambda's cold
    # start); tests/unit/test_run_timers_kinds.py holds these names to the modules' own.
    if timer.kind == "webhook":
        from tandem.services.deliver_hooks import fire_retry

        return fire_retry(deps, timer)
    if timer.kind == "hooks_resume":
        from tandem.services.resume_hooks import resume_parked

        return resume_parked(deps, timer)
    if timer.kind == "work_timer_limit":
        from tandem.services.track_time import stop_forgotten

        return stop_forgotten(deps, timer)
    if timer.kind == "chat_unanswered":
        from tandem.services.chat import mark_missed

        return mark_missed(deps, timer, secret)
    from tandem.domain.rules import Situation, Trigger
    from tandem.services.apply_rules import requester_email, run_situation

    item = deps.repos.items.get(timer.tenant_id, timer.payload.get("ref", ""))
    if item is None:
        return 0
    if timer.kind == "sla":
        return _fire_sla(deps, item, timer, load, secret)
    if timer.kind in ("idle", "due_soon"):
        trigger = Trigger.IDLE if timer.kind == "idle" else Trigger.DUE_SOON
        if not _still_applies(item, timer, now):
            return 0
        s = Situation(trigger, item, requester_email=requester_email(deps, item))
        return run_situation(
            deps, s, _only_hours(load, trigger, timer.payload.get("hours")), f"{timer.key}@{timer.due_at}", secret
        )
    return 0


def _fire_sla(deps: Deps, item: Item, timer: Timer, load: RuleLoader, secret: str) -> int:
    """Mark the warning or breach on the clock, then run the SLA rules, once."""
    from tandem.domain.rules import Situation, Trigger
    from tandem.services.apply_rules import requester_email, run_situation
    from tandem.services.sla_clocks import mark_fired  # kept off the cold path: only a due SLA timer needs it

    marked = mark_fired(deps, item, timer)
    if marked is None:
        return 0
    trigger = Trigger.SLA_WARNING if timer.payload.get("stage") == "warning" else Trigger.SLA_BREACH
    s = Situation(trigger, marked, requester_email=requester_email(deps, marked))
    run_situation(deps, s, load, f"{timer.key}@{timer.due_at}", secret)
    return 1


def _only_hours(load: RuleLoader, trigger: Trigger, hours: float | None) -> RuleLoader:
    """Each timer stands for one threshold: only the rules of that trigger and threshold fire on it."""

    def filtered(tenant_id: str) -> list:
        return [r for r in load(tenant_id) if r.trigger is trigger and r.options.get("hours") == hours]

    return filtered


def _still_applies(item: Item, timer: Timer, now: str) -> bool:
    if item.status_category.value in CLOSED_CATEGORIES:
        return False
    if timer.kind == "idle":
        return item.updated_at == timer.payload.get("updated_at")  # any change since restarts the idle clock
    return item.due_date == timer.payload.get("due_date")


def schedule_time_rules(deps: Deps, event: Event, load: RuleLoader) -> int:
    """After a change, (re)schedule the idle and due-soon checks the tenant's rules ask for."""
    from tandem.domain.events import ItemChanged, ItemCreated
    from tandem.domain.rules import Trigger
    if not isinstance(event, ItemCreated | ItemChanged):
        return 0
    item = event.item if isinstance(event, ItemCreated) else event.new
    if item.status_category.value in CLOSED_CATEGORIES:
        return 0
    scheduled = 0
    for rule in load(item.tenant_id):
        hours = rule.options.get("hours")
        if not rule.enabled or not isinstance(hours, int | float):
            continue
        if rule.trigger is Trigger.IDLE:
            at = parse_iso(item.updated_at) + timedelta(hours=hours)
            payload = {"ref": item.ref, "hours": hours, "updated_at": item.updated_at}
        elif rule.trigger is Trigger.DUE_SOON and item.due_date:
            due = datetime.combine(
                date.fromisoformat(item.due_date), datetime.min.time(), tzinfo=parse_iso(item.updated_at).tzinfo
            )
            at, payload = due - timedelta(hours=hours), {"ref": item.ref, "hours": hours, "due_date": item.due_date}
        else:
            continue
        key = f"{rule.trigger.value}:{item.id}:{hours}"
        deps.repos.timers.schedule(Timer(item.tenant_id, key, iso(at), rule.trigger.value, payload))
        scheduled += 1
    return scheduled
