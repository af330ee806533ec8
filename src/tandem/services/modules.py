"""The module switches as use cases meet them (issue 15; the table is domain/modules.py).

Every use case of a module asks here (or `tenants.require_module` with a tenant it holds) before anything else, so
a switched-off module answers 404 `module_disabled` on every channel, and before any permission check: its routes
are gone for everybody.
"""

from __future__ import annotations

from dataclasses import replace

from tandem.domain.errors import NotFound
from tandem.domain.items import REF_RE, Item
from tandem.domain.tenants import TASKS, Tenant, module_on, require_module
from tandem.services.deps import Deps
from tandem.services.ports import ItemQuery

TASK = "task"


def module_tenant(deps: Deps, tenant_id: str, name: str) -> Tenant:
    """The tenant, if its module `name` is on (ModuleDisabled otherwise)."""
    tenant = deps.repos.tenants.get(tenant_id)
    if tenant is None:
        raise NotFound("tenant not found")
    require_module(tenant, name)
    return tenant


def require_kind(tenant: Tenant, kind: str | None) -> None:
    """Task items belong to the tasks module: creating, reading or changing one needs it on."""
    if kind == TASK:
        require_module(tenant, TASKS)


def require_ref(tenant: Tenant, ref: str) -> None:
    """A task's reference (`K-12`) names something of the tasks module: refused before any read."""
    match = REF_RE.match(ref or "")
    if match and match.group(1) == "K":
        require_module(tenant, TASKS)


def require_item(tenant: Tenant, item: Item) -> None:
    """An item the caller reached by another reference (a converted ticket's old `T-` one) is checked by kind."""
    require_kind(tenant, item.kind)


def scoped_query(tenant: Tenant, q: ItemQuery) -> ItemQuery:
    """A list of items while tasks are off: `kind=task` is refused, a list without a kind holds tickets only."""
    require_kind(tenant, q.kind)
    if q.kind is None and not module_on(tenant, TASKS):
        return replace(q, kind="ticket")
    return q


def shows_item(tenant: Tenant, item: Item) -> bool:
    """Whether lists that are not filtered by the store (search hits) may show the item."""
    return item.kind != TASK or module_on(tenant, TASKS)
