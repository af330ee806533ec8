"""The four routes of a tenant resource (list, create, read, update), registered from one description."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api import api, route
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


def pick(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {n: data[n] for n in names if n in data}


def resource(
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
        route(path + suffix, methods=methods)(endpoint(fn))
