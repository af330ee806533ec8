"""Timesheets (issue 13): written by staff for themselves, submitted, then approved or rejected by admins or the
managers of the sheet's project (services/approvals.py), who also read the sheets of the projects they manage.

On submit the sheet's `percent_complete` and `status` are applied to its item through `update_item`, the same
use case as PATCH /v1/items/{ref} (its checks, activity entry and stream event). Approved sheets are locked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from tandem.domain import time_tracking as tt
from tandem.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from tandem.domain.items import Item
from tandem.domain.permissions import Action, Area, AreaTarget, Principal, allowed, needs_managers
from tandem.domain.tenants import TIME_TRACKING
from tandem.domain.time_tracking import SheetState, Timesheet
from tandem.services.access import load_item, require_area
from tandem.services.deps import Deps
from tandem.services.editing import check_limit
from tandem.services.modules import module_tenant
from tandem.services.ports import Page, Position, SheetQuery
from tandem.services.update_item import update_item


@dataclass
class SheetFilters:
    user_id: str | None = None
    project_id: str | None = None
    portfolio_id: str | None = None
    organization_id: str | None = None
    billable: bool | None = None
    state: SheetState | None = None
    date_from: str | None = None
    date_to: str | None = None


def _target(p: Principal, owner_id: str | None, managers: list[str] | None = None) -> AreaTarget:
    extra: dict[str, Any] = {"owner_id": owner_id} if owner_id else {}
    if managers:
        extra["managers"] = managers
    return AreaTarget(p.tenant_id, Area.TIMESHEETS, extra)


def project_managers(deps: Deps, tenant_id: str, project_id: str | None) -> list[str]:
    """The managers of a timesheet's project (one GetItem; none for a sheet of an item outside projects)."""
    project = deps.repos.projects.get(tenant_id, project_id) if project_id else None
    return list(project.managers) if project is not None else []


def sheet_target(deps: Deps, p: Principal, sheet: Timesheet, action: Action) -> AreaTarget:
    """What deciding `action` on `sheet` needs: its owner, and its project's managers only when they can change the
    answer (an admin, or an agent on their own sheet, costs no read)."""
    managers = project_managers(deps, p.tenant_id, sheet.project_id) if needs_managers(p, sheet.user_id, action) else []
    return _target(p, sheet.user_id, managers)


def _check_status(deps: Deps, p: Principal, ref: str, status: str | None) -> Any:
    """The sheet's item (the caller must see it) after checking the status is one of its kind."""
    tenant, item = load_item(deps, p, ref, Action.READ)
    if status is not None and tenant.status(item.kind, status) is None:
        raise ValidationError("unknown status for this item's kind", {"field": "status"})
    return item


def create_sheet(deps: Deps, p: Principal, fields: dict[str, Any]) -> Timesheet:
    """POST /v1/timesheets: a draft of the caller's own time on an item they see."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMESHEETS, Action.CREATE)
    item = _check_status(deps, p, fields["item_ref"], fields.get("status"))
    now = deps.clock()
    sheet = Timesheet(p.tenant_id, deps.new_id(), item.ref, p.user_id, fields["date"], fields["minutes"],
                      billable=fields.get("billable", True), note=fields.get("note", ""),
                      percent_complete=fields.get("percent_complete"), status=fields.get("status"),
                      created_at=now, updated_at=now)
    return deps.repos.time.add_sheet(tt.check_sheet(placed(deps, sheet, item)))


def placed(deps: Deps, sheet: Timesheet, item: Item) -> Timesheet:
    """The sheet with what it is reported by, copied from its item now: the item's project, that project's
    portfolio and the item's customer organisation."""
    project = deps.repos.projects.get(sheet.tenant_id, item.project_id) if item.project_id else None
    return replace(sheet, project_id=item.project_id, portfolio_id=project.portfolio_id if project else None,
                   organization_id=item.organization_id)


