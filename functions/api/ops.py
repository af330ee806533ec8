"""The route table: every operation declares its models once, and its Chalice route, request decoding, response
encoding and OpenAPI entry (spec.py) all come from that declaration.

Route modules load lazily (a cold API Lambda imports only the module of the route it serves): Chalice gets every
route at import from the generated list in route_table.py, each as a small view that imports the route's module
on its first call and hands over to the view `op` made there. Reading `OPS` (the OpenAPI document, tests) loads
every route module first, so it always lists every operation, in the order of route_table.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Response

from api.blueprint import api, route
from api.http import JSON, endpoint, read_path_params
from tandem.domain.limits import BODY_BYTES
from tandem.schemas.codec import encode, load, read_json

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Op:
    """One operation of the API as the OpenAPI document describes it."""

    method: str
    path: str
    name: str
    summary: str
    tag: str
    body: Any = None  # request model
    query: Any = None  # query-string model
    returns: Any = None  # response model; None with status 204 means no content
    status: int = 200
    auth: bool = True  # needs a credential (bearer token or session cookie)
    errors: tuple[int, ...] = ()  # statuses beyond those every operation of its kind can answer
    media: str = "application/json"
    headers: tuple[str, ...] = ()  # request headers it reads: Idempotency-Key, If-Match
    max_bytes: int = BODY_BYTES  # the body's size limit (413 beyond): only an import batch takes more


_OPS: list[Op] = []  # in the order the route modules were imported; read `OPS` for the whole table
VIEWS: dict[tuple[str, str], Callable[..., Any]] = {}  # (method, path) -> the route's view, once its module is in
CONTENT_TYPES: dict[tuple[str, str], list[str] | None] = {}  # (method, path) -> content_types given to `op`


@dataclass
class Call:
    """What a route function receives: the Chalice request and the decoded body and query."""

    request: Any
    body: Any = None
    query: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def _query(request: Any, model: Any) -> dict[str, Any]:
    """Query parameters as the model wants them: repeated keys become lists only where the model takes a list."""
    import msgspec

    params = request.query_params
    if not params:
        return {}
    lists = {f.encode_name for f in msgspec.structs.fields(model) if "list" in str(f.type)}
    return {k: (params.getlist(k) if k in lists else params.get(k)) for k in params}


def respond(result: Any, status: int, media: str) -> Response:
    """A route's return value → the HTTP answer: a Response as it is, None → 204, anything else → JSON."""
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(body="", status_code=204, headers={})
    return Response(body=encode(result).decode("utf-8"), status_code=status, headers={"Content-Type": media})


def op(
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    body: Any = None,
    query: Any = None,
    returns: Any = None,
    status: int = 200,
    auth: bool = True,
    errors: tuple[int, ...] = (),
    media: str = "application/json",
    headers: tuple[str, ...] = (),
    content_types: list[str] | None = None,
    max_bytes: int = BODY_BYTES,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(call, **path_params)` as `method path`, decoding `body` and `query` with their models."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _OPS.append(Op(method, path, fn.__name__, summary, tag, body, query, returns, status, auth, errors, media,
                       headers, max_bytes))

        def view(**params: Any) -> Any:
            request = api.current_request
            read_path_params(params)
            decoded = load(body, read_json(request.raw_body, max_bytes)) if body is not None else None
            q = load(query, _query(request, query), strict=False, what="query") if query is not None else None
            return respond(fn(Call(request, decoded, q), **params), status, media)

        view.__name__ = fn.__name__
        VIEWS[(method, path)] = endpoint(view)  # Chalice calls it through the dispatcher route_table registered
        CONTENT_TYPES[(method, path)] = content_types
        return fn

    return register


def _method_not_allowed(allowed: list[str]) -> Callable[..., Any]:
    def view(**params: Any) -> Response:
        return Response(
            body=encode({"error": {"code": "method_not_allowed", "message": "this path does not take that method",
                                   "details": {"allow": allowed}}}).decode(),
            status_code=405,
            headers={**JSON, "Allow": ", ".join(allowed)},
        )

    return view


def _no_route(**params: Any) -> Response:
    return Response(
        body=encode({"error": {"code": "not_found", "message": "no such route", "details": {}}}).decode(),
        status_code=404,
        headers=dict(JSON),
    )


def _dispatcher(method: str, path: str, module: str, name: str) -> Callable[..., Any]:
    """The view Chalice holds for `method path`: imports the route's module on the first call, then calls its view."""

    def view(**params: Any) -> Any:
        target = VIEWS.get((method, path))
        if target is None:
            importlib.import_module(f"api.{module}")
            target = VIEWS[(method, path)]
        return target(**params)

    view.__name__ = name
    return endpoint(view)


def register_routes(rows: tuple[tuple[str, str, str, str, tuple[str, ...] | None], ...]) -> None:
    """Register every operation of `rows` (method, path, module, view name, content types) with Chalice, its
    module not imported yet; then close the table (405 and 404)."""
    for method, path, module, name, content_types in rows:
        extra = {"content_types": list(content_types)} if content_types else {}
        route(path, methods=[method], **extra)(_dispatcher(method, path, module, name))
    close_route_table([(method, path) for method, path, *_ in rows])


def load_all() -> None:
    """Import every route module (in route_table's order), so `_OPS` holds every operation."""
    from api.route_table import MODULES

    for module in MODULES:
        importlib.import_module(f"api.{module}")


def __getattr__(name: str) -> Any:
    """`OPS`: the whole route table, every module loaded, in route_table.py's order (whatever order requests
    loaded the modules in, the OpenAPI document stays the same)."""
    if name != "OPS":
        raise AttributeError(name)
    from api.route_table import ROUTES

    load_all()
    order = {(method, path): n for n, (method, path, *_) in enumerate(ROUTES)}
    return sorted(_OPS, key=lambda o: order.get((o.method, o.path), len(order)))


def close_route_table(operations: list[tuple[str, str]]) -> None:
    """After every operation is registered: other methods on known paths answer 405 with `Allow`, and any other
    path under /v1 answers 404, both in the error shape (never API Gateway's own 403 "Missing Authentication
    Token", which would echo the Authorization header)."""
    for path, methods in _registered(operations).items():
        allowed = sorted(methods)
        missing = [m for m in METHODS if m not in methods]
        if missing:
            view = _method_not_allowed(allowed)
            view.__name__ = "not_allowed_" + "".join(c if c.isalnum() else "_" for c in path)
            route(path, methods=missing)(view)
    _no_route.__name__ = "no_route"
    route("/v1/{proxy+}", methods=list(METHODS))(_no_route)


def _registered(operations: list[tuple[str, str]]) -> dict[str, set[str]]:
    paths: dict[str, set[str]] = {}
    for method, path in operations:
        paths.setdefault(path, set()).add(method)
    for path, method in EXTRA_ROUTES:
        paths.setdefault(path, set()).add(method)
    return paths


# Routes registered outside `op` (none should be; kept so a special case stays visible).
EXTRA_ROUTES: list[tuple[str, str]] = []
