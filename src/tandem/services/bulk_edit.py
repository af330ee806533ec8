"""Bulk changes: one change (fields, tags, a macro) to up to 100 items.

The change is checked once, before any item is touched: an unknown status, priority, person, project or macro
is a 422 for the whole request. Then each item goes through the permission function and the editing service PATCH
uses (`change_item`, and `run_macro` as `POST /v1/items/{ref}/macros/{id}`), so its activity, rules and webhooks
are exactly those of a single change. What goes wrong with one item (not found, forbidden, changed meanwhile) is
reported on its row and the others carry on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.domain.api_keys import on_behalf
from tandem.domain.errors import DomainError, Forbidden, NotFound, ValidationError
from tandem.domain.item_types import check_priority
from tandem.domain.items import Cause, Item, check_ref
from tandem.domain.permissions import Action, Area, AreaTarget, Principal, ProjectTarget, allowed
from tandem.domain.rules import Macro
from tandem.domain.tenants import Tenant
from tandem.services.access import load_item, tenant_of
from tandem.services.check_rules import principal_exists
from tandem.services.deps import Deps
from tandem.services.manage_rules import macro_to_apply, run_macro
from tandem.services.ports import TransientError
from tandem.services.update_item import change_item

MAX_REFS = 100
SETTABLE = ("status", "priority", "assignees", "project_id")


@dataclass
class BulkChange:
    """What to do to every item: `set` holds any of SETTABLE (project_id None: out of its project)."""

    set: dict[str, Any] = field(default_factory=dict)
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    macro_id: str | None = None


@dataclass
class BulkRow:
    """One item's outcome: the item as stored, or why it was left alone (`code` as in the API's error shape)."""

    ref: str
    item: Item | None = None
    code: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is None


def bulk_change(deps: Deps, p: Principal, refs: list[str], change: BulkChange, secret: str) -> list[BulkRow]:
    """`POST /v1/items/bulk`: one row per distinct reference, in the order given."""
    if not allowed(p, Action.UPDATE, AreaTarget(p.tenant_id, Area.ITEMS)):
        raise Forbidden("you may not change items")
    tenant = tenant_of(deps, p)
    macro = _checked(deps, p, tenant, refs, change)
    cache: dict[str, Any] = {}  # each project of the items is read once
    unique = dict.fromkeys(str(r).strip().upper() for r in refs)
    # All the items in one read (BatchGetItem); a retired reference (a conversion) is followed by load_item.
    items = {i.ref: i for i in deps.repos.items.many(tenant.id, [r for r in unique if _well_formed(r)])}
    return [_one(deps, p, tenant, ref, change, macro, secret, cache, items) for ref in unique]


def _well_formed(ref: str) -> bool:
    try:
        check_ref(ref)
    except DomainError:
        return False
    return True


def _one(deps: Deps, p: Principal, tenant: Tenant, ref: str, change: BulkChange, macro: Macro | None, secret: str,
         cache: dict[str, Any], items: dict[str, Item]) -> BulkRow:
    try:
        _, item = load_item(deps, p, ref, Action.UPDATE, tenant=tenant, cache=cache, preloaded=items)
        changes = _changes_for(tenant, item, change)
        if changes:
            cause, note = on_behalf(p, Cause.USER, "bulk change")
            item = change_item(deps, tenant, item, changes, actor_id=p.user_id, cause=cause, p=p, note=note)
        if macro is not None:
            item = run_macro(deps, p, tenant, item, macro, secret)
        return BulkRow(ref, item)
    except DomainError as exc:
        return BulkRow(ref, code=exc.code, message=exc.message)
    except TransientError:  # this item only: the client retries the rows that failed
        return BulkRow(ref, code="unavailable", message="the store is busy, try this item again")


def _changes_for(tenant: Tenant, item: Item, change: BulkChange) -> dict[str, Any]:
    changes = dict(change.set)
    status = changes.get("status")
    if status is not None and tenant.status(item.kind, status) is None:
        # Statuses are per kind: the request named a known one, just not one of this item's lifecycle.
        raise ValidationError(f"{status!r} is not a status of {item.kind}s", {"field": "set.status"})
    if change.add_tags or change.remove_tags:
        kept = [t for t in item.tags if t not in change.remove_tags]
        changes["tags"] = list(dict.fromkeys([*kept, *change.add_tags]))
    return changes


def _checked(deps: Deps, p: Principal, tenant: Tenant, refs: list[str], change: BulkChange) -> Macro | None:
    """The whole request checked once (422 naming every problem); the macro to apply, if any."""
    problems: list[tuple[str, str]] = []
    if not refs or len(refs) > MAX_REFS:
        problems.append(("refs", f"name 1 to {MAX_REFS} items"))
    problems += [(f"set.{k}", "cannot be changed in bulk") for k in change.set if k not in SETTABLE]
    if not (change.set or change.add_tags or change.remove_tags or change.macro_id):
        problems.append(("set", "nothing to change"))
    problems += _field_problems(deps, p, tenant, change.set)
    both = sorted(set(change.add_tags) & set(change.remove_tags))
    if both:
        problems.append(("remove_tags", f"added and removed at once: {', '.join(both)}"))
    macro = None
    if change.macro_id is not None:
        try:
            macro = macro_to_apply(deps, p, change.macro_id)
        except NotFound:
            problems.append(("macro_id", "unknown macro"))
        except ValidationError as exc:
            problems.append(("macro_id", exc.message))
    if len(problems) == 1:
        raise ValidationError(f"{problems[0][0]}: {problems[0][1]}", {"field": problems[0][0]})
    if problems:
        errors = [{"field": f, "message": m} for f, m in problems]
        raise ValidationError(f"{errors[0]['field']}: {errors[0]['message']}", {"errors": errors})
    return macro


def _field_problems(deps: Deps, p: Principal, tenant: Tenant, values: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if "status" in values:
        status = values["status"]
        if not isinstance(status, str) or not any(tenant.status(kind, status) for kind in tenant.statuses):
            problems.append(("set.status", f"unknown status {status!r}"))
    if "priority" in values:
        try:
            check_priority(values["priority"])
        except ValidationError as exc:
            problems.append(("set.priority", exc.message))
    if "assignees" in values:
        assignees = values["assignees"]
        if not isinstance(assignees, list):
            problems.append(("set.assignees", "must be a list of user:<id> or team:<id>"))
        else:
            problems += [(f"set.assignees[{n}]", "unknown agent or team") for n, ref in enumerate(assignees)
                         if not isinstance(ref, str) or not principal_exists(deps, tenant.id, ref)]
    if values.get("project_id") is not None:
        project = deps.repos.projects.get(tenant.id, str(values["project_id"]))
        if project is None or not allowed(p, Action.READ, ProjectTarget(tenant, project)):
            problems.append(("set.project_id", "unknown project"))
    return problems
