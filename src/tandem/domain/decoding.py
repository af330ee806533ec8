"""Typed decoding of untrusted JSON-shaped values with msgspec; a failure names the path of the bad part."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from tandem.domain.errors import ValidationError

T = TypeVar("T")

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_NAMED = re.compile(r"(?:missing required|unknown) field `(?P<name>[^`]+)`")


def error_path(exc: msgspec.ValidationError, root: str) -> tuple[str, str]:
    """msgspec's `Object missing required field `key` - at `$[0]`` → (`…`, `actions[0].key`).

    A missing or unknown field is reported at its object; naming the field itself tells the caller what to fix."""
    found = _AT.match(str(exc))
    message, path = (found["message"], found["path"] or "") if found else (str(exc), "")
    named = _NAMED.search(message)
    if named:
        path += f".{named['name']}"
    return message, f"{root}{path}"


def decode_as(raw: Any, type_: type[T] | Any, root: str) -> T:
    """`raw` (parsed JSON) as `type_`, or a ValidationError whose details name the field path under `root`."""
    try:
        return msgspec.convert(raw, type_)
    except msgspec.ValidationError as exc:
        message, path = error_path(exc, root)
        raise ValidationError(f"{path}: {message}", {"field": path}) from exc
