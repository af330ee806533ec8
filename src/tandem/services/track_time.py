"""Timers (issue 13): one running per person; stopping one gives a prefilled timesheet draft.

Starting or resuming writes the running timer and pauses the person's running one in one write conditional on
their run guard (`run_timer`): of two concurrent starts one wins, the other reads again and pauses the winner's,
so exactly one runs. A start with an `Idempotency-Key` gets an id derived from the key: a retry racing the first
attempt finds that timer instead of starting a second one.

Each running segment schedules a limit check in the timers Lambda (`LIMIT_KIND`, keyed by the timer); pausing or
stopping cancels it, and a check that finds the timer no longer in the segment it was scheduled for does nothing.
The Lambda fires each check once under `deps.once`, so a redelivered tick stops a forgotten timer once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from tandem.domain import time_tracking as tt
from tandem.domain.clock import iso, parse_iso
from tandem.domain.errors import Conflict, NotFound, ValidationError
from tandem.domain.notifications import NoteKind, Notification, note_id
from tandem.domain.permissions import Action, Area, Principal
from tandem.domain.tenants import TIME_TRACKING, module_on
from tandem.domain.time_tracking import TimerState, WorkTimer
from tandem.services.access import load_item, require_area
from tandem.services.deps import Deps
from tandem.services.modules import module_tenant
from tandem.services.ports import Timer
from tandem.services.timesheets import placed

LIMIT_KIND = "work_timer_limit"
RACES = 5  # attempts of a start or resume that lost the race to another one of the same person


@dataclass
class Draft:
    """What a stop prefills: the caller turns it into a timesheet (POST /v1/timesheets) or drops it."""

    item_ref: str
    date: str
    minutes: int
    billable: bool = True
    note: str = ""
    percent_complete: int | None = None
    status: str | None = None


def _limit_key(timer: WorkTimer) -> str:
    return f"worktimer:{timer.user_id}:{timer.id}"


def _schedule_limit(deps: Deps, timer: WorkTimer) -> None:
    tenant = deps.repos.tenants.get(timer.tenant_id)
    hours = tenant.timer_limit_hours if tenant else tt.DEFAULT_TIMER_LIMIT_HOURS
    # The limit is on the whole clock: what is left of it after the finished segments.
    left = timedelta(hours=hours) - timedelta(seconds=timer.accrued_seconds)
    due = iso(parse_iso(timer.resumed_at or timer.started_at) + max(left, timedelta(0)))
    payload = {"user_id": timer.user_id, "timer_id": timer.id, "resumed_at": timer.resumed_at}
    deps.repos.timers.schedule(Timer(timer.tenant_id, _limit_key(timer), due, LIMIT_KIND, payload))


def _run(deps: Deps, p: Principal, make: Callable[[list[WorkTimer], str], WorkTimer]) -> WorkTimer:
    """Write the timer `make` builds from the person's timers as their running one, pausing the one that runs; read
    again and retry when another start or resume won the race. A timer `make` returns unchanged is answered as is."""
    for _ in range(RACES):
        timers, guard = deps.repos.time.timers_and_guard(p.tenant_id, p.user_id)
        now = deps.clock()
        timer = make(timers, now)
        if timer in timers:
            return timer
        running = [tt.pause(t, now) for t in timers if t.state is TimerState.RUNNING and t.id != timer.id]
        try:
            saved = deps.repos.time.run_timer(timer, running, guard)
        except Conflict:
            continue
        for t in running:
            deps.repos.timers.cancel(p.tenant_id, _limit_key(t))
        _schedule_limit(deps, saved)
        return saved
    raise Conflict("your timers changed meanwhile, try again")


def keyed_id(p: Principal, idempotency_key: str) -> str:
    """The id of the timer a start with this Idempotency-Key makes: the same for every retry of it."""
    digest = hashlib.sha256(f"{p.tenant_id}\n{p.user_id}\n{idempotency_key}".encode()).hexdigest()
    return f"k{digest[:25]}"


def start_timer(deps: Deps, p: Principal, item_ref: str, *, idempotency_key: str | None = None) -> WorkTimer:
    """POST /v1/timers: a running timer on an item the caller sees; their running one (if any) is paused."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMERS, Action.CREATE)
    _, item = load_item(deps, p, item_ref, Action.READ)
    timer_id = keyed_id(p, idempotency_key) if idempotency_key else deps.new_id()

    def make(timers: list[WorkTimer], now: str) -> WorkTimer:
        earlier = next((t for t in timers if t.id == timer_id), None)
        if earlier is not None:  # a retry that raced the first attempt: that timer, whatever it does now
            if earlier.item_ref != item.ref:
                raise ValidationError("Idempotency-Key reused with a different request",
                                      {"code": "idempotency_mismatch"})
            return earlier
        return WorkTimer(p.tenant_id, timer_id, p.user_id, item.ref, TimerState.RUNNING, now, resumed_at=now)

    return _run(deps, p, make)


