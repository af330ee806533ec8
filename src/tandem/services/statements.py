"""Itemised time statements (issue 13): a customer organisation's timesheets of a period, line by line, for an
invoice. Reads follow the statement's own lines: the organisation's timesheet listing over the period (oldest
first, 200 a page), then each line's item once and its people 100 at a time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tandem.domain.errors import NotFound, TooLarge, ValidationError
from tandem.domain.people import Organization
from tandem.domain.permissions import Action, Area, Principal, reads_everyones_time
from tandem.domain.tenants import TIME_TRACKING
from tandem.domain.time_report import COUNTED
from tandem.domain.time_tracking import SheetState, Timesheet
from tandem.services.access import require_area
from tandem.services.deps import Deps
from tandem.services.modules import module_tenant
from tandem.services.ports import SheetQuery

MAX_LINES = 5_000  # one statement; a longer period is asked for in parts (413)


@dataclass
class Line:
    date: str
    item_ref: str
    item_title: str
    user_id: str
    user_name: str
    minutes: int
    billable: bool
    note: str


@dataclass
class Statement:
    organization: Organization
    date_from: str
    date_to: str
    lines: list[Line] = field(default_factory=list)

    @property
    def total_minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def billable_minutes(self) -> int:
        return sum(line.minutes for line in self.lines if line.billable)


def statement(deps: Deps, p: Principal, organization_id: str, date_from: str, date_to: str,
              states: tuple[SheetState, ...] = COUNTED) -> Statement:
    """GET /v1/reports/time/statement: staff only; people who read only their own time get their own lines."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMESHEETS, Action.READ)
    if date_from > date_to:
        raise ValidationError("from must not be after to", {"field": "from"})
    org = deps.repos.organizations.get(p.tenant_id, organization_id)
    if org is None:
        raise NotFound("organization not found", {"id": organization_id})
    own = None if reads_everyones_time(p) else p.user_id
    sheets = [s for s in _sheets(deps, SheetQuery(p.tenant_id, user_id=own, organization_id=org.id,
                                                  date_from=date_from, date_to=date_to, limit=200,
                                                  oldest_first=True)) if s.state in states]
    titles = {ref: _title(deps, p.tenant_id, ref) for ref in dict.fromkeys(s.item_ref for s in sheets)}
    ids = list(dict.fromkeys(s.user_id for s in sheets))
    people = {u.id: u.name or u.email for start in range(0, len(ids), 100)
              for u in deps.repos.users.get_many(p.tenant_id, ids[start:start + 100])}
    lines = [Line(s.date, s.item_ref, titles[s.item_ref], s.user_id, people.get(s.user_id, ""), s.minutes,
                  s.billable, s.note) for s in sheets]
    return Statement(org, date_from, date_to, lines)


def _sheets(deps: Deps, q: SheetQuery) -> list[Timesheet]:
    found: list[Timesheet] = []
    while True:
        page = deps.repos.time.sheets(q)
        found += page.items
        if len(found) > MAX_LINES:
            raise TooLarge("the statement would have too many lines: ask for a shorter period",
                           {"max_lines": MAX_LINES})
        if not page.after:
            return found
        q = replace(q, after=page.after)


def _title(deps: Deps, tenant_id: str, ref: str) -> str:
    item = deps.repos.items.get(tenant_id, ref)
    return item.title if item is not None else ""
