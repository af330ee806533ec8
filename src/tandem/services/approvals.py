"""Deciding on timesheets (issue 13): admins, and the managers of a timesheet's project, approve or reject the
submitted ones; the approval queue lists the submitted timesheets the caller may decide.

The owner hears of a decision in the workspace: the stream handler turns the decided sheet into a
`timesheet_approved` / `timesheet_rejected` notification (services/in_app.py), once per decision.
"""

from __future__ import annotations

from dataclasses import replace

from tandem.domain import time_tracking as tt
from tandem.domain.errors import Forbidden, NotFound, ValidationError
from tandem.domain.permissions import Action, Area, AreaTarget, Principal, allowed
from tandem.domain.tenants import TIME_TRACKING
from tandem.domain.time_tracking import SheetState, Timesheet
from tandem.services.access import require_area
from tandem.services.deps import Deps
from tandem.services.editing import check_limit
from tandem.services.modules import module_tenant
from tandem.services.ports import Page, Position, SheetQuery
from tandem.services.timesheets import SheetFilters, sheet_target

REASON = 1000  # characters of a rejection's reason
PROJECT_PAGE = 200  # projects read per Query when looking for the ones a manager manages


def decide_sheet(deps: Deps, p: Principal, sheet_id: str, *, approve: bool, reason: str = "") -> Timesheet:
    """POST /v1/timesheets/{id}/approve|reject: admins or a manager of the sheet's project; anyone else is refused
    (403) whether or not they may read the sheet — the question is theirs to decide, and sheet ids are unguessable.
    A rejection says why (422 without a reason). Only a submitted sheet is decided (409 otherwise)."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMESHEETS, Action.READ)
    sheet = deps.repos.time.get_sheet(p.tenant_id, sheet_id)
    if sheet is None:
        raise NotFound("timesheet not found", {"id": sheet_id})
    if not allowed(p, Action.ADMINISTER, sheet_target(deps, p, sheet, Action.ADMINISTER)):
        raise Forbidden("only admins and the managers of its project approve or reject a timesheet")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError("a rejection needs a reason", {"field": "reason"})
    if len(reason) > REASON:
        raise ValidationError(f"a reason is at most {REASON} characters", {"field": "reason"})
    state = tt.transition(sheet, SheetState.APPROVED if approve else SheetState.REJECTED)
    return deps.repos.time.save_sheet(
        replace(sheet, state=state, reason="" if approve else reason, decided_by=p.user_id, updated_at=deps.clock())
    )


def approvable_sheets(deps: Deps, p: Principal, f: SheetFilters, *, limit: int | None = None,
                      after: Position = None) -> Page[Timesheet]:
    """GET /v1/timesheets?state=submitted&approvable=true: the submitted timesheets the caller may decide.

    Admins: the tenant's (one Query on the tenant key, or on the user / project key when filtered). A manager: those
    of the projects they manage, one Query per managed project on its project key, projects in id order; the cursor
    holds the project and the position in it. Other agents manage nothing: an empty list. Each Query reads at most
    the page's room and the state is applied to what it read, so a page may be short: follow `next_cursor`."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMESHEETS, Action.READ)
    if f.state not in (None, SheetState.SUBMITTED):
        raise ValidationError("the approval queue holds submitted timesheets only", {"field": "state"})
    limit = check_limit(limit)
    if allowed(p, Action.ADMINISTER, AreaTarget(p.tenant_id, Area.TIMESHEETS, {"owner_id": "*"})):
        page = deps.repos.time.sheets(_query(p, f, f.project_id, limit, after))
        return Page([s for s in page.items if _queued(s, f)], page.after)
    projects = [pid for pid in managed_projects(deps, p) if f.project_id in (None, pid)]
    return _from_projects(deps, p, f, projects, limit, after or {})


def managed_projects(deps: Deps, p: Principal) -> list[str]:
    """Ids of the projects the caller manages, in order: the tenant's projects read a page of 200 at a time."""
    found: list[str] = []
    after: Position = None
    while True:
        page = deps.repos.projects.list(p.tenant_id, limit=PROJECT_PAGE, after=after)
        found += [project.id for project in page.items if p.user_id in project.managers]
        if not page.after:
            return sorted(found)
        after = page.after


def _from_projects(deps: Deps, p: Principal, f: SheetFilters, projects: list[str], limit: int,
                   position: dict) -> Page[Timesheet]:
    """Fill one page from the managed projects, from the cursor's project and position on."""
    kept: list[Timesheet] = []
    pending = [pid for pid in projects if pid >= position.get("p", "")]
    for i, pid in enumerate(pending):
        inner = position.get("k") if pid == position.get("p") else None
        page = deps.repos.time.sheets(_query(p, f, pid, limit - len(kept), inner))
        kept += [s for s in page.items if _queued(s, f)]
        if page.after:
            return Page(kept, {"p": pid, "k": page.after})
        if len(kept) >= limit:
            return Page(kept, {"p": pending[i + 1], "k": None} if i + 1 < len(pending) else None)
    return Page(kept, None)


def _query(p: Principal, f: SheetFilters, project_id: str | None, limit: int, after: Position) -> SheetQuery:
    return SheetQuery(p.tenant_id, user_id=f.user_id, project_id=project_id, date_from=f.date_from,
                      date_to=f.date_to, limit=limit, after=after)


def _queued(sheet: Timesheet, f: SheetFilters) -> bool:
    return sheet.state is SheetState.SUBMITTED and (f.billable is None or sheet.billable == f.billable)
