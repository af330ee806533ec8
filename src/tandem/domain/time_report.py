"""Time reports (issue 13): which aggregate cells answer a report, and the rows they add up to.

`plan()` picks, for the report's filters and grouping, a few sort-key ranges of cell partitions (see
domain/time_cells.py); `rows()` turns what those reads return into one row per group. When no cells can answer
(two of project / portfolio / organisation filtered, no person, grouped by a third entity), `plan()` answers
None and the report is summed from the timesheet listing instead (`facts_of_sheet`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from tandem.domain.errors import ValidationError
from tandem.domain.time_cells import ENTITIES, NONE, dims_of, field_names, measure, part
from tandem.domain.time_tracking import SheetState, Timesheet

GROUPS = ("portfolio", "project", "organization", "user", "billable", "day", "week", "month")
# Which states a report counts unless `state=` names one: all but the rejected.
COUNTED = (SheetState.DRAFT, SheetState.SUBMITTED, SheetState.APPROVED)


@dataclass(frozen=True)
class ReportQuery:
    group_by: str = "project"
    date_from: str | None = None
    date_to: str | None = None
    user_id: str | None = None
    project_id: str | None = None
    portfolio_id: str | None = None
    organization_id: str | None = None
    billable: bool | None = None
    states: tuple[SheetState, ...] = COUNTED

    def filters(self) -> dict[str, str]:
        """The entity filters given, by entity code (U, P, F, O)."""
        given = {"U": self.user_id, "P": self.project_id, "F": self.portfolio_id, "O": self.organization_id}
        return {code: value for code, value in given.items() if value is not None}


@dataclass(frozen=True)
class CellRead:
    """One Query: a partition, an inclusive sort-key range (None: open) and maybe one dimension value to keep.
    `fixed` are the entity values the partition's scope stands for; `dim` what the sort key's value is."""

    part: str
    lo: str | None
    hi: str | None
    dim: str
    fixed: dict[str, str] = field(default_factory=dict)
    value: str | None = None


@dataclass
class Fact:
    """Minutes and counts at one day or month for some entity values (those a cell or a sheet knows)."""

    when: str
    dims: dict[str, str]
    fields: dict[str, int]


@dataclass
class Row:
    group: str | None
    minutes: int = 0
    billable_minutes: int = 0
    count: int = 0


def check_query(q: ReportQuery) -> ReportQuery:
    if q.group_by not in GROUPS:
        raise ValidationError(f"group_by must be one of {', '.join(GROUPS)}", {"field": "group_by"})
    for name, value in (("from", q.date_from), ("to", q.date_to)):
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise ValidationError(f"{name} must be a calendar date YYYY-MM-DD", {"field": name}) from exc
    if q.date_from and q.date_to and q.date_from > q.date_to:
        raise ValidationError("from must not be after to", {"field": "from"})
    return q


def plan(q: ReportQuery) -> list[CellRead] | None:
    """The reads that answer `q`, or None when only the timesheets can (see the module's docstring)."""
    scope = _scope(q)
    if scope is None:
        return None
    name, fixed, dim, value = scope
    reads = []
    for grain, lo, hi in segments(q):
        reads.append(CellRead(part(grain, name, dim), lo, hi, dim, fixed, value))
    return reads


def _scope(q: ReportQuery) -> tuple[str, dict[str, str], str, str | None] | None:
    """(scope, the entity values it fixes, the dim to read, the dim value to keep) for `q`'s filters."""
    filters = q.filters()
    if "U" in filters:  # one person: their detail cells answer any grouping and filter
        return f"U:{filters['U']}", {"U": filters["U"]}, "X", None
    group = ENTITIES.get(q.group_by)
    others = sorted(code for code in filters if code != group)
    if group is not None:
        if len(others) > 1:
            return None
        code = others[0] if others else "*"
        fixed = {code: filters[code]} if others else {}
        return _name(code, fixed), fixed, group, filters.get(group)
    if not others:
        return "*", {}, "T", None
    if len(others) > 2:
        return None
    code, rest = others[0], others[1:]
    fixed = {code: filters[code]}
    return _name(code, fixed), fixed, rest[0] if rest else "T", filters[rest[0]] if rest else None


def _name(code: str, fixed: dict[str, str]) -> str:
    return "*" if code == "*" else f"{code}:{fixed[code]}"


def segments(q: ReportQuery) -> list[tuple[str, str | None, str | None]]:
    """(grain, lowest sort key, highest) per Query: whole months of the range from the month cells, the days of a
    partly covered first or last month from the day cells; day and week reports read day cells throughout."""
    f, t = q.date_from, q.date_to
    if q.group_by in ("day", "week"):
        return [("D", f, f"{t}~" if t else None)]
    lead = f is not None and not f.endswith("-01")
    trail = t is not None and t != _month_end(t)
    if f and t and f[:7] == t[:7] and (lead or trail):
        return [("D", f, f"{t}~")]
    found = []
    first = _next_month(f) if f and lead else (f[:7] if f else None)
    last = _previous_month(t) if t and trail else (t[:7] if t else None)
    if lead and f:
        found.append(("D", f, f"{_month_end(f)}~"))
    if first is None or last is None or first <= last:
        found.append(("M", first, f"{last}~" if last else None))
    if trail and t:
        found.append(("D", f"{t[:7]}-01", f"{t}~"))
    return found


def _month_end(day: str) -> str:
    y, m = int(day[:4]), int(day[5:7])
    return f"{day[:7]}-{calendar.monthrange(y, m)[1]:02d}"


def _next_month(day: str) -> str:
    y, m = int(day[:4]), int(day[5:7])
    return f"{y + m // 12}-{m % 12 + 1:02d}"


def _previous_month(day: str) -> str:
    y, m = int(day[:4]), int(day[5:7])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def fact_of_cell(read: CellRead, sort: str, fields: dict[str, int]) -> Fact:
    when, _, value = sort.partition("#")
    dims = dict(read.fixed)
    if read.dim == "X":
        dims.update(zip(("P", "F", "O"), value.split("#"), strict=False))
    elif read.dim != "T":
        dims[read.dim] = value
    return Fact(when, dims, fields)


def fact_of_sheet(sheet: Timesheet) -> Fact:
    return Fact(sheet.date, dims_of(sheet), measure(sheet))


def rows(q: ReportQuery, facts: list[Fact]) -> list[Row]:
    """One row per group with anything counted, in the group's order (entities: by id; the caller names and
    sorts them). Facts outside the filters or the date range are left out."""
    found: dict[str | None, Row] = {}
    filters = q.filters()
    for fact in facts:
        if any(fact.dims.get(code, value) != value for code, value in filters.items()):
            continue
        if (q.date_from and fact.when < q.date_from[: len(fact.when)]) or (
                q.date_to and fact.when > q.date_to[: len(fact.when)]):
            continue
        for billable in (True, False):
            if q.billable is not None and billable != q.billable:
                continue
            minutes = sum(fact.fields.get(field_names(s, billable)[0], 0) for s in q.states)
            count = sum(fact.fields.get(field_names(s, billable)[1], 0) for s in q.states)
            if not (minutes or count):
                continue
            row = found.setdefault(_group(q.group_by, fact, billable), Row(_group(q.group_by, fact, billable)))
            row.minutes += minutes
            row.billable_minutes += minutes if billable else 0
            row.count += count
    return [found[k] for k in sorted(found, key=lambda k: (k is None, k or ""))
            if found[k].minutes or found[k].count]


def _group(group_by: str, fact: Fact, billable: bool) -> str | None:
    code = ENTITIES.get(group_by)
    if code is not None:
        value = fact.dims.get(code, NONE)
        return None if value == NONE else value
    if group_by == "billable":
        return "true" if billable else "false"
    if group_by == "week":
        day = date.fromisoformat(fact.when)
        return (day - timedelta(days=day.weekday())).isoformat()
    if group_by == "month":
        return fact.when[:7]
    return fact.when


def total(found: list[Row]) -> Row:
    return Row(None, sum(r.minutes for r in found), sum(r.billable_minutes for r in found),
               sum(r.count for r in found))
