"""Loading what a permission decision needs, then asking the one permission function."""

from __future__ import annotations

from tandem.domain.errors import Forbidden, NotFound
from tandem.domain.hierarchy import Project
from tandem.domain.items import Item, check_ref
from tandem.domain.permissions import (
    Action,
    Area,
    AreaTarget,
    ItemTarget,
    Principal,
    ProjectTarget,
    allowed,
    needs_project,
    visible,
)
from tandem.domain.tenants import Tenant
from tandem.services import modules
from tandem.services.deps import Deps


def tenant_of(deps: Deps, p: Principal) -> Tenant:
    """The caller's tenant; a token for a deleted tenant is as good as no token."""
    tenant = deps.repos.tenants.get(p.tenant_id)
    if tenant is None:
        raise NotFound("tenant not found")
    return tenant


def require_area(p: Principal, area: Area, action: Action) -> None:
    """Tenant-wide resources: a caller without the right gets 403 (the area itself is no secret)."""
    if not allowed(p, action, AreaTarget(p.tenant_id, area)):
        raise Forbidden(f"you may not {action.value} {area.value}")


def item_target(
    deps: Deps, p: Principal, tenant: Tenant, item: Item, cache: dict[str, Project | None] | None = None
) -> ItemTarget:
    """The item with its project loaded only when the decision depends on it (saves a read).
    A list passes a `cache` so each project of a page is read once."""
    project = None
    if needs_project(p, tenant, item) and item.project_id:
        cache = {} if cache is None else cache
        if item.project_id not in cache:
            cache[item.project_id] = deps.repos.projects.get(tenant.id, item.project_id)
        project = cache[item.project_id]
    return ItemTarget(tenant, item, project)


def load_item(
    deps: Deps,
    p: Principal,
    ref: str,
    action: Action | tuple[Action, ...] = Action.READ,
    *,
    tenant: Tenant | None = None,
    cache: dict[str, Project | None] | None = None,
    preloaded: dict[str, Item] | None = None,
) -> tuple[Tenant, Item]:
    """The item under `ref` if the caller may see it (404 otherwise) and may do `action` (403 otherwise; with a
    tuple, any one of them). A caller loading many items passes the `tenant` it read, a project `cache` and the
    items it read in one go (`preloaded`, by reference; a reference not in it is read here)."""
    try:
        ref = check_ref(ref)
    except Exception as exc:
        raise NotFound("item not found", {"ref": ref}) from exc
    tenant = tenant or tenant_of(deps, p)
    modules.require_ref(tenant, ref)  # tasks switched off: K- references are gone (issue 15)
    item = (preloaded or {}).get(ref) or deps.repos.items.get(tenant.id, ref)
    if item is None:
        raise NotFound("item not found", {"ref": ref})
    target = item_target(deps, p, tenant, item, cache)
    if not visible(p, Action.READ, target):
        raise NotFound("item not found", {"ref": ref})
    modules.require_item(tenant, item)  # a converted ticket's old reference leads to a task
    actions = action if isinstance(action, tuple) else (action,)
    if not any(allowed(p, a, target) for a in actions):
        raise Forbidden(f"you may not {' or '.join(a.value for a in actions)} this item")
    return tenant, item


def load_project(deps: Deps, p: Principal, project_id: str, action: Action = Action.READ) -> Project:
    """A project the caller may see (404 otherwise) and act on (403 otherwise)."""
    tenant = tenant_of(deps, p)
    project = deps.repos.projects.get(tenant.id, project_id)
    if project is None or not visible(p, Action.READ, ProjectTarget(tenant, project)):
        raise NotFound("project not found", {"id": project_id})
    if not allowed(p, action, ProjectTarget(tenant, project)) and not allowed(
        p, Action.ADMINISTER, AreaTarget(p.tenant_id, Area.PROJECTS)
    ):
        raise Forbidden(f"you may not {action.value} this project")
    return project
