"""Users (admins, agents), customers, teams and organisations."""

from __future__ import annotations

from typing import Any

from tandem.domain.errors import NotFound, ValidationError
from tandem.domain.people import Organization, Role, Team, User, email_domain, normalize_domain, normalize_email
from tandem.domain.permissions import Action, Area, Principal
from tandem.services import roles
from tandem.services.access import require_area
from tandem.services.deps import Deps
from tandem.services.editing import apply_fields, boolean, check_limit, check_version, optional_id, string_list, text
from tandem.services.ports import Page, Position
from tandem.services.sessions import end_sessions
from tandem.services.sign_up import check_password


def _role(value: Any) -> Role:
    try:
        role = Role(value)
    except ValueError as exc:
        raise ValidationError("role must be admin, agent or customer", {"field": "role"}) from exc
    if not role.is_person:  # integrations are API keys (/v1/api-keys), never users
        raise ValidationError("role must be admin, agent or customer", {"field": "role"})
    return role


def create_user(
    deps: Deps,
    p: Principal,
    *,
    email: str,
    name: str,
    role: str | None = None,
    password: str | None = None,
    role_id: str | None = None,
) -> User:
    """An admin or agent of the caller's tenant (customers are created with `create_customer`), holding `role_id`
    (a built-in or custom role; `role`, its base, follows) or the built-in of `role` (agent when neither)."""
    require_area(p, Area.USERS, Action.CREATE)
    if role is not None and not _role(role).is_staff:
        raise ValidationError("use /v1/customers for customers", {"field": "role"})
    given = roles.assigned_role(deps, p, role_id, role if role or role_id else "agent")
    user = User(
        p.tenant_id,
        deps.new_id(),
        normalize_email(email),
        text("name")(name),
        Role(given.base),
        deps.clock(),
        password_hash=deps.passwords.hash(check_password(password)) if password else None,
        role_id=given.id,
    )
    return deps.repos.users.add(user)


def find_organization_for(deps: Deps, tenant_id: str, email: str) -> str | None:
    """The organisation that owns the email's domain, if any."""
    org = deps.repos.organizations.by_domain(tenant_id, email_domain(email))
    return org.id if org else None


def create_customer(
    deps: Deps,
    p: Principal,
    *,
    email: str,
    name: str | None = None,
    organization_id: str | None = None,
    password: str | None = None,
) -> User:
    """A customer, joined to the organisation of their email domain unless one is named."""
    require_area(p, Area.CUSTOMERS, Action.CREATE)
    email = normalize_email(email)
    if organization_id and deps.repos.organizations.get(p.tenant_id, organization_id) is None:
        raise ValidationError("unknown organization", {"field": "organization_id"})
    org = organization_id or find_organization_for(deps, p.tenant_id, email)
    user = User(
        p.tenant_id,
        deps.new_id(),
        email,
        (name or email.split("@")[0]).strip(),
        Role.CUSTOMER,
        deps.clock(),
        organization_id=org,
        password_hash=deps.passwords.hash(check_password(password)) if password else None,
    )
    return deps.repos.users.add(user)


def get_person(deps: Deps, p: Principal, user_id: str, *, customer: bool) -> User:
    """A user or customer by id; customers may read only themselves."""
    if p.role is Role.CUSTOMER and user_id == p.user_id and customer:
        user = deps.repos.users.get(p.tenant_id, user_id)
    else:
        require_area(p, Area.CUSTOMERS if customer else Area.USERS, Action.READ)
        user = deps.repos.users.get(p.tenant_id, user_id)
    if user is None or (user.role is Role.CUSTOMER) != customer:
        raise NotFound("not found", {"id": user_id})
    return user


def list_people(
    deps: Deps,
    p: Principal,
    *,
    customers: bool,
    organization_id: str | None = None,
    limit: int | None = None,
    after: Position = None,
) -> Page[User]:
    require_area(p, Area.CUSTOMERS if customers else Area.USERS, Action.READ)
    if customers and organization_id:
        return deps.repos.users.list_in_organization(
            p.tenant_id, organization_id, limit=check_limit(limit), after=after
        )
    return deps.repos.users.list(p.tenant_id, staff=not customers, limit=check_limit(limit), after=after)


def update_person(
    deps: Deps,
    p: Principal,
    user_id: str,
    changes: dict[str, Any],
    *,
    customer: bool,
    expected_version: int | None = None,
) -> User:
    """Admins change anyone; a person may change their own name and password."""
    user = get_person(deps, p, user_id, customer=customer)
    self_service = user_id == p.user_id and set(changes) <= {"name", "password"}
    if not self_service:
        require_area(p, Area.CUSTOMERS if customer else Area.USERS, Action.ADMINISTER)
    check_version(user, expected_version)
    changes = dict(changes)
    if "password" in changes:
        changes["password_hash"] = deps.passwords.hash(check_password(changes.pop("password")))
    checks = {
        "name": text("name"),
        "email": normalize_email,
        "active": boolean("active"),
        "password_hash": lambda v: v,
        "organization_id": optional_id("organization_id"),
    }
    if not customer:
        changes = _role_change(deps, p, user, changes)
        checks.update(role=_staff_role, role_id=lambda v: v)
    updated = apply_fields(user, changes, checks)
    previous = user.email if updated.email != user.email else None
    if _ends_sessions(user, updated, by_someone_else=user_id != p.user_id):
        return end_sessions(deps, updated, previous_email=previous)
    return deps.repos.users.save(updated, previous_email=previous)


