"""Public web forms: what a visitor may use, and a submission that becomes an item."""

from __future__ import annotations

from typing import Any

from tandem.domain.errors import ModuleDisabled, NotFound, Unauthorized, ValidationError
from tandem.domain.item_types import ItemType
from tandem.domain.items import Cause, Item
from tandem.domain.modules import label
from tandem.domain.permissions import Principal
from tandem.domain.tenants import PORTAL, TASKS, Tenant, module_on, modules_of, require_module
from tandem.services.deps import Deps
from tandem.services.open_item import NewItem, ensure_customer, open_item
from tandem.services.ports import IdempotencyClaim


def tenant_by_slug(deps: Deps, slug: str) -> Tenant:
    tenant = deps.repos.tenants.by_slug((slug or "").lower())
    if tenant is None:
        raise NotFound("no such help desk", {"slug": slug})
    return tenant


def portal_tenant(deps: Deps, slug: str) -> Tenant:
    """The tenant of a portal route: 404 `module_disabled` while its portal is off (mail keeps working)."""
    tenant = tenant_by_slug(deps, slug)
    require_module(tenant, PORTAL)
    return tenant


def module_on_for(tenant: Tenant, item_type: ItemType) -> bool:
    """A task type's form is offered only while tasks are on."""
    return item_type.kind != "task" or module_on(tenant, TASKS)


def public_forms(deps: Deps, slug: str, p: Principal | None = None) -> tuple[Tenant, list[ItemType]]:
    """The forms of a tenant's public item types; a signed-in caller of another tenant sees the same.

    While the portal is off this, its config, answers 404 `module_disabled` with the tenant's `modules` in the
    details: the widget still offers live chat when that is on."""
    tenant = tenant_by_slug(deps, slug)
    if not module_on(tenant, PORTAL):
        raise ModuleDisabled(f"the {label(PORTAL)} module is switched off for this help desk",
                             {"module": PORTAL, "modules": modules_of(tenant)})
    types = [t for t in deps.repos.item_types.list(tenant.id, limit=200).items if t.public and module_on_for(tenant, t)]
    return tenant, types


def submit_form(
    deps: Deps,
    slug: str,
    type_id: str,
    answers: dict[str, Any],
    p: Principal | None,
    claim: IdempotencyClaim | None = None,
) -> Item:
    """A form submission: signed-in customers file as themselves; visitors give an email unless login is required."""
    tenant = portal_tenant(deps, slug)
    item_type = deps.repos.item_types.get(tenant.id, type_id)
    if item_type is None or not item_type.public:
        raise NotFound("form not found", {"type_id": type_id})
    actor = p if p is not None and p.tenant_id == tenant.id else None
    if actor is None and tenant.portal.require_login:
        raise Unauthorized("sign in to submit this form")
    if not isinstance(answers, dict):
        raise ValidationError("answers must be an object")
    requester = None
    if actor is None:
        email = answers.get("email")
        if not isinstance(email, str):
            raise ValidationError("email is required", {"fields": {"email": "is required"}})
        requester = ensure_customer(deps, tenant, email, answers.get("name")).id
    new = NewItem(
        type_id=item_type.id,
        title=str(answers.get("title") or item_type.name),
        description=str(answers.get("description") or ""),
        project_id=answers.get("project_id"),
        requester=requester,
        fields=answers.get("fields") or {},
        due_date=answers.get("due_date"),
    )
    cause = Cause.USER if actor else Cause.API
    return open_item(deps, tenant, actor, new, via="web", cause=cause, claim=claim)


def allowed_origins(deps: Deps, slug: str) -> list[str]:
    """Sites allowed to call the tenant's public endpoints from a browser (CORS)."""
    return list(tenant_by_slug(deps, slug).portal.allowed_origins)


def unsubscribe(deps: Deps, slug: str, token: str) -> str:
    """One-click unsubscribe (RFC 8058) from an item's mail: the signed token names the person and the item."""
    from dataclasses import replace as _replace

    from tandem.domain.activity import Activity
    from tandem.domain.items import Cause

    tenant = tenant_by_slug(deps, slug)
    claims = deps.tokens.verify(token or "")
    if not claims or claims.get("typ") != "unsub" or claims.get("tid") != tenant.id:
        raise Unauthorized("invalid or expired unsubscribe link")
    item = deps.repos.items.get(tenant.id, str(claims.get("ref", "")))
    if item is None:
        raise NotFound("item not found")
    user_id = claims["sub"]
    if user_id in item.followers:
        updated = _replace(item, followers=[f for f in item.followers if f != user_id], updated_at=deps.clock())
        deps.repos.items.save(
            updated,
            Activity(
                tenant.id,
                deps.new_id(),
                item.id,
                deps.clock(),
                "updated",
                Cause.EMAIL,
                actor_id=user_id,
                changes={"followers": [item.followers, updated.followers]},
                note="unsubscribed by mail",
            ),
        )
    return item.ref
