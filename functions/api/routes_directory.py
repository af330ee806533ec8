"""Users, customers, teams, organisations, portfolios, projects and item types: list, create, read, update."""

from __future__ import annotations

from api import render
from api.resources import resource
from tandem.domain.errors import BadRequest
from tandem.domain.people import Role, User
from tandem.domain.permissions import Principal
from tandem.schemas import people as m
from tandem.schemas import projects as pm
from tandem.services import manage_item_types as types_
from tandem.services import manage_people as people
from tandem.services import manage_projects as projects
from tandem.services import search
from tandem.services.deps import Deps
from tandem.services.ports import Page


def pick(data: dict, *names: str) -> dict:
    return {n: data[n] for n in names if n in data}


def _customers(d: Deps, p: Principal, q: dict, limit: int, after: dict | None) -> Page[User]:
    """With `q` the customers come from the search index; a search's position never reaches the plain list."""
    if q.get("q") is not None:
        return search.search_customers(d, p, q["q"], organization_id=q.get("organization_id"), limit=limit,
                                       after=after)
    if after and "search" in after:
        raise BadRequest("invalid cursor", {"field": "cursor"})
    return people.list_people(d, p, customers=True, organization_id=q.get("organization_id"), limit=limit, after=after)


resource(
    "/v1/users",
    "users",
    noun="user",
    out=m.UserOut,
    create_model=m.UserCreate,
    patch_model=m.UserPatch,
    list_=lambda d, p, q, lim, after: people.list_people(d, p, customers=False, limit=lim, after=after),
    create=lambda d, p, b: people.create_user(d, p, **pick(b, "email", "name", "role", "password", "role_id")),
    get=lambda d, p, i: people.get_person(d, p, i, customer=False),
    update=lambda d, p, i, b, v: people.update_person(d, p, i, b, customer=False, expected_version=v),
    render_=lambda x, p: render.user(x),
)
resource(
    "/v1/customers",
    "customers",
    noun="customer",
    out=m.UserOut,
    create_model=m.CustomerCreate,
    patch_model=m.CustomerPatch,
    query=m.CustomersQuery,
    list_=lambda d, p, q, lim, after: _customers(d, p, q, lim, after),
    create=lambda d, p, b: people.create_customer(d, p, **pick(b, "email", "name", "organization_id", "password")),
    get=lambda d, p, i: people.get_person(d, p, i, customer=True),
    update=lambda d, p, i, b, v: people.update_person(
        d, p, i, {k: v for k, v in b.items() if k != "role"}, customer=True, expected_version=v
    ),
    render_=lambda x, p: render.user(x),
)
resource(
    "/v1/teams",
    "teams",
    noun="team",
    out=m.TeamOut,
    create_model=m.TeamCreate,
    patch_model=m.TeamPatch,
    list_=lambda d, p, q, lim, after: people.list_teams(d, p, limit=lim, after=after),
    create=lambda d, p, b: people.create_team(d, p, **pick(b, "name", "member_ids")),
    get=people.get_team,
    update=people.update_team,
    render_=lambda x, p: render.team(x),
)
resource(
    "/v1/organizations",
    "organizations",
    noun="organization",
    out=m.OrganizationOut,
    create_model=m.OrganizationCreate,
    patch_model=m.OrganizationPatch,
    list_=lambda d, p, q, lim, after: people.list_organizations(d, p, limit=lim, after=after),
    create=lambda d, p, b: people.create_organization(d, p, **pick(b, "name", "domains")),
    get=people.get_organization,
    update=people.update_organization,
    render_=lambda x, p: render.organization(x),
)
resource(
    "/v1/portfolios",
    "portfolios",
    noun="portfolio",
    out=pm.PortfolioOut,
    create_model=pm.PortfolioCreate,
    patch_model=pm.PortfolioPatch,
    list_=lambda d, p, q, lim, after: projects.list_portfolios(d, p, limit=lim, after=after),
    create=lambda d, p, b: projects.create_portfolio(d, p, **pick(b, "name", "description")),
    get=projects.get_portfolio,
    update=projects.update_portfolio,
    render_=lambda x, p: render.portfolio(x),
)
resource(
    "/v1/projects",
    "projects",
    noun="project",
    out=pm.ProjectOut,
    create_model=pm.ProjectCreate,
    patch_model=pm.ProjectPatch,
    query=pm.ProjectsQuery,
    list_=lambda d, p, q, lim, after: projects.list_projects(
        d, p, portfolio_id=q.get("portfolio_id"), limit=lim, after=after
    ),
    create=lambda d, p, b: projects.create_project(
        d, p, **pick(b, "name", "description", "portfolio_id", "members", "followers", "managers")
    ),
    get=projects.get_project,
    update=projects.update_project,
    render_=lambda x, p: render.project(x, staff=p.role is not Role.CUSTOMER),
)
resource(
    "/v1/item-types",
    "item_types",
    noun="item type",
    out=pm.ItemTypeOut,
    create_model=pm.ItemTypeCreate,
    patch_model=pm.ItemTypePatch,
    list_=lambda d, p, q, lim, after: types_.list_item_types(d, p, limit=lim, after=after),
    create=lambda d, p, b: types_.create_item_type(
        d, p, **pick(b, "name", "kind", "inbound_address", "form", "defaults", "public", "survey")
    ),
    get=types_.get_item_type,
    update=types_.update_item_type,
    render_=lambda x, p: render.item_type(x, staff=p.role is not Role.CUSTOMER),
)