def _ends_sessions(before: User, after: User, *, by_someone_else: bool) -> bool:
    """Whether the change makes the user's tokens say something untrue, or is an admin locking them out.

    A person changing their own password keeps their sessions: this API would sign them out mid-change."""
    vouched = ("active", "role", "role_id", "organization_id", "email")
    if any(getattr(before, f) != getattr(after, f) for f in vouched):
        return True
    return by_someone_else and before.password_hash != after.password_hash


def _role_change(deps: Deps, p: Principal, user: User, changes: dict[str, Any]) -> dict[str, Any]:
    """`role_id` and `role` (its base) move together: naming the role sets the base (422 if both are named and
    disagree); naming only another base gives its built-in. The caller must hold all that the user's current and
    new roles grant (403 otherwise)."""
    role_id, role = changes.get("role_id"), changes.get("role")
    if role_id is None and (role is None or role == user.role.value):
        changes.pop("role_id", None)
        return changes
    if role is not None:
        _staff_role(role)
    given = roles.assigned_role(deps, p, role_id, role)
    if given.id != user.role_id:
        roles.may_take_from(deps, p, user)
    return {**changes, "role_id": given.id, "role": given.base}


def _staff_role(value: Any) -> Role:
    role = _role(value)
    if not role.is_staff:
        raise ValidationError("staff cannot become customers", {"field": "role"})
    return role


def _members(deps: Deps, tenant_id: str, ids: list[str]) -> list[str]:
    ids = string_list("member_ids")(ids)
    for uid in ids:
        user = deps.repos.users.get(tenant_id, uid)
        if user is None or not user.role.is_staff:
            raise ValidationError("team members must be users of this tenant", {"field": "member_ids", "id": uid})
    return ids


def create_team(deps: Deps, p: Principal, *, name: str, member_ids: list[str] | None = None) -> Team:
    require_area(p, Area.TEAMS, Action.CREATE)
    team = Team(
        p.tenant_id,
        deps.new_id(),
        text("name")(name),
        deps.clock(),
        member_ids=_members(deps, p.tenant_id, member_ids or []),
    )
    return deps.repos.teams.add(team)


def update_team(
    deps: Deps, p: Principal, team_id: str, changes: dict[str, Any], expected_version: int | None = None
) -> Team:
    require_area(p, Area.TEAMS, Action.ADMINISTER)
    team = get_team(deps, p, team_id)
    check_version(team, expected_version)
    checks = {"name": text("name"), "member_ids": lambda v: _members(deps, p.tenant_id, v)}
    updated = apply_fields(team, changes, checks)
    # Tokens list their teams: whoever leaves the team loses their sessions first, so a failure in between
    # signs someone out rather than leaving them in.
    for user_id in dict.fromkeys(m for m in team.member_ids if m not in updated.member_ids):
        member = deps.repos.users.get(p.tenant_id, user_id)
        if member is not None:
            end_sessions(deps, member)
    return deps.repos.teams.save(updated)


def get_team(deps: Deps, p: Principal, team_id: str) -> Team:
    require_area(p, Area.TEAMS, Action.READ)
    team = deps.repos.teams.get(p.tenant_id, team_id)
    if team is None:
        raise NotFound("team not found", {"id": team_id})
    return team


def _domains(value: Any) -> list[str]:
    return list(dict.fromkeys(normalize_domain(d) for d in string_list("domains")(value)))


def create_organization(deps: Deps, p: Principal, *, name: str, domains: list[str] | None = None) -> Organization:
    require_area(p, Area.ORGANIZATIONS, Action.CREATE)
    org = Organization(p.tenant_id, deps.new_id(), text("name")(name), deps.clock(), domains=_domains(domains or []))
    return deps.repos.organizations.add(org)


def get_organization(deps: Deps, p: Principal, org_id: str) -> Organization:
    require_area(p, Area.ORGANIZATIONS, Action.READ)
    org = deps.repos.organizations.get(p.tenant_id, org_id)
    if org is None:
        raise NotFound("organization not found", {"id": org_id})
    return org


def update_organization(
    deps: Deps, p: Principal, org_id: str, changes: dict[str, Any], expected_version: int | None = None
) -> Organization:
    require_area(p, Area.ORGANIZATIONS, Action.ADMINISTER)
    org = get_organization(deps, p, org_id)
    check_version(org, expected_version)
    return deps.repos.organizations.save(apply_fields(org, changes, {"name": text("name"), "domains": _domains}))


def list_teams(deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None) -> Page[Team]:
    require_area(p, Area.TEAMS, Action.READ)
    return deps.repos.teams.list(p.tenant_id, limit=check_limit(limit), after=after)


def list_organizations(
    deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None
) -> Page[Organization]:
    require_area(p, Area.ORGANIZATIONS, Action.READ)
    return deps.repos.organizations.list(p.tenant_id, limit=check_limit(limit), after=after)
