"""Timers and timesheets (issue 13)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

from tandem.domain.limits import ID, Id
from tandem.schemas.common import Cursor, Limit

Day = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$", max_length=10)]
Ref = Annotated[str, Meta(min_length=1, max_length=ID)]
Minutes = Annotated[int, Meta(ge=1, le=1440)]
Percent = Annotated[int, Meta(ge=0, le=100)]
Note = Annotated[str, Meta(max_length=2000)]
Reason = Annotated[str, Meta(min_length=1, max_length=1000)]  # services/approvals.py REASON
StatusKey = Annotated[str, Meta(min_length=1, max_length=ID)]
SheetStateName = Literal["draft", "submitted", "approved", "rejected"]


class TimerStart(Struct, kw_only=True, forbid_unknown_fields=True):
    item_ref: Ref


class TimerOut(Struct, kw_only=True):
    id: str
    item_ref: str
    state: Literal["running", "paused", "stopped"]
    started_at: str
    elapsed_seconds: int


class CurrentTimerOut(Struct, kw_only=True):
    """The running timer, else the paused one started last; `timer` is null when the caller has none."""

    timer: TimerOut | None


class DraftOut(Struct, kw_only=True):
    item_ref: str
    date: str
    minutes: int
    billable: bool
    note: str
    percent_complete: int | None
    status: str | None


class TimerStopped(Struct, kw_only=True):
    timer: TimerOut
    draft: DraftOut


class SheetCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    item_ref: Ref
    date: Day
    minutes: Minutes
    billable: bool = True
    note: Note = ""
    percent_complete: Percent | None = None
    status: StatusKey | None = None


class SheetPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    date: Day | UnsetType = UNSET
    minutes: Minutes | UnsetType = UNSET
    billable: bool | UnsetType = UNSET
    note: Note | UnsetType = UNSET
    percent_complete: Percent | None | UnsetType = UNSET
    status: StatusKey | None | UnsetType = UNSET


class SheetReject(Struct, kw_only=True, forbid_unknown_fields=True):
    reason: Reason


class SheetOut(Struct, kw_only=True):
    id: str
    item_ref: str
    user_id: str
    project_id: str | None
    portfolio_id: str | None
    organization_id: str | None
    date: str
    minutes: int
    billable: bool
    note: str
    percent_complete: int | None
    status: str | None
    state: SheetStateName
    reason: str
    decided_by: str | None
    created_at: str
    updated_at: str


class SheetQuery(Struct, kw_only=True):
    """Filters: the first of user / project / organisation given (or the tenant) with the date range is the Query;
    the other ids, billable and state filter its page, so a page may be short: follow `next_cursor`.
    `approvable=true` lists the submitted timesheets the caller may decide (admins: the tenant's; a manager: those
    of the projects they manage)."""

    limit: Limit = 50
    cursor: Cursor | None = None
    user_id: Id | None = None
    project_id: Id | None = None
    portfolio_id: Id | None = None
    organization_id: Id | None = None
    billable: bool | None = None
    state: SheetStateName | None = None
    approvable: bool = False
    # `from` and `to` are Python keywords: the Struct names differ, the query names do not.
    date_from: Day | None = field(default=None, name="from")
    date_to: Day | None = field(default=None, name="to")
