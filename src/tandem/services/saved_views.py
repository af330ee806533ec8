"""Saved views (issue 13): stored per tenant, seen by their owner or by whom they are shared with, paged and
exported through the item list's own use case (so every row is checked by the permission function as today)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.errors import Forbidden, NotFound, ValidationError
from tandem.domain.items import Item
from tandem.domain.permissions import Action, Area, Principal, ViewTarget, allowed, visible
from tandem.domain.views import COLUMNS, DEFAULT_COLUMNS, EXPORT_CAP, GROUPS, SavedView, check_view
from tandem.services.access import require_area
from tandem.services.deps import Deps
from tandem.services.editing import check_limit, check_version, text
from tandem.services.ports import ItemQuery, Page, Position
from tandem.services.read_items import list_items

FIELDS = ("name", "shared", "team_id", "filters", "columns", "sort", "group_by")
PER_PAGE = 200  # an export reads the list this many at a time
MAX_PAGES = 500  # pages may come back thin (rows the caller may not see are dropped): stop somewhere all the same


def _checked(deps: Deps, p: Principal, view: SavedView) -> SavedView:
    view = replace(view, name=text("name")(view.name), columns=list(view.columns))
    check_view(view)
    if view.team_id is not None and deps.repos.teams.get(p.tenant_id, view.team_id) is None:
        raise ValidationError("unknown team", {"field": "team_id"})
    return view


def create_view(deps: Deps, p: Principal, data: dict[str, Any]) -> SavedView:
    """POST /v1/views: staff save a view for themselves, or share it with the tenant or a team."""
    require_area(p, Area.VIEWS, Action.CREATE)
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationError("these fields cannot be set", {"fields": unknown})
    now = deps.clock()
    draft = SavedView(p.tenant_id, deps.new_id(), p.user_id, data.get("name") or "", now, now)
    draft = replace(draft, **{k: v for k, v in data.items() if v is not None or k in ("team_id", "group_by")})
    if not draft.columns:
        draft.columns = list(DEFAULT_COLUMNS)
    return deps.repos.views.add(_checked(deps, p, draft))


def view_columns(p: Principal) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """GET /v1/views/columns: the columns a view may show, what it may be grouped by, and the default columns."""
    require_area(p, Area.VIEWS, Action.READ)
    return COLUMNS, GROUPS, DEFAULT_COLUMNS


def get_view(deps: Deps, p: Principal, view_id: str) -> SavedView:
    """A view the caller sees; others' private views (and views of teams it is not in) are 404, as if absent."""
    require_area(p, Area.VIEWS, Action.READ)
    view = deps.repos.views.get(p.tenant_id, view_id)
    if view is None or not visible(p, Action.READ, ViewTarget(view)):
        raise NotFound("view not found", {"id": view_id})
    return view


def list_views(deps: Deps, p: Principal, _filters: dict[str, Any] | None = None, limit: int | None = None,
               after: Position = None) -> Page[SavedView]:
    """The caller's own views and those shared with it; a page may be thinner than `limit` (others' private
    views are dropped) and still carry a position."""
    require_area(p, Area.VIEWS, Action.READ)
    page = deps.repos.views.list(p.tenant_id, limit=check_limit(limit), after=after)
    return Page([v for v in page.items if visible(p, Action.READ, ViewTarget(v))], page.after)


def _editable(deps: Deps, p: Principal, view_id: str, expected: int | None) -> SavedView:
    view = get_view(deps, p, view_id)
    if not allowed(p, Action.UPDATE, ViewTarget(view)):
        raise Forbidden("only the view's owner or an admin may change it")
    check_version(view, expected)
    return view


def update_view(deps: Deps, p: Principal, view_id: str, changes: dict[str, Any],
                expected: int | None = None) -> SavedView:
    """PATCH: any of the view's fields; filters and columns are replaced whole."""
    view = _editable(deps, p, view_id, expected)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValidationError("these fields cannot be changed", {"fields": unknown})
    changed = replace(view, **changes, updated_at=deps.clock())
    return deps.repos.views.save(_checked(deps, p, changed))


def delete_view(deps: Deps, p: Principal, view_id: str, expected: int | None = None) -> None:
    deps.repos.views.delete(_editable(deps, p, view_id, expected))


def view_query(p: Principal, view: SavedView, limit: int, after: Position) -> ItemQuery:
    """The item list a view stands for, as the caller will read it (`assignee=me` is whoever looks)."""
    f = view.filters
    return ItemQuery(
        tenant_id=p.tenant_id, kind=f.get("kind"), project_id=f.get("project_id"), status=f.get("status"),
        assignee=f.get("assignee"), requester_id=f.get("requester"), type_id=f.get("type_id"),
        organization_id=f.get("organization_id"), folder_id=f.get("folder_id"), sort=view.sort,
        unassigned=bool(f.get("unassigned")), status_categories=tuple(f.get("status_category") or ()), q=f.get("q"),
        limit=limit, after=after,
    )


def view_items(deps: Deps, p: Principal, view_id: str, limit: int | None = None,
               after: Position = None) -> tuple[SavedView, Page[Item]]:
    """GET /v1/views/{id}/items: one page of the view's list."""
    view = get_view(deps, p, view_id)
    return view, list_items(deps, p, view_query(p, view, check_limit(limit), after))


def export_rows(deps: Deps, p: Principal, view_id: str, cap: int = EXPORT_CAP) -> tuple[SavedView, list[Item], bool]:
    """Every page of the view, up to `cap` rows; the flag says whether the list went on beyond."""
    view = get_view(deps, p, view_id)
    rows: list[Item] = []
    after: Position = None
    for _ in range(MAX_PAGES):
        page = list_items(deps, p, view_query(p, view, PER_PAGE, after))
        rows += page.items
        after = page.after
        if len(rows) >= cap or after is None:
            break
    return view, rows[:cap], len(rows) > cap or after is not None
