"""Time reports (issue 13): the stream part that keeps the time aggregates, the report grouped by one dimension and
an item's time spent.

Reports read cells (domain/time_cells.py, domain/time_report.py): a month's report is one Query (more for a range
cutting months, one per month partly covered) whatever the number of timesheets; naming the groups reads the
tenant's projects, portfolios or organisations (or the people of the rows). Reports filtered so that no cells can
answer (see `time_report.plan`) are summed from the timesheets, at most SHEETS_CAP of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

from tandem.domain import time_report as tr
from tandem.domain.errors import Forbidden, TooLarge
from tandem.domain.events import Event, TimesheetChanged
from tandem.domain.permissions import Action, Area, Principal, reads_everyones_time
from tandem.domain.tenants import TIME_TRACKING
from tandem.domain.time_cells import deltas, field_names, item_key
from tandem.domain.time_report import COUNTED, ReportQuery, Row
from tandem.domain.time_tracking import Timesheet
from tandem.services.access import load_item, require_area
from tandem.services.deps import Deps
from tandem.services.modules import module_tenant
from tandem.services.ports import SheetQuery

SHEETS_CAP = 20_000  # a report the aggregates cannot answer sums at most this many timesheets (else 413)
NO_NAME = {"project": "(no project)", "portfolio": "(no portfolio)", "organization": "(no organisation)",
           "user": "(unknown person)"}


@dataclass
class NamedRow:
    group: str | None
    name: str
    minutes: int
    billable_minutes: int
    count: int


@dataclass
class Report:
    query: ReportQuery
    rows: list[NamedRow]
    total: Row


@dataclass
class TimeSpent:
    minutes: int
    billable_minutes: int
    count: int


def count_time(deps: Deps, event: Event) -> bool:
    """Stream part: what a timesheet's change means to the time aggregates, added exactly once per stream event
    (a redelivered event finds its marker and adds nothing). True when cells changed."""
    if not isinstance(event, TimesheetChanged):
        return False
    sheet = event.new or event.old
    change = deltas(event.old, event.new)
    if sheet is None or not change:
        return False
    return deps.repos.time_cells.apply(sheet.tenant_id, event.event_id, change)


def readable(deps: Deps, p: Principal, q: ReportQuery) -> ReportQuery:
    """The report `p` may read: staff only (403 otherwise); people who read only their own time get it narrowed
    to themselves (asking for another person's is 403). The decision is domain/permissions.py's."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMESHEETS, Action.READ)
    if reads_everyones_time(p):
        return q
    if q.project_id is not None:
        project = deps.repos.projects.get(p.tenant_id, q.project_id)
        if project is not None and reads_everyones_time(p, project):
            return q
    if q.user_id not in (None, p.user_id):
        raise Forbidden("you may report on your own time only")
    return replace(q, user_id=p.user_id)


def time_report(deps: Deps, p: Principal, q: ReportQuery) -> Report:
    """GET /v1/reports/time: one row per group (named, in name or date order) and the total."""
    q = readable(deps, p, tr.check_query(q))
    reads = tr.plan(q)
    if reads is None:
        facts = [tr.fact_of_sheet(s) for s in _sheets(deps, p.tenant_id, q)]
    else:
        facts = [tr.fact_of_cell(read, sort, fields) for read in reads
                 for sort, fields in deps.repos.time_cells.cells(p.tenant_id, read)]
    found = tr.rows(q, facts)
    return Report(q, _named(deps, p.tenant_id, q.group_by, found), tr.total(found))


def _sheets(deps: Deps, tenant_id: str, q: ReportQuery) -> Iterator[Timesheet]:
    """The timesheets of the report's most selective listing key (the rows filter the rest), at most SHEETS_CAP."""
    query = SheetQuery(tenant_id, project_id=q.project_id, organization_id=q.organization_id,
                       portfolio_id=q.portfolio_id, date_from=q.date_from, date_to=q.date_to, limit=200)
    seen = 0
    while True:
        page = deps.repos.time.sheets(query)
        seen += len(page.items)
        if seen > SHEETS_CAP:
            raise TooLarge("too many timesheets for this combination of filters: narrow the period or drop a filter",
                           {"max_timesheets": SHEETS_CAP})
        yield from page.items
        if not page.after:
            return
        query = replace(query, after=page.after)


def _named(deps: Deps, tenant_id: str, group_by: str, found: list[Row]) -> list[NamedRow]:
    names = _names(deps, tenant_id, group_by, [r.group for r in found if r.group is not None])
    named = [NamedRow(r.group, names.get(r.group, NO_NAME.get(group_by, "")) if r.group is not None
                      else NO_NAME[group_by], r.minutes, r.billable_minutes, r.count) for r in found]
    if group_by in NO_NAME:  # people and things by name, the ones without at the end
        named.sort(key=lambda r: (r.group is None, r.name.casefold(), r.group or ""))
    return named


def _names(deps: Deps, tenant_id: str, group_by: str, groups: list[str]) -> dict[str, str]:
    """Display names of the groups: one listing of the tenant's projects / portfolios / organisations, or the
    people of the rows (100 per read); dates and the billable flag name themselves."""
    if group_by == "user":
        users = [u for start in range(0, len(groups), 100)
                 for u in deps.repos.users.get_many(tenant_id, groups[start:start + 100])]
        return {u.id: u.name or u.email for u in users}
    repo = {"project": deps.repos.projects, "portfolio": deps.repos.portfolios,
            "organization": deps.repos.organizations}.get(group_by)
    if repo is not None:
        return {e.id: e.name for e in _every(repo, tenant_id)} if groups else {}
    return {g: _label(group_by, g) for g in groups}


def _every(repo: object, tenant_id: str) -> Iterator[object]:
    after = None
    while True:
        page = repo.list(tenant_id, limit=200, after=after)  # type: ignore[attr-defined]
        yield from page.items
        after = page.after
        if not after:
            return


def _label(group_by: str, group: str) -> str:
    if group_by == "billable":
        return "Billable" if group == "true" else "Not billable"
    if group_by == "week":
        year, week, _ = date.fromisoformat(group).isocalendar()
        return f"{year}-W{week:02d}"
    if group_by == "month":
        return date.fromisoformat(f"{group}-01").strftime("%B %Y")
    return group


def item_time(deps: Deps, p: Principal, ref: str) -> TimeSpent:
    """GET /v1/items/{ref}/time: every non-rejected timesheet on the item, from its aggregate (one read per
    reference it has had). Whoever may not see the item gets 404; customers and keys who see it 403."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    _, item = load_item(deps, p, ref)
    require_area(p, Area.TIMESHEETS, Action.READ)
    spent = TimeSpent(0, 0, 0)
    for each in dict.fromkeys([item.ref, *item.former_refs]):
        fields = deps.repos.time_cells.cell(p.tenant_id, item_key(each)) or {}
        for state in COUNTED:
            for billable in (True, False):
                minutes, count = field_names(state, billable)
                spent.minutes += fields.get(minutes, 0)
                spent.billable_minutes += fields.get(minutes, 0) if billable else 0
                spent.count += fields.get(count, 0)
    return spent
