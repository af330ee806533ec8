"""Shared mechanics of create/update use cases: allowed fields, optimistic versions, paging."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from tandem.domain.errors import PreconditionFailed, ValidationError

E = TypeVar("E")

MAX_LIMIT = 200


def check_limit(limit: int | None) -> int:
    if limit is None:
        return 50
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}", {"field": "limit"})
    return limit


def check_version(entity: Any, expected: int | None) -> None:
    """If-Match: the client's version must be the current one."""
    if expected is not None and entity.version != expected:
        raise PreconditionFailed(
            "the resource changed since you read it", {"expected": expected, "current": entity.version}
        )


def apply_fields(entity: E, changes: dict[str, Any], checks: dict[str, Callable[[Any], Any]]) -> E:
    """A copy of `entity` with `changes` applied; only fields named in `checks` may change."""
    unknown = sorted(set(changes) - set(checks))
    if unknown:
        raise ValidationError("these fields cannot be changed", {"fields": unknown})
    return replace(entity, **{k: checks[k](v) for k, v in changes.items()})


def text(field: str, *, required: bool = True, max_len: int = 200) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise ValidationError(f"{field} must be a non-empty string", {"field": field})
        return value.strip()[:max_len]

    return check


def string_list(field: str) -> Callable[[Any], list[str]]:
    def check(value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"{field} must be a list of strings", {"field": field})
        return list(dict.fromkeys(value))

    return check


def optional_id(field: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            raise ValidationError(f"{field} must be an id", {"field": field})
        return value or None

    return check


def boolean(field: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"{field} must be true or false", {"field": field})
        return value

    return check
