"""Portfolios and projects: members (users, teams), managers (staff users) and followers (anyone, customers too).

Projects are created and changed by admins only (Area.PROJECTS), so only admins name a project's managers."""

from __future__ import annotations

from typing import Any

from tandem.domain.errors import NotFound, ValidationError
from tandem.domain.hierarchy import Portfolio, Project
from tandem.domain.permissions import Action, Area, Principal, ProjectTarget, visible
from tandem.services.access import load_project, require_area, tenant_of
from tandem.services.deps import Deps
from tandem.services.editing import apply_fields, check_limit, check_version, optional_id, string_list, text
from tandem.services.ports import Page, Position


def create_portfolio(deps: Deps, p: Principal, *, name: str, description: str = "") -> Portfolio:
    require_area(p, Area.PORTFOLIOS, Action.CREATE)
    return deps.repos.portfolios.add(
        Portfolio(
            p.tenant_id,
            deps.new_id(),
            text("name")(name),
            deps.clock(),
            description=text("description", required=False, max_len=4000)(description),
        )
    )


def get_portfolio(deps: Deps, p: Principal, portfolio_id: str) -> Portfolio:
    require_area(p, Area.PORTFOLIOS, Action.READ)
    portfolio = deps.repos.portfolios.get(p.tenant_id, portfolio_id)
    if portfolio is None:
        raise NotFound("portfolio not found", {"id": portfolio_id})
    return portfolio


def update_portfolio(
    deps: Deps, p: Principal, portfolio_id: str, changes: dict[str, Any], expected_version: int | None = None
) -> Portfolio:
    require_area(p, Area.PORTFOLIOS, Action.ADMINISTER)
    portfolio = get_portfolio(deps, p, portfolio_id)
    check_version(portfolio, expected_version)
    checks = {"name": text("name"), "description": text("description", required=False, max_len=4000)}
    return deps.repos.portfolios.save(apply_fields(portfolio, changes, checks))


def list_portfolios(deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None) -> Page[Portfolio]:
    require_area(p, Area.PORTFOLIOS, Action.READ)
    return deps.repos.portfolios.list(p.tenant_id, limit=check_limit(limit), after=after)


def _checked_portfolio(deps: Deps, tenant_id: str, value: Any) -> str | None:
    portfolio_id = optional_id("portfolio_id")(value)
    if portfolio_id and deps.repos.portfolios.get(tenant_id, portfolio_id) is None:
        raise ValidationError("unknown portfolio", {"field": "portfolio_id"})
    return portfolio_id


def _principals(value: Any) -> list[str]:
    refs = string_list("members")(value)
    if any(not (r.startswith("user:") or r.startswith("team:")) for r in refs):
        raise ValidationError("members are 'user:<id>' or 'team:<id>'", {"field": "members"})
    return refs


def _managers(deps: Deps, tenant_id: str, value: Any) -> list[str]:
    """Staff users of the tenant (one BatchGetItem): managers decide on timesheets, which customers never see."""
    ids = string_list("managers")(value)
    staff = {u.id for u in deps.repos.users.get_many(tenant_id, ids) if u.role.is_staff} if ids else set()
    errors = [{"field": f"managers[{i}]", "message": "not a staff user of this tenant"}
              for i, user_id in enumerate(ids) if user_id not in staff]
    if errors:
        raise ValidationError("managers are staff users of the tenant", {"errors": errors})
    return ids


def _project_checks(deps: Deps, tenant_id: str) -> dict[str, Any]:
    return {
        "name": text("name"),
        "description": text("description", required=False, max_len=4000),
        "portfolio_id": lambda v: _checked_portfolio(deps, tenant_id, v),
        "members": _principals,
        "followers": string_list("followers"),
        "managers": lambda v: _managers(deps, tenant_id, v),
    }


def create_project(deps: Deps, p: Principal, **fields: Any) -> Project:
    require_area(p, Area.PROJECTS, Action.CREATE)
    project = Project(p.tenant_id, deps.new_id(), "", deps.clock())
    fields.setdefault("name", None)
    return deps.repos.projects.add(apply_fields(project, fields, _project_checks(deps, p.tenant_id)))


def get_project(deps: Deps, p: Principal, project_id: str) -> Project:
    return load_project(deps, p, project_id)


def update_project(
    deps: Deps, p: Principal, project_id: str, changes: dict[str, Any], expected_version: int | None = None
) -> Project:
    project = load_project(deps, p, project_id)
    require_area(p, Area.PROJECTS, Action.ADMINISTER)
    check_version(project, expected_version)
    return deps.repos.projects.save(apply_fields(project, changes, _project_checks(deps, p.tenant_id)))


def list_projects(
    deps: Deps, p: Principal, *, portfolio_id: str | None = None, limit: int | None = None, after: Position = None
) -> Page[Project]:
    """The projects the caller may see: a page of the tenant's projects, filtered by the permission function."""
    require_area(p, Area.PROJECTS, Action.READ)
    tenant = tenant_of(deps, p)
    if portfolio_id:
        page = deps.repos.projects.list_in_portfolio(p.tenant_id, portfolio_id, limit=check_limit(limit), after=after)
    else:
        page = deps.repos.projects.list(p.tenant_id, limit=check_limit(limit), after=after)
    page.items = [pr for pr in page.items if visible(p, Action.READ, ProjectTarget(tenant, pr))]
    return page
