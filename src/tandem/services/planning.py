"""Planning use cases: predecessors checked on write, conflicts on read, a project's schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tandem.domain.errors import ValidationError
from tandem.domain.hierarchy import Project
from tandem.domain.items import Item, predecessor_refs
from tandem.domain.permissions import Action, Area, Principal, allowed, visible
from tandem.domain.planning import PlanConflict, check_acyclic, conflicts
from tandem.domain.tenants import TASKS, Tenant
from tandem.services.access import item_target, load_project, require_area, tenant_of
from tandem.services.deps import Deps
from tandem.services.editing import check_limit
from tandem.services.modules import module_tenant
from tandem.services.ports import ItemQuery, Page, Position

ProjectCache = dict[str, Project | None]


def resolve_predecessors(
    deps: Deps, tenant: Tenant, p: Principal | None, item: Item, value: Any, cache: ProjectCache | None = None
) -> list[str]:
    """The predecessors a write asks for, as current references: each must name an item of the tenant the caller
    may see (422 `predecessors[i]` otherwise), not the item itself, and no cycle may form. One batch read for the
    references, then one per level of the predecessors' own predecessors (domain.planning.check_acyclic)."""
    refs = predecessor_refs(value)
    if not refs:
        return []
    cache = {} if cache is None else cache
    found = deps.repos.items.many(tenant.id, refs)
    by_ref = {r: i for i in found for r in (i.ref, *i.former_refs)}
    chosen: list[Item] = []
    for n, ref in enumerate(refs):
        pred = by_ref.get(ref)
        if pred is None or (p is not None and not visible(p, Action.READ, item_target(deps, p, tenant, pred, cache))):
            raise ValidationError("unknown item", {"field": f"predecessors[{n}]", "ref": ref})
        if pred.id == item.id:
            raise ValidationError("an item cannot be its own predecessor", {"field": f"predecessors[{n}]"})
        chosen.append(pred)
    if item.ref:  # a new item has no successors yet: nothing can loop back to it
        check_acyclic(item, chosen, lambda wanted: deps.repos.items.many(tenant.id, wanted))
    return list(dict.fromkeys(pred.ref for pred in chosen))


def _seen(deps: Deps, p: Principal, tenant: Tenant, items: list[Item], cache: ProjectCache) -> list[Item]:
    return [i for i in items if visible(p, Action.READ, item_target(deps, p, tenant, i, cache))]


def item_conflicts(deps: Deps, p: Principal, item: Item, tenant: Tenant | None = None) -> list[PlanConflict]:
    """The conflicts `GET /v1/items/{ref}` shows: constraints always; predecessors (one BatchGetItem, only when
    the item has some) for staff, counting those the caller may see. Customers get the constraints only: a
    predecessor's dates are internal planning."""
    if not item.predecessors or not p.is_staff:
        return conflicts(item, [])
    tenant = tenant or tenant_of(deps, p)
    preds = _seen(deps, p, tenant, deps.repos.items.many(item.tenant_id, item.predecessors), {})
    return conflicts(item, preds)


@dataclass
class ScheduleRow:
    item: Item
    conflicts: list[PlanConflict] = field(default_factory=list)


def _day(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ValidationError(f"{name} must be a date (YYYY-MM-DD)", {"field": name}) from exc


def in_window(item: Item, start: str | None, end: str | None) -> bool:
    """Whether the item's plan or actuals touch [start, end] (both days included). Without a window every item
    counts; with one, an item without any date does not."""
    if start is None and end is None:
        return True
    days = [d for d in (item.planned_start, item.planned_finish, item.actual_start, item.actual_finish) if d]
    if not days:
        return False
    return (end is None or min(days) <= end) and (start is None or max(days) >= start)


def project_schedule(
    deps: Deps,
    p: Principal,
    project_id: str,
    *,
    start: str | None = None,
    end: str | None = None,
    limit: int | None = None,
    after: Position = None,
) -> Page[ScheduleRow]:
    """`GET /v1/projects/{id}/schedule`: a page of the project's items the caller may see whose dates touch the
    window, each with its conflicts. One Query on the project's index per page, then one BatchGetItem (100 keys a
    request) for the predecessors that are not on the page."""
    module_tenant(deps, p.tenant_id, TASKS)  # the Gantt chart and the calendar are the tasks module's
    require_area(p, Area.SCHEDULES, Action.READ)
    start, end = _day(start, "from"), _day(end, "to")
    if start and end and end < start:
        raise ValidationError("to must not be before from", {"field": "to"})
    project = load_project(deps, p, project_id)
    tenant = tenant_of(deps, p)
    cache: ProjectCache = {project.id: project}
    q = ItemQuery(tenant_id=tenant.id, project_id=project.id, limit=check_limit(limit), after=after)
    page = deps.repos.items.query(q)
    rows = [i for i in page.items if in_window(i, start, end)
            and allowed(p, Action.READ, item_target(deps, p, tenant, i, cache))]
    known = {r: i for i in page.items for r in (i.ref, *i.former_refs)}
    missing = list(dict.fromkeys(r for i in rows for r in i.predecessors if r not in known))
    for pred in deps.repos.items.many(tenant.id, missing) if missing else []:
        known.update({r: pred for r in (pred.ref, *pred.former_refs)})
    seen = {i.id for i in _seen(deps, p, tenant, list({i.id: i for i in known.values()}.values()), cache)}
    out = []
    for i in rows:
        preds = [known[r] for r in i.predecessors if r in known and known[r].id in seen]
        out.append(ScheduleRow(i, conflicts(i, preds)))
    return Page(out, page.after)
