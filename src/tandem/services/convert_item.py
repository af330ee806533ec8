"""Ticket → task conversion: same item id (so conversation, attachments and history stay), new reference,
and the old reference resolves to the new one forever."""

from __future__ import annotations

from dataclasses import replace

from tandem.domain.activity import Activity
from tandem.domain.errors import ValidationError
from tandem.domain.items import Cause, Item
from tandem.domain.permissions import Action, Principal
from tandem.domain.statuses import status_for_category
from tandem.domain.tenants import TASKS, Tenant, require_module
from tandem.services.access import load_item
from tandem.services.deps import Deps


def _task_type_id(deps: Deps, tenant: Tenant, type_id: str | None) -> str:
    if type_id:
        item_type = deps.repos.item_types.get(tenant.id, type_id)
        if item_type is None or item_type.kind != "task":
            raise ValidationError("type_id must be a task type", {"field": "type_id"})
        return item_type.id
    first = next((t for t in deps.repos.item_types.list(tenant.id, limit=200).items if t.kind == "task"), None)
    if first is None:
        raise ValidationError("the tenant has no task type", {"field": "type_id"})
    return first.id


def convert(
    deps: Deps, tenant: Tenant, item: Item, *, to: str, type_id: str | None, actor_id: str | None, cause: Cause
) -> Item:
    """Convert a loaded ticket (also used by the rule action)."""
    require_module(tenant, TASKS)  # rules and macros skip the action before (run_actions); the API lands here
    if to != "task":
        raise ValidationError("items can be converted to tasks only", {"field": "to"})
    if item.kind == "task":
        raise ValidationError("this item is already a task", {"field": "to"})
    status = status_for_category(tenant.statuses["task"], item.status_category)
    now = deps.clock()
    new = replace(
        item,
        kind="task",
        ref="",
        type_id=_task_type_id(deps, tenant, type_id),
        status=status.key,
        status_category=status.category,
        former_refs=[*item.former_refs, item.ref],
        updated_at=now,
    )
    activity = Activity(
        tenant.id,
        deps.new_id(),
        item.id,
        now,
        "converted",
        cause,
        actor_id=actor_id,
        changes={"kind": [item.kind, "task"], "status": [item.status, status.key]},
    )
    return deps.repos.items.convert(item, new, activity)


def convert_item(deps: Deps, p: Principal, ref: str, *, to: str = "task", type_id: str | None = None) -> Item:
    """POST /v1/items/{ref}/convert."""
    tenant, item = load_item(deps, p, ref, Action.CONVERT)
    return convert(deps, tenant, item, to=to, type_id=type_id, actor_id=p.user_id, cause=Cause.USER)
