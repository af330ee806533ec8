"""Changing an item: fields, status (with its category), project, type; every change in the activity."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.activity import Activity
from tandem.domain.api_keys import on_behalf
from tandem.domain.errors import ValidationError
from tandem.domain.item_types import validate_answers
from tandem.domain.items import Cause, Item, diff_and_apply
from tandem.domain.permissions import Action, Principal, ProjectTarget, allowed
from tandem.domain.planning import follow_status
from tandem.domain.tenants import Tenant
from tandem.services.access import load_item
from tandem.services.deps import Deps
from tandem.services.editing import check_version
from tandem.services.folders import folder_changes
from tandem.services.planning import resolve_predecessors


def _check_refs(deps: Deps, tenant: Tenant, p: Principal | None, item: Item, changes: dict[str, Any]) -> None:
    """Ids in the patch must exist in the tenant (and a project must be one the caller may use)."""
    if changes.get("project_id"):
        project = deps.repos.projects.get(tenant.id, changes["project_id"])
        if project is None or (p is not None and not allowed(p, Action.READ, ProjectTarget(tenant, project))):
            raise ValidationError("unknown project", {"field": "project_id"})
    if "type_id" in changes:
        new_type = deps.repos.item_types.get(tenant.id, changes["type_id"] or "")
        if new_type is None or new_type.kind != item.kind:
            raise ValidationError("type must be an item type of the same kind", {"field": "type_id"})
    if "status" in changes and tenant.status(item.kind, changes["status"]) is None:
        raise ValidationError("unknown status for this kind", {"field": "status"})
    if changes.get("requester_id") and deps.repos.users.get(tenant.id, changes["requester_id"]) is None:
        raise ValidationError("unknown requester", {"field": "requester_id"})


def change_item(
    deps: Deps,
    tenant: Tenant,
    item: Item,
    changes: dict[str, Any],
    *,
    actor_id: str | None,
    cause: Cause,
    p: Principal | None = None,
    note: str = "",
    rule: tuple[str, int] | None = None,
) -> Item:
    """Apply `changes` to a loaded item and store it with one activity entry (also used by rules and mail).

    `rule` is (rule id, chain depth) when a rule makes the change, so the engine can recognise its own echo."""
    staged = stage_change(deps, tenant, item, changes, actor_id=actor_id, cause=cause, p=p, note=note, rule=rule)
    if staged is None:
        return item
    return deps.repos.items.save(*staged)


def stage_change(
    deps: Deps,
    tenant: Tenant,
    item: Item,
    changes: dict[str, Any],
    *,
    actor_id: str | None,
    cause: Cause,
    p: Principal | None = None,
    note: str = "",
    rule: tuple[str, int] | None = None,
) -> tuple[Item, Activity] | None:
    """`change_item` without the write: the item as it would be stored (same version) and its activity entry,
    or None when nothing changes. Lets several changes (a situation's rules) go into one write."""
    changes = dict(changes)
    if "requester" in changes:
        changes["requester_id"] = changes.pop("requester")
    _check_refs(deps, tenant, p, item, changes)
    changes = folder_changes(deps, tenant.id, item, changes)  # issue 15: a folder of the item's project, or none
    if "predecessors" in changes:
        changes["predecessors"] = resolve_predecessors(deps, tenant, p, item, changes["predecessors"])
    if "fields" in changes:
        item_type = deps.repos.item_types.get(tenant.id, changes.get("type_id") or item.type_id)
        if not isinstance(changes["fields"], dict):
            raise ValidationError("fields must be an object", {"field": "fields"})
        answers = validate_answers(item_type.form if item_type else [], changes["fields"], partial=True)
        changes["fields"] = {**item.fields, **answers}
    updated, diff = diff_and_apply(item, changes)
    if not diff:
        return None
    now = deps.clock()
    if "status" in diff:
        updated = replace(updated, status_category=tenant.status(item.kind, updated.status).category)
        # Actual dates follow the category whichever channel moved it (PATCH, bulk, rules, mail, timesheets).
        updated, actuals = follow_status(item, updated, changes, today=now[:10])
        diff.update(actuals)
    if "requester_id" in diff and updated.requester_id:
        requester = deps.repos.users.get(tenant.id, updated.requester_id)
        updated = replace(updated, organization_id=requester.organization_id if requester else None)
    rule_id, depth = rule if rule else (None, 0)
    updated = replace(updated, updated_at=now, cause_rule=rule_id, rule_depth=depth, changed_by=actor_id)
    activity = Activity(
        tenant.id, deps.new_id(), item.id, now, "updated", cause, actor_id=actor_id, changes=diff, note=note
    )
    return updated, activity


def update_item(
    deps: Deps,
    p: Principal,
    ref: str,
    changes: dict[str, Any],
    *,
    expected_version: int | None = None,
    cause: Cause = Cause.USER,
) -> Item:
    """PATCH /v1/items/{ref}: staff only; honours If-Match."""
    if not isinstance(changes, dict) or not changes:
        raise ValidationError("nothing to change")
    tenant, item = load_item(deps, p, ref, Action.UPDATE)
    check_version(item, expected_version)
    cause, note = on_behalf(p, cause)
    return change_item(deps, tenant, item, changes, actor_id=p.user_id, cause=cause, p=p, note=note)
