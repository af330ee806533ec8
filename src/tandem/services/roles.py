"""Roles (issue 15): the built-in and custom privilege sets of a tenant, and what a caller's role grants.

`/v1/roles` lists the five built-ins (never stored, read-only) followed by the tenant's custom roles (at most
CUSTOM_ROLES, one Query). Roles are read and written by holders of people.manage, who never grant beyond their own
privileges: a role they create or change, and a role they give or take from someone, must hold nothing they lack.

A token names its role (`rid`); `privileges_for` resolves it on every request: a built-in from the code, a custom
role through the warm process's RoleCache (role_cache.py: at most one read per role and instance every 5 s), so
a changed role takes effect without signing in again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationError
from tandem.domain.people import Role, User
from tandem.domain.permissions import Action, Area, Principal
from tandem.domain.roles import (
    BUILTINS,
    CUSTOM_ROLES,
    RoleDef,
    builtin_role,
    check_role,
    default_privileges,
)
from tandem.services.access import require_area
from tandem.services.deps import Deps
from tandem.services.editing import check_limit, check_version
from tandem.services.ports import Page, Position

FIELDS = ("name", "description", "base", "privileges")
PATCHABLE = ("name", "description", "privileges")


# Resolution


def custom_role(deps: Deps, tenant_id: str, role_id: str) -> RoleDef | None:
    """A custom role as this warm process last read it (at most `role_cache.ttl_seconds` ago), or None."""
    known, role = deps.role_cache.get(tenant_id, role_id)
    if not known:
        role = deps.repos.roles.get(tenant_id, role_id)
        deps.role_cache.put(tenant_id, role_id, role)
    return role


def privileges_for(deps: Deps, tenant_id: str, role_id: str | None, base: Role) -> frozenset[str]:
    """What a person of base role `base` holding role `role_id` may do. No role named: the base's built-in (tokens
    issued before roles existed); a custom role deleted meanwhile: nothing (fail closed, an admin assigns another)."""
    if not base.is_staff or base is Role.INTEGRATION:
        return frozenset()
    if not role_id:
        return default_privileges(base)
    builtin = BUILTINS.get(role_id)
    if builtin is not None:
        return builtin.grants
    role = custom_role(deps, tenant_id, role_id)
    return role.grants if role is not None else frozenset()


def privileges_of(deps: Deps, user: User) -> frozenset[str]:
    """What a stored user may do (for decisions taken on someone's behalf: notifications, chat frames)."""
    return privileges_for(deps, user.tenant_id, user.role_id, user.role)


def principal_of(deps: Deps, user: User, team_ids: tuple[str, ...] = ()) -> Principal:
    """The caller a stored user is when something acts as them without a token (an operator's CLI, the seed, a
    notification deciding what they may read): the same fields and privileges a signed-in session of theirs has."""
    return Principal(user.tenant_id, user.id, user.role, team_ids, user.organization_id, user.email, user.name,
                     privileges=privileges_of(deps, user), role_id=user.role_id)


# Reading


def find_role(deps: Deps, tenant_id: str, role_id: str) -> RoleDef | None:
    """A built-in (a copy naming the tenant) or the tenant's custom role, read from the table."""
    return builtin_role(role_id, tenant_id) or deps.repos.roles.get(tenant_id, role_id)


def all_roles(deps: Deps, tenant_id: str) -> list[RoleDef]:
    """The built-ins, then the custom roles by name (one Query: a tenant has at most CUSTOM_ROLES)."""
    custom = deps.repos.roles.list(tenant_id, limit=CUSTOM_ROLES).items
    builtins = [builtin_role(i, tenant_id) for i in BUILTINS]
    return [r for r in builtins if r is not None] + sorted(custom, key=lambda r: (r.name.casefold(), r.id))


def list_roles(deps: Deps, p: Principal, _filters: dict[str, Any] | None = None, limit: int | None = None,
               after: Position = None) -> Page[RoleDef]:
    """GET /v1/roles: a page of the short ordered list; the position is an offset into it."""
    require_area(p, Area.ROLES, Action.READ)
    rows = all_roles(deps, p.tenant_id)
    start = after.get("o") if after else 0
    if not isinstance(start, int) or start < 0:
        raise BadRequest("invalid cursor", {"field": "cursor"})
    end = start + check_limit(limit)
    return Page(rows[start:end], {"o": end} if end < len(rows) else None)


def get_role(deps: Deps, p: Principal, role_id: str) -> RoleDef:
    require_area(p, Area.ROLES, Action.READ)
    role = find_role(deps, p.tenant_id, role_id)
    if role is None:
        raise NotFound("role not found", {"id": role_id})
    return role


# Writing


def _within_reach(p: Principal, role: RoleDef, what: str) -> None:
    """Nobody grants, or takes away, a privilege they do not hold themselves."""
    beyond = sorted(role.grants - (p.privileges or frozenset()))
    if beyond:
        raise Forbidden(f"you may not {what} a role with privileges you do not hold", {"privileges": beyond})


def _unknown(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError("these fields cannot be set", {"fields": unknown})


def create_role(deps: Deps, p: Principal, data: dict[str, Any]) -> RoleDef:
    """POST /v1/roles: a custom role (a unique name, known privileges; 409 past CUSTOM_ROLES)."""
    require_area(p, Area.ROLES, Action.CREATE)
    _unknown(data, FIELDS)
    role = check_role(RoleDef(p.tenant_id, deps.new_id(), data.get("name") or "", deps.clock(),
                              description=data.get("description") or "", base=data.get("base") or "agent",
                              privileges=list(data.get("privileges") or [])))
    _within_reach(p, role, "create")
    if len(deps.repos.roles.list(p.tenant_id, limit=CUSTOM_ROLES).items) >= CUSTOM_ROLES:
        raise Conflict(f"a tenant has at most {CUSTOM_ROLES} custom roles")
    try:
        return deps.repos.roles.add(role)
    except Conflict as exc:
        raise Conflict("a role with that name exists", {"field": "name"}) from exc


def _custom(deps: Deps, p: Principal, role_id: str, expected: int | None) -> RoleDef:
    role = get_role(deps, p, role_id)
    require_area(p, Area.ROLES, Action.ADMINISTER)
    if role.builtin:
        raise Conflict("built-in roles cannot be changed or deleted; create a custom role instead", {"id": role_id})
    check_version(role, expected)
    _within_reach(p, role, "change")
    return role


def update_role(deps: Deps, p: Principal, role_id: str, changes: dict[str, Any],
                expected: int | None = None) -> RoleDef:
    """PATCH /v1/roles/{id}: name, description, privileges of a custom role (built-ins: 409). Its users hold the
    new privileges on their next request (within RoleCache's 5 s on other warm instances), signed in or not."""
    role = _custom(deps, p, role_id, expected)
    _unknown(changes, PATCHABLE)
    changed = check_role(replace(role, **{k: v for k, v in changes.items() if v is not None}))
    _within_reach(p, changed, "grant")
    try:
        saved = deps.repos.roles.save(changed)
    except Conflict as exc:
        raise Conflict("a role with that name exists, or the role changed meanwhile", {"field": "name"}) from exc
    deps.role_cache.put(p.tenant_id, saved.id, saved)
    return saved


def delete_role(deps: Deps, p: Principal, role_id: str, expected: int | None = None) -> None:
    """DELETE /v1/roles/{id}: a custom role nobody holds (409 while anyone does; built-ins: 409)."""
    role = _custom(deps, p, role_id, expected)
    if deps.repos.users.any_with_role(p.tenant_id, role.id):
        raise Conflict("people still hold this role: give them another first", {"id": role.id})
    deps.repos.roles.delete(role)
    deps.role_cache.forget(p.tenant_id, role.id)


# Assigning


def assigned_role(deps: Deps, p: Principal, role_id: Any, role: Any = None) -> RoleDef:
    """The role a user is given (`role_id`, or the built-in of `role` when only that is named): it must exist
    (422) and agree with `role` when both are given (422), and the caller must hold all it grants (403)."""
    if role_id is None:
        role_id = role
    found = find_role(deps, p.tenant_id, role_id) if isinstance(role_id, str) and role_id else None
    if found is None:
        raise ValidationError("unknown role", {"field": "role_id"})
    if role is not None and role != found.base:
        raise ValidationError(f"role {role_id} has base {found.base}, not {role}", {"field": "role"})
    _within_reach(p, found, "assign")
    return found


def may_take_from(deps: Deps, p: Principal, user: User) -> None:
    """Before a user's role changes: the caller must hold all their current role grants (no one demotes, or
    re-roles, someone who may do more than they may)."""
    current = find_role(deps, user.tenant_id, user.role_id or "")
    if current is not None:
        _within_reach(p, current, "take away")
