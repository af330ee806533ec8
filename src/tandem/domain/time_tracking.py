"""Timers and timesheets (issue 13): pure rules of their states, elapsed time and the draft a stop prefills."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from tandem.domain.clock import parse_iso
from tandem.domain.errors import Conflict, ValidationError

# A timer left running this long is stopped by the timers Lambda unless the tenant set another limit.
DEFAULT_TIMER_LIMIT_HOURS = 10


class TimerState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


class SheetState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass
class WorkTimer:
    """A person's stopwatch on one item. `accrued_seconds` holds the finished run segments; the running one
    started at `resumed_at`."""

    tenant_id: str
    id: str
    user_id: str
    item_ref: str
    state: TimerState
    started_at: str
    resumed_at: str | None = None
    accrued_seconds: int = 0
    stopped_at: str | None = None
    stopped_by_limit: bool = False
    version: int = 0

    def elapsed(self, now: str) -> int:
        """Seconds on the clock at `now`: the finished segments plus the running one."""
        if self.state is TimerState.RUNNING and self.resumed_at:
            return self.accrued_seconds + max(0, int((parse_iso(now) - parse_iso(self.resumed_at)).total_seconds()))
        return self.accrued_seconds


def pause(timer: WorkTimer, now: str) -> WorkTimer:
    if timer.state is not TimerState.RUNNING:
        raise Conflict("only a running timer can be paused")
    return replace(timer, state=TimerState.PAUSED, accrued_seconds=timer.elapsed(now), resumed_at=None)


def resume(timer: WorkTimer, now: str) -> WorkTimer:
    if timer.state is not TimerState.PAUSED:
        raise Conflict("only a paused timer can be resumed")
    return replace(timer, state=TimerState.RUNNING, resumed_at=now)


def stop(timer: WorkTimer, now: str, *, by_limit: bool = False) -> WorkTimer:
    if timer.state is TimerState.STOPPED:
        raise Conflict("the timer is already stopped")
    return replace(timer, state=TimerState.STOPPED, accrued_seconds=timer.elapsed(now), resumed_at=None,
                   stopped_at=now, stopped_by_limit=by_limit)


def minutes_of(seconds: int) -> int:
    """Whole minutes, rounded up: a started minute counts (and a stopped timer drafts at least one)."""
    return max(1, -(-seconds // 60))


@dataclass
class Timesheet:
    tenant_id: str
    id: str
    item_ref: str
    user_id: str
    date: str
    minutes: int
    billable: bool = True
    note: str = ""
    percent_complete: int | None = None
    status: str | None = None
    state: SheetState = SheetState.DRAFT
    # Copied when the sheet is created: the item's project, that project's portfolio and the item's organisation
    # (listing keys and report dimensions; a later move of the item leaves the sheet where its time was spent).
    project_id: str | None = None
    reason: str = ""  # why it was rejected
    decided_by: str | None = None
    created_at: str = ""
    updated_at: str = ""
    version: int = 0
    portfolio_id: str | None = None
    organization_id: str | None = None


EDITABLE = ("date", "minutes", "billable", "note", "percent_complete", "status")


def check_sheet(sheet: Timesheet) -> Timesheet:
    """Field limits shared by create and update (the HTTP models check types; this checks meaning)."""
    try:
        date.fromisoformat(sheet.date)
    except ValueError as exc:
        raise ValidationError("date must be a calendar date YYYY-MM-DD", {"field": "date"}) from exc
    if not 1 <= sheet.minutes <= 24 * 60:
        raise ValidationError("minutes must be 1 to 1440", {"field": "minutes"})
    if sheet.percent_complete is not None and not 0 <= sheet.percent_complete <= 100:
        raise ValidationError("percent_complete must be 0 to 100", {"field": "percent_complete"})
    return sheet


def check_editable(sheet: Timesheet) -> None:
    """Approved timesheets are locked; submitted ones wait for a decision."""
    if sheet.state is SheetState.APPROVED:
        raise Conflict("an approved timesheet is locked")


def transition(sheet: Timesheet, to: SheetState) -> SheetState:
    allowed = {
        SheetState.SUBMITTED: (SheetState.DRAFT, SheetState.REJECTED),
        SheetState.APPROVED: (SheetState.SUBMITTED,),
        SheetState.REJECTED: (SheetState.SUBMITTED,),
    }
    if sheet.state not in allowed[to]:
        raise Conflict(f"a {sheet.state.value} timesheet cannot become {to.value}")
    return to
