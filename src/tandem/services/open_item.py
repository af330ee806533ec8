"""Opening an item (ticket or task) from the API, a web form or an email: one use case for all."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from tandem.domain.activity import Activity
from tandem.domain.api_keys import on_behalf
from tandem.domain.errors import Conflict, NotFound, ValidationError
from tandem.domain.item_types import ItemType, check_priority, validate_answers
from tandem.domain.items import Cause, Item, diff_and_apply
from tandem.domain.messages import Message
from tandem.domain.people import Role, User, normalize_email
from tandem.domain.permissions import Action, Area, Principal, ProjectTarget, allowed
from tandem.domain.tenants import Tenant
from tandem.services.access import require_area
from tandem.services.deps import Deps
from tandem.services.folders import check_item_folder
from tandem.services.modules import require_kind
from tandem.services.planning import resolve_predecessors
from tandem.services.ports import DuplicateRequest, IdempotencyClaim, Premise, StalePremise

# A write whose premises failed is decided again from fresh reads; a fact changing under every try is a conflict.
PREMISE_ATTEMPTS = 3
T = TypeVar("T")


def decided_again(decide: Callable[[int], T]) -> T:
    """`decide(attempt)` from what the warm Lambda remembers first (attempt 0); when its write found a remembered
    fact stale (StalePremise: the store forgot it), again from fresh reads, up to PREMISE_ATTEMPTS in all."""
    for attempt in range(PREMISE_ATTEMPTS - 1):
        try:
            return decide(attempt)
        except StalePremise:
            continue
    return decide(PREMISE_ATTEMPTS - 1)


@dataclass
class NewItem:
    """What a caller asks for; every field optional but the type and title."""

    type_id: str
    title: str
    description: str = ""
    kind: str | None = None
    project_id: str | None = None
    priority: str | None = None
    requester: str | None = None  # user id or email
    assignees: list[str] | None = None
    followers: list[str] | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    due_date: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # planned dates, tags, points ...


def fingerprint(payload: dict[str, Any]) -> str:
    """Same key + different body is a client bug worth a 422, so remember what the body was."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32]


def new_customer(deps: Deps, tenant: Tenant, email: str, name: str | None, organization_id: str | None) -> User:
    """A customer not stored yet: the one write that needs them adds them."""
    return User(
        tenant.id,
        deps.new_id(),
        email,
        (name or email.split("@")[0]).strip()[:200],
        Role.CUSTOMER,
        deps.clock(),
        organization_id=organization_id,
    )


def ensure_customer(deps: Deps, tenant: Tenant, email: str, name: str | None = None) -> User:
    """The person behind an email: an existing user, or a new customer joined to their domain's organisation."""
    from tandem.services.manage_people import find_organization_for

    email = normalize_email(email)
    user = deps.repos.users.by_email(tenant.id, email)
    if user is not None:
        return user
    user = new_customer(deps, tenant, email, name, find_organization_for(deps, tenant.id, email))
    try:
        return deps.repos.users.add(user)
    except Exception:
        # Two deliveries racing to create the same customer: the other one won, use it.
        existing = deps.repos.users.by_email(tenant.id, email)
        if existing is None:
            raise
        return existing


def _requester(deps: Deps, tenant: Tenant, actor: Principal | None, value: str | None) -> User | None:
    """The requester as the warm Lambda knows them: the create re-checks their version (a Premise)."""
    if actor is not None and actor.role is Role.CUSTOMER:
        return deps.repos.users.warm(tenant.id, actor.user_id)
    if not value:
        return deps.repos.users.warm(tenant.id, actor.user_id) if actor else None
    if "@" in value:
        return ensure_customer(deps, tenant, value)
    user = deps.repos.users.warm(tenant.id, value)
    if user is None:
        raise ValidationError("unknown requester", {"field": "requester"})
    return user


def _project(deps: Deps, tenant: Tenant, actor: Principal | None, item_type: ItemType, asked: str | None) -> str | None:
    """The asked project if the caller may file there, else the type's default."""
    if not asked or actor is None:
        # Visitors and mail never choose a project: the type's default (and later the rules) decide.
        return item_type.defaults.project_id
    project = deps.repos.projects.get(tenant.id, asked)
    if project is None:
        raise ValidationError("unknown project", {"field": "project_id"})
    if actor.role is Role.CUSTOMER:
        if actor.user_id not in project.followers:
            raise ValidationError("unknown project", {"field": "project_id"})
        return project.id
    if not allowed(actor, Action.READ, ProjectTarget(tenant, project)):
        raise ValidationError("unknown project", {"field": "project_id"})
    return project.id


