"""Conditional GETs: an `ETag` on the answer, and `304 Not Modified` without a body when `If-None-Match` names it.

A workspace polls every few seconds; a poll that finds nothing new should transfer nothing."""

from __future__ import annotations

import hashlib
from typing import Any

from chalice import Response

from api.http import JSON
from tandem.domain.errors import BadRequest
from tandem.schemas.codec import encode

HEADER = "If-None-Match"
# Answers differ per caller: browsers may keep them but must ask again, shared caches must not keep them.
NO_STORE_SHARED = {"Cache-Control": "private, no-cache"}


def _tags(request: Any) -> list[str] | None:
    raw = (request.headers or {}).get(HEADER.lower())
    if raw is None:
        return None
    if len(raw) > 200:
        raise BadRequest("If-None-Match must be an ETag this API returned", {"field": HEADER})
    return [t.strip().removeprefix("W/") for t in raw.split(",") if t.strip()]


def body_tag(encoded: bytes) -> str:
    """An ETag for a body no version describes (a list page): its hash."""
    return '"' + hashlib.sha256(encoded).hexdigest()[:32] + '"'


def conditional(request: Any, body: Any, tag: str | None = None) -> Response:
    """`body` as JSON with `tag` (by default the body's hash) as its ETag, or 304 when the client has it already."""
    encoded = encode(body)
    tag = tag or body_tag(encoded)
    headers = {"ETag": tag, **NO_STORE_SHARED}
    tags = _tags(request)
    if tags is not None and ("*" in tags or tag in tags):
        return Response(body="", status_code=304, headers=headers)
    return Response(body=encoded.decode(), status_code=200, headers={**JSON, **headers})
