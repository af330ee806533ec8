"""The OpenAPI 3.1 document, generated from the route table (ops.py) and the models — nothing written by hand."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import msgspec

from api.ops import OPS, Op
from tandem.schemas.common import Error

REF = "#/components/schemas/{name}"
PATH_PARAM = re.compile(r"{([^}+]+)}")
# What any operation of a kind can answer besides its success.
COMMON = {
    "body": (400, 413, 422),
    "query": (400, 422),
    "auth": (401, 403),
    "path": (404,),
}
REASONS = {
    204: "No content",
    304: "Not modified: If-None-Match names the current ETag (no body)",
    400: "Unreadable request: not JSON, not UTF-8, nested too deeply, a forged cursor",
    401: "Missing, expired or revoked credential",
    403: "Not allowed for the caller's role",
    404: "No such resource, or one the caller may not see",
    405: "Method not allowed on this path",
    409: "Conflict with the current state",
    412: "If-Match does not match the current version",
    413: "Body larger than the limit",
    422: "The request breaks the model or a rule; details list each field",
    429: "Throttled; see Retry-After",
    503: "A dependency is unavailable",
}
HEADER_DOCS = {
    "Idempotency-Key": "A repeat with the same key returns the first result; the same key with another body is 422.",
    "If-Match": "The ETag the client read; a stale one is 412.",
    "If-None-Match": "The ETag of the answer the client has; while it is current the answer is 304 without a body.",
}


def _statuses(o: Op) -> list[int]:
    codes = set(o.errors)
    if o.body is not None:
        codes |= set(COMMON["body"])
    if o.query is not None:
        codes |= set(COMMON["query"])
    if o.auth:
        codes |= set(COMMON["auth"])
    if PATH_PARAM.search(o.path) or o.auth:
        codes |= set(COMMON["path"])
    if "If-Match" in o.headers:
        codes |= {400, 412}  # 400: an If-Match that is no ETag of ours
    if "Idempotency-Key" in o.headers:
        codes |= {400, 422}
    if "If-None-Match" in o.headers:
        codes.add(400)
    return sorted(codes)


def _parameters(o: Op, schemas: dict[Any, Any]) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^/]+$"}}
        for name in PATH_PARAM.findall(o.path)
    ]
    if o.query is not None:
        for f in msgspec.structs.fields(o.query):
            schema = schemas[(o.query, f.name)]
            params.append({"name": f.encode_name, "in": "query", "required": f.required, "schema": schema})
    for header in o.headers:
        params.append({"name": header, "in": "header", "required": False, "description": HEADER_DOCS[header],
                       "schema": {"type": "string", "maxLength": 200}})
    return params


def _responses(o: Op, ref: dict[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if o.returns is None:
        out[str(o.status)] = {"description": REASONS.get(o.status, "Done")}
    elif o.media == "application/json":
        out[str(o.status)] = {"description": o.summary, "content": {o.media: {"schema": ref[o.returns]}}}
    else:
        # Downloads may come in several types (`media` lists them, comma-separated): the query picks one. JSON
        # among them is the operation's model.
        kinds = {media: {"schema": ref[o.returns] if media == "application/json" else {"type": "string"}}
                 for media in o.media.split(",")}
        out[str(o.status)] = {"description": o.summary, "content": kinds}
    if "If-None-Match" in o.headers:
        out[str(o.status)]["headers"] = {"ETag": {"schema": {"type": "string"}}}
        out["304"] = {"description": REASONS[304], "headers": {"ETag": {"schema": {"type": "string"}}}}
    for code in _statuses(o):
        out[str(code)] = {"description": REASONS[code], "content": {"application/json": {"schema": ref[Error]}}}
    return out


def _operation(o: Op, ref: dict[Any, Any], schemas: dict[Any, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": o.name,
        "summary": o.summary,
        "tags": [o.tag],
        "parameters": _parameters(o, schemas),
        "responses": _responses(o, ref),
        "security": [{"bearer": []}, {"session": []}] if o.auth else [],
    }
    if o.body is not None:
        doc["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref[o.body]}}}
    return doc


def _schemas() -> tuple[dict[Any, Any], dict[Any, Any], dict[str, Any]]:
    """JSON Schema of every model the table names (components), and each query field's own schema."""
    models = {Error}
    for o in OPS:
        models |= {m for m in (o.body, o.returns) if m is not None}
    ordered = sorted(models, key=repr)
    refs, components = msgspec.json.schema_components(ordered, ref_template=REF)
    query_fields = [(o.query, f) for o in OPS if o.query is not None for f in msgspec.structs.fields(o.query)]
    field_refs, more = msgspec.json.schema_components([f.type for _, f in query_fields], ref_template=REF)
    components.update(more)
    per_field = {(q, f.name): schema for (q, f), schema in zip(query_fields, field_refs, strict=True)}
    return dict(zip(ordered, refs, strict=True)), per_field, components


@cache
def document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document (built once per process)."""
    ref, per_field, components = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for o in OPS:
        paths.setdefault(o.path, {})[o.method.lower()] = _operation(o, ref, per_field)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tandem API",
            "version": "1",
            "description": "Help desk and project tracker. Errors are {error: {code, message, details}}; lists page "
            "with limit and cursor; the tenant always comes from the credential.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An access token or an API key"},
                "session": {"type": "apiKey", "in": "cookie", "name": "tandem_session",
                            "description": "The portal's HttpOnly session; changes also need X-Tandem-CSRF: 1"},
            },
        },
    }
