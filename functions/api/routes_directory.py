"""Users, customers, teams, organisations, portfolios, projects and item types: list, create, read, update."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api import api, render
from api.http import (
    body,
    current,
    decode_cursor,
    endpoint,
    if_match,
    limit_of,
    page_body,
    principal,
    query,
    remembered_create,
    with_etag,
)
from tandem.domain.people import Role
from tandem.services import manage_item_types as types_
from tandem.services import manage_people as people
from tandem.services import manage_projects as projects


def _pick(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {n: data[n] for n in names if n in data}


def _resource(
    path: str,
    name: str,
    *,
    list_: Callable,
    create: Callable,
    get: Callable,
    update: Callable,
    render_: Callable[[Any, Any], dict],
) -> None:
    """Register the four routes of a directory resource; the use cases do the checking."""

    def do_list() -> dict:
        request = api.current_request
        p = principal(request)
        page = list_(current().deps, p, query(request), limit_of(request), decode_cursor(request, f"{p.user_id}{path}"))
        return page_body(page, lambda x: render_(x, p), f"{p.user_id}{path}")

    def do_create() -> Any:
        request = api.current_request
        p = principal(request)
        data = body(request)
        return remembered_create(request, p, path, lambda: render_(create(current().deps, p, data), p))

    def do_get(id: str) -> Any:
        p = principal(api.current_request)
        entity = get(current().deps, p, id)
        return with_etag(render_(entity, p), entity.version)

    def do_update(id: str) -> Any:
        request = api.current_request
        p = principal(request)
        entity = update(current().deps, p, id, body(request), if_match(request))
        return with_etag(render_(entity, p), entity.version)

    for fn, suffix, methods in (
        (do_list, "", ["GET"]),
        (do_create, "", ["POST"]),
        (do_get, "/{id}", ["GET"]),
        (do_update, "/{id}", ["PATCH"]),
    ):
        fn.__name__ = f"{name}_{fn.__name__}"
        api.route(path + suffix, methods=methods)(endpoint(fn))


_resource(
    "/v1/users",
    "users",
    list_=lambda d, p, q, lim, after: people.list_people(d, p, customers=False, limit=lim, after=after),
    create=lambda d, p, b: people.create_user(d, p, **_pick(b, "email", "name", "role", "password")),
    get=lambda d, p, i: people.get_person(d, p, i, customer=False),
    update=lambda d, p, i, b, v: people.update_person(d, p, i, b, customer=False, expected_version=v),
    render_=lambda x, p: render.user(x),
)
_resource(
    "/v1/customers",
    "customers",
    list_=lambda d, p, q, lim, after: people.list_people(
        d, p, customers=True, organization_id=q.get("organization_id"), limit=lim, after=after
    ),
    create=lambda d, p, b: people.create_customer(d, p, **_pick(b, "email", "name", "organization_id", "password")),
    get=lambda d, p, i: people.get_person(d, p, i, customer=True),
    update=lambda d, p, i, b, v: people.update_person(d, p, i, b, customer=True, expected_version=v),
    render_=lambda x, p: render.user(x),
)
_resource(
    "/v1/teams",
    "teams",
    list_=lambda d, p, q, lim, after: people.list_teams(d, p, limit=lim, after=after),
    create=lambda d, p, b: people.create_team(d, p, **_pick(b, "name", "member_ids")),
    get=people.get_team,
    update=lambda d, p, i, b, v: people.update_team(d, p, i, b, v),
    render_=lambda x, p: render.team(x),
)
_resource(
    "/v1/organizations",
    "organizations",
    list_=lambda d, p, q, lim, after: people.list_organizations(d, p, limit=lim, after=after),
    create=lambda d, p, b: people.create_organization(d, p, **_pick(b, "name", "domains")),
    get=people.get_organization,
    update=lambda d, p, i, b, v: people.update_organization(d, p, i, b, v),
    render_=lambda x, p: render.organization(x),
)
_resource(
    "/v1/portfolios",
    "portfolios",
    list_=lambda d, p, q, lim, after: projects.list_portfolios(d, p, limit=lim, after=after),
    create=lambda d, p, b: projects.create_portfolio(d, p, **_pick(b, "name", "description")),
    get=projects.get_portfolio,
    update=lambda d, p, i, b, v: projects.update_portfolio(d, p, i, b, v),
    render_=lambda x, p: render.portfolio(x),
)
_resource(
    "/v1/projects",
    "projects",
    list_=lambda d, p, q, lim, after: projects.list_projects(
        d, p, portfolio_id=q.get("portfolio_id"), limit=lim, after=after
    ),
    create=lambda d, p, b: projects.create_project(
        d, p, **_pick(b, "name", "description", "portfolio_id", "members", "followers")
    ),
    get=projects.get_project,
    update=lambda d, p, i, b, v: projects.update_project(d, p, i, b, v),
    render_=lambda x, p: render.project(x, staff=p.role is not Role.CUSTOMER),
)
_resource(
    "/v1/item-types",
    "item_types",
    list_=lambda d, p, q, lim, after: types_.list_item_types(d, p, limit=lim, after=after),
    create=lambda d, p, b: types_.create_item_type(
        d, p, **_pick(b, "name", "kind", "inbound_address", "form", "defaults", "public", "survey")
    ),
    get=types_.get_item_type,
    update=lambda d, p, i, b, v: types_.update_item_type(d, p, i, b, v),
    render_=lambda x, p: render.item_type(x) if p.role is not Role.CUSTOMER else render.public_form(x),
)
