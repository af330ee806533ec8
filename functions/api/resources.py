"""The routes of a tenant resource (list, create, read, update, and delete where it has one), from one description."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.http import (
    current,
    decode_cursor,
    if_match,
    page_body,
    principal,
    remembered_create,
    with_etag,
)
from api.ops import Call, op
from tandem.schemas.codec import given
from tandem.schemas.common import ListQuery, page_of
from tandem.services.open_item import fingerprint


def resource(
    path: str,
    name: str,
    *,
    noun: str,
    out: Any,
    create_model: Any,
    patch_model: Any,
    list_: Callable,
    create: Callable,
    get: Callable,
    update: Callable,
    render_: Callable[[Any, Any], Any],
    delete: Callable | None = None,
    query: Any = ListQuery,
    errors: tuple[int, ...] = (),
) -> None:
    """Register the routes of a directory resource; the use cases do the checking, the models the decoding.
    `errors`: statuses its writes may answer beyond the common ones (409 for a delete refused, say)."""
    tag = name.replace("_", " ")

    def do_list(call: Call) -> dict:
        p = principal(call.request)
        scope = f"{p.user_id}{path}"
        page = list_(current().deps, p, given(call.query), call.query.limit, decode_cursor(call.query.cursor, scope))
        return page_body(page, lambda x: render_(x, p), scope)

    def do_create(call: Call) -> Any:
        p = principal(call.request)
        data = given(call.body)
        return remembered_create(
            call.request, p, path, lambda: render_(create(current().deps, p, data), p), fingerprint(data)
        )

    def do_get(call: Call, id: str) -> Any:
        p = principal(call.request)
        entity = get(current().deps, p, id)
        return with_etag(render_(entity, p), entity.version)

    def do_update(call: Call, id: str) -> Any:
        p = principal(call.request)
        entity = update(current().deps, p, id, given(call.body), if_match(call.request))
        return with_etag(render_(entity, p), entity.version)

    def do_delete(call: Call, id: str) -> None:
        assert delete is not None
        delete(current().deps, principal(call.request), id, if_match(call.request))

    table: list[tuple[Callable, str, str, dict[str, Any]]] = [
        (do_list, "", "GET", dict(summary=f"List {noun}s", query=query, returns=page_of(out))),
        (do_create, "", "POST", dict(summary=f"Create a {noun}", body=create_model, returns=out, status=201,
                                       headers=("Idempotency-Key",))),
        (do_get, "/{id}", "GET", dict(summary=f"Read a {noun}", returns=out)),
        (do_update, "/{id}", "PATCH", dict(summary=f"Change a {noun}", body=patch_model, returns=out,
                                           headers=("If-Match",))),
    ]
    if delete is not None:
        table.append((do_delete, "/{id}", "DELETE", dict(summary=f"Delete a {noun}", status=204,
                                                         headers=("If-Match",))))
    for fn, suffix, method, spec in table:
        fn.__name__ = f"{name}_{fn.__name__.removeprefix('do_')}"
        op(method, path + suffix, tag=tag, errors=errors if method != "GET" else (), **spec)(fn)
