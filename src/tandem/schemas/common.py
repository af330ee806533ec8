"""Shapes every route shares: the error, list pages, list queries."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from tandem.domain.limits import TOKEN

Limit = Annotated[int, Meta(ge=1, le=200)]
Cursor = Annotated[str, Meta(min_length=1, max_length=TOKEN)]


class ErrorBody(Struct, kw_only=True):
    code: str
    message: str
    details: dict[str, Any]


class Error(Struct, kw_only=True):
    """Every 4xx and 5xx: `{"error": {"code", "message", "details"}}`."""

    error: ErrorBody


class ListQuery(Struct, kw_only=True):
    """Paging of any list: `?limit=` (1-200, default 50) and the `next_cursor` of the previous page."""

    limit: Limit = 50
    cursor: Cursor | None = None


class Status(Struct, kw_only=True):
    status: str


def page_of(model: Any) -> type[Struct]:
    """`{"items": [model], "next_cursor": str | null}` (one class per model, so the OpenAPI names stay unique)."""
    return _page(model)


@cache
def _page(model: Any) -> type[Struct]:
    name = model.__name__
    return msgspec.defstruct(
        f"{name}Page", [("items", list[model]), ("next_cursor", str | None)], kw_only=True, forbid_unknown_fields=True
    )