def get_sheet(deps: Deps, p: Principal, sheet_id: str, action: Action = Action.READ) -> Timesheet:
    """A sheet the caller may see: 403 for those who have no timesheets at all, 404 for another's (agents who do
    not manage its project), 403 when they see it but may not do `action`."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMESHEETS, Action.READ)
    sheet = deps.repos.time.get_sheet(p.tenant_id, sheet_id)
    if sheet is None:
        raise NotFound("timesheet not found", {"id": sheet_id})
    target = sheet_target(deps, p, sheet, action)
    if not allowed(p, Action.READ, target):
        raise NotFound("timesheet not found", {"id": sheet_id})
    if not allowed(p, action, target):
        raise Forbidden(f"you may not {action.value} this timesheet")
    return sheet


def _editable(deps: Deps, p: Principal, sheet_id: str) -> Timesheet:
    sheet = get_sheet(deps, p, sheet_id, Action.UPDATE)
    tt.check_editable(sheet)
    if sheet.state is SheetState.SUBMITTED:
        raise Conflict("a submitted timesheet waits for a decision")
    return sheet


def update_sheet(deps: Deps, p: Principal, sheet_id: str, changes: dict[str, Any]) -> Timesheet:
    """PATCH /v1/timesheets/{id}: drafts and rejected sheets only (409 once submitted or approved)."""
    sheet = _editable(deps, p, sheet_id)
    unknown = set(changes) - set(tt.EDITABLE)
    if unknown:
        raise ValidationError("these fields cannot be changed", {"field": sorted(unknown)[0]})
    if "status" in changes:
        _check_status(deps, p, sheet.item_ref, changes["status"])
    updated = replace(sheet, **changes, updated_at=deps.clock())
    return deps.repos.time.save_sheet(tt.check_sheet(updated))


def delete_sheet(deps: Deps, p: Principal, sheet_id: str) -> None:
    deps.repos.time.delete_sheet(_editable(deps, p, sheet_id))


def list_sheets(deps: Deps, p: Principal, f: SheetFilters, *, limit: int | None = None,
                after: Position = None) -> Page[Timesheet]:
    """GET /v1/timesheets: one Query on the user, project, organisation or tenant key with the date range; the other
    ids, `billable` and `state` filter that page (so a page may hold fewer than `limit`; follow `next_cursor`).
    Agents list their own, and everyone's of a project they manage (`project_id`)."""
    module_tenant(deps, p.tenant_id, TIME_TRACKING)
    require_area(p, Area.TIMESHEETS, Action.READ)
    user_id = f.user_id
    managers: list[str] = []
    if f.project_id and user_id != p.user_id and needs_managers(p, "*", Action.READ):
        managers = project_managers(deps, p.tenant_id, f.project_id)
    if not allowed(p, Action.READ, _target(p, "*", managers)):  # neither an admin nor the project's manager
        if user_id not in (None, p.user_id):
            raise Forbidden("you may list your own timesheets, or those of a project you manage")
        user_id = p.user_id
    q = SheetQuery(p.tenant_id, user_id=user_id, project_id=f.project_id, date_from=f.date_from,
                   date_to=f.date_to, limit=check_limit(limit), after=after, portfolio_id=f.portfolio_id,
                   organization_id=f.organization_id)
    page = deps.repos.time.sheets(q)
    kept = [s for s in page.items if (f.billable is None or s.billable == f.billable)
            and (f.state is None or s.state is f.state)]
    return Page(kept, page.after)


def submit_sheet(deps: Deps, p: Principal, sheet_id: str) -> Timesheet:
    """POST /v1/timesheets/{id}/submit: the owner (or an admin) sends it for approval; its % complete and
    status go onto the item first, so a change the item refuses leaves the sheet a draft."""
    sheet = get_sheet(deps, p, sheet_id, Action.UPDATE)
    state = tt.transition(sheet, SheetState.SUBMITTED)
    changes: dict[str, Any] = {}
    if sheet.percent_complete is not None:
        changes["percent_complete"] = sheet.percent_complete
    if sheet.status is not None:
        changes["status"] = sheet.status
    if changes:
        update_item(deps, p, sheet.item_ref, changes)
    return deps.repos.time.save_sheet(replace(sheet, state=state, reason="", updated_at=deps.clock()))