def list_timers(deps: Deps, p: Principal) -> list[WorkTimer]:
    """GET /v1/timers: the caller's unstopped timers, the running one first, then paused ones newest first (one
    small partition: a person has a handful), so an item's page can offer to resume the timer paused on it."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMERS, Action.READ)
    timers = [t for t in deps.repos.time.timers_of(p.tenant_id, p.user_id) if t.state is not TimerState.STOPPED]
    newest_first = sorted(timers, key=lambda t: t.started_at, reverse=True)
    return sorted(newest_first, key=lambda t: t.state is not TimerState.RUNNING)  # stable: keeps newest first


def current_timer(deps: Deps, p: Principal) -> WorkTimer | None:
    """GET /v1/timers/current: the running timer, else the paused one started last, else None."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMERS, Action.READ)
    timers = deps.repos.time.timers_of(p.tenant_id, p.user_id)
    running = [t for t in timers if t.state is TimerState.RUNNING]
    if running:
        return running[0]
    return max(timers, key=lambda t: t.started_at, default=None)


def _own(deps: Deps, p: Principal, timer_id: str) -> WorkTimer:
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMERS, Action.UPDATE)
    timer = deps.repos.time.get_timer(p.tenant_id, p.user_id, timer_id)
    if timer is None:
        raise NotFound("timer not found", {"id": timer_id})
    return timer


def pause_timer(deps: Deps, p: Principal, timer_id: str) -> WorkTimer:
    timer = _own(deps, p, timer_id)
    saved = deps.repos.time.save_timer(tt.pause(timer, deps.clock()))
    deps.repos.timers.cancel(p.tenant_id, _limit_key(timer))
    return saved


def resume_timer(deps: Deps, p: Principal, timer_id: str) -> WorkTimer:
    """Resuming pauses whatever else runs: still one running timer per person."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMERS, Action.UPDATE)

    def make(timers: list[WorkTimer], now: str) -> WorkTimer:
        timer = next((t for t in timers if t.id == timer_id), None)
        if timer is None:
            raise NotFound("timer not found", {"id": timer_id})
        return tt.resume(timer, now)  # checks the state before anything else changes

    return _run(deps, p, make)


def stop_timer(deps: Deps, p: Principal, timer_id: str) -> tuple[WorkTimer, Draft]:
    """POST /v1/timers/{id}/stop: the stopped timer and the draft it prefills."""
    timer = _own(deps, p, timer_id)
    stopped = tt.stop(timer, deps.clock())
    deps.repos.time.save_timer(stopped)
    deps.repos.timers.cancel(p.tenant_id, _limit_key(timer))
    return stopped, draft_of(stopped)


def draft_of(timer: WorkTimer) -> Draft:
    return Draft(timer.item_ref, (timer.stopped_at or timer.started_at)[:10], tt.minutes_of(timer.accrued_seconds))


def stop_forgotten(deps: Deps, timer: Timer) -> int:
    """The timers Lambda's part: stop a timer still in the running segment the check was scheduled for, at the
    limit, keep its time as a draft timesheet for the owner to review and tell them in the workspace. Returns 1
    when it stopped one.

    The draft's id comes from the timer, so a retry after a crash between the two writes adds it once.
    A tenant whose time tracking is off is skipped: the module's timers are left as they are (issue 15)."""
    tenant = deps.repos.tenants.get(timer.tenant_id)
    if tenant is None or not module_on(tenant, TIME_TRACKING):
        return 0
    payload = timer.payload
    found = deps.repos.time.get_timer(timer.tenant_id, payload.get("user_id", ""), payload.get("timer_id", ""))
    if found is None or found.state is not TimerState.RUNNING or found.resumed_at != payload.get("resumed_at"):
        return 0
    stopped = tt.stop(found, timer.due_at, by_limit=True)
    draft = draft_of(stopped)
    sheet = tt.Timesheet(stopped.tenant_id, f"limit-{stopped.id}", draft.item_ref, stopped.user_id, draft.date,
                         draft.minutes, note="stopped by the running-time limit", created_at=deps.clock(),
                         updated_at=deps.clock())
    item = deps.repos.items.get(stopped.tenant_id, stopped.item_ref)
    if item is not None:
        sheet = placed(deps, sheet, item)
    try:
        deps.repos.time.add_sheet(sheet)
    except Conflict:
        pass  # an earlier attempt added it before it could stop the timer
    # The owner is told in the workspace; the note's id comes from the timer, so a retry adds it once.
    deps.repos.notifications.add(Notification(
        stopped.tenant_id, stopped.user_id, note_id(timer.due_at, f"worktimer:{stopped.id}", stopped.user_id),
        NoteKind.TIMER_STOPPED, stopped.item_ref, item.title if item else "", None, "Timer limit", deps.clock(),
    ))
    deps.repos.time.save_timer(stopped)
    return 1
