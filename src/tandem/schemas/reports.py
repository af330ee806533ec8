"""Time reports, time spent on an item and itemised statements (issue 13)."""

from __future__ import annotations

from typing import Literal

from msgspec import Struct, field

from tandem.domain.limits import Id
from tandem.schemas.time import Day, SheetStateName

GroupBy = Literal["portfolio", "project", "organization", "user", "billable", "day", "week", "month"]


class ReportQuery(Struct, kw_only=True):
    """`from`/`to` inclusive (none: all time); `state` narrows to one state (default: all but rejected)."""

    group_by: GroupBy = "project"
    date_from: Day | None = field(default=None, name="from")
    date_to: Day | None = field(default=None, name="to")
    project_id: Id | None = None
    portfolio_id: Id | None = None
    organization_id: Id | None = None
    user_id: Id | None = None
    billable: bool | None = None
    state: SheetStateName | None = None
    format: Literal["json", "csv", "xlsx"] = "json"


class TimeTotals(Struct, kw_only=True):
    minutes: int
    billable_minutes: int
    count: int


class ReportRow(Struct, kw_only=True):
    """`group`: the id (null: none), `true`/`false`, the day, the week's Monday or the month (YYYY-MM)."""

    group: str | None
    name: str
    minutes: int
    billable_minutes: int
    count: int


class ReportOut(Struct, kw_only=True):
    group_by: GroupBy
    date_from: str | None = field(name="from")
    date_to: str | None = field(name="to")
    rows: list[ReportRow]
    total: TimeTotals


class StatementQuery(Struct, kw_only=True):
    organization_id: Id
    date_from: Day = field(name="from")
    date_to: Day = field(name="to")
    state: SheetStateName | None = None
    format: Literal["json", "html", "csv", "xlsx"] = "json"


class StatementOrganization(Struct, kw_only=True):
    id: str
    name: str


class StatementUser(Struct, kw_only=True):
    id: str
    name: str


class StatementLine(Struct, kw_only=True):
    date: str
    item_ref: str
    item_title: str
    user: StatementUser
    minutes: int
    billable: bool
    note: str


class StatementOut(Struct, kw_only=True):
    organization: StatementOrganization
    date_from: str = field(name="from")
    date_to: str = field(name="to")
    lines: list[StatementLine]
    total_minutes: int
    billable_minutes: int