def open_item(
    deps: Deps,
    tenant: Tenant,
    actor: Principal | None,
    new: NewItem,
    *,
    via: str,
    cause: Cause,
    claim: IdempotencyClaim | None = None,
    note: str = "",
    configured_project: str | None = None,
    message: Message | None = None,
) -> Item:
    """Validate, default, number and store a new item with its 'created' activity in one write.

    `note` goes on the activity (what caused it, e.g. the inbound webhook); `configured_project` is a project an
    admin chose in configuration (an inbound webhook's), used as it is instead of the caller's choice; `message`
    is a first message stored in the same write (a chat's opening line).

    The item type and requester come from what the warm Lambda remembers; the write re-checks both, and when
    either changed meanwhile the item is decided again from fresh reads."""
    if actor is not None:
        require_area(actor, Area.ITEMS, Action.CREATE)
    try:
        return decided_again(lambda attempt: _open(deps, tenant, actor, new, via=via, cause=cause, claim=claim,
                                                   note=note, configured_project=configured_project, message=message))
    except StalePremise:
        raise Conflict("the item type or requester kept changing, try again") from None


def _open(
    deps: Deps,
    tenant: Tenant,
    actor: Principal | None,
    new: NewItem,
    *,
    via: str,
    cause: Cause,
    claim: IdempotencyClaim | None,
    note: str,
    configured_project: str | None,
    message: Message | None,
) -> Item:
    item_type = deps.repos.item_types.warm(tenant.id, new.type_id) if new.type_id else None
    if item_type is None:
        raise ValidationError("unknown item type", {"field": "type_id"})
    if new.kind and new.kind != item_type.kind:
        raise ValidationError("kind does not match the item type", {"field": "kind"})
    require_kind(tenant, item_type.kind)  # every channel creates through here: tasks need their module
    staff = actor is not None and actor.is_staff
    requester = _requester(deps, tenant, actor, new.requester)
    followers = list(dict.fromkeys(([requester.id] if requester else []) + (new.followers or [] if staff else [])))
    status = tenant.initial_status(item_type.kind)
    now = deps.clock()
    item = Item(
        tenant_id=tenant.id,
        id=deps.new_id(),
        ref="",
        kind=item_type.kind,
        type_id=item_type.id,
        title="-",
        status=status.key,
        status_category=status.category,
        created_at=now,
        updated_at=now,
        priority=check_priority(new.priority if staff and new.priority else item_type.defaults.priority),
        requester_id=requester.id if requester else None,
        organization_id=requester.organization_id if requester else None,
        assignees=list(item_type.defaults.assignees),
        followers=followers,
        project_id=configured_project or _project(deps, tenant, actor, item_type, new.project_id),
        fields=validate_answers(item_type.form, new.fields or {}),
        via=via,
    )
    changes: dict[str, Any] = {"title": new.title, "description": new.description or "", "due_date": new.due_date}
    if staff:
        changes.update(new.extra)
        if new.assignees is not None:
            changes["assignees"] = new.assignees
        if changes.get("predecessors"):
            changes["predecessors"] = resolve_predecessors(deps, tenant, actor, item, changes["predecessors"])
        check_item_folder(deps, tenant.id, item.project_id, changes.get("folder_id"))  # issue 15
    item, _ = diff_and_apply(item, {k: v for k, v in changes.items() if k == "title" or v not in (None, "")})
    actor_id = actor.user_id if actor else (requester.id if requester else None)
    item = replace(item, changed_by=actor_id)
    cause, note = on_behalf(actor, cause, note)
    activity = Activity(tenant.id, deps.new_id(), item.id, now, "created", cause, actor_id=actor_id, note=note)
    premises = [Premise("type", tenant.id, item_type.id, item_type.version)]
    if requester is not None:
        premises.append(Premise("user", tenant.id, requester.id, requester.version))
    try:
        return deps.repos.items.create(item, activity, claim=claim, message=message, premises=tuple(premises))
    except DuplicateRequest as dup:
        if claim is not None and not claim.replay:
            raise
        return replay(deps, tenant, claim, dup)


def replay(deps: Deps, tenant: Tenant, claim: IdempotencyClaim | None, dup: DuplicateRequest) -> Item:
    """The first result of a repeated create (same Idempotency-Key, same body)."""
    if claim is not None and dup.fingerprint != claim.fingerprint:
        raise ValidationError("Idempotency-Key reused with a different request", {"code": "idempotency_mismatch"})
    item = deps.repos.items.get(tenant.id, dup.result_ref)
    if item is None:
        raise NotFound("item not found")
    return item
