"""Reading requests: bytes → JSON (size, depth, UTF-8) → a typed model, with every bad field named.

The order matters: unreadable input is a 400 before any model runs, an oversized body a 413 before it is parsed,
and a readable body that breaks the model a 422 whose details list each field that is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

from tandem.domain.decoding import error_path
from tandem.domain.errors import BadRequest, TooLarge, ValidationError
from tandem.domain.limits import BODY_BYTES, DEPTH

M = TypeVar("M")


def read_json(raw: bytes | str | None, limit: int = BODY_BYTES) -> Any:
    """The JSON value of a request body (at most `limit` bytes); None when there is no body at all."""
    if raw is None:
        return None
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(data) > limit:
        raise TooLarge(f"the body is larger than {limit} bytes", {"limit": limit})
    if not data.strip():
        return None
    try:
        value = msgspec.json.decode(data)
    except RecursionError as exc:
        raise BadRequest(f"the body is nested deeper than {DEPTH} levels", {"limit": DEPTH}) from exc
    except msgspec.DecodeError as exc:
        raise BadRequest("the body is not valid JSON in UTF-8", {"reason": str(exc)}) from exc
    check_depth(value)
    return value


def check_depth(value: Any, limit: int = DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` (walked without recursion, so no input can exhaust the stack)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise BadRequest(f"the body is nested deeper than {limit} levels", {"limit": limit})
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def check_text(value: str, field: str) -> str:
    """Text that can be stored: valid Unicode (no lone surrogates) and no NUL characters."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadRequest(f"{field} is not valid Unicode", {"field": field}) from exc
    return value


def _path(field: str, exc: msgspec.ValidationError) -> tuple[str, str]:
    """Our path of a msgspec error under `field` (`actions[0].key`), and its message."""
    message, path = error_path(exc, field)
    return path.lstrip("."), message


def field_errors(model: type, data: Mapping[str, Any], *, strict: bool = True) -> list[dict[str, str]]:
    """Every field of `data` that does not fit `model`: unknown, missing or wrong, each with its own message."""
    info = {f.encode_name: f for f in msgspec.structs.fields(model)}
    errors = [{"field": k, "message": "is not a field of this request"} for k in data if k not in info]
    for name, f in info.items():
        if name not in data:
            if f.required:
                errors.append({"field": name, "message": "is required"})
            continue
        try:
            msgspec.convert(data[name], f.type, strict=strict)
        except msgspec.ValidationError as exc:
            where, message = _path(name, exc)
            errors.append({"field": where, "message": message})
    return errors


def load(model: type[M], data: Any, *, strict: bool = True, what: str = "body") -> M:
    """`data` as an instance of `model`, or a 422 naming each bad field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        not_object = [{"field": "", "message": "must be a JSON object"}]
        raise ValidationError(f"the {what} must be a JSON object", {"errors": not_object})
    try:
        return msgspec.convert(data, model, strict=strict)
    except msgspec.ValidationError as exc:
        where, message = _path("", exc)
        errors = field_errors(model, data, strict=strict) or [{"field": where, "message": message}]
        first = errors[0]
        label = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        raise ValidationError(f"invalid {what}: {label}", {"errors": errors}) from exc


def given(model_instance: Any) -> dict[str, Any]:
    """The fields a client actually sent (UNSET ones left out), as plain Python values for the use cases."""
    out = {}
    for f in msgspec.structs.fields(type(model_instance)):
        value = getattr(model_instance, f.name)
        if value is not msgspec.UNSET:
            out[f.encode_name] = msgspec.to_builtins(value)
    return out


def encode(value: Any) -> bytes:
    """Response JSON: structs, dataclasses, enums and dicts alike."""
    return msgspec.json.encode(value)
