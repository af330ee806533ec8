"""Domain dataclasses ⇄ plain JSON-ready dicts, driven by the dataclasses' own type hints.

Records store a domain object as one JSON document plus the few attributes keys and filters need;
this module is the only place that knows how nested dataclasses, enums and tuples travel.
"""
from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_plain(obj: Any) -> Any:
    """A JSON-ready copy: dataclasses become dicts, enums their values, tuples lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_plain(v) for v in obj]
    return obj


def dumps(obj: Any) -> str:
    return json.dumps(to_plain(obj), separators=(",", ":"), ensure_ascii=False)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(tp: Any, value: Any) -> Any:
    if value is None or tp is Any:
        return value
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(options) == 1:
            return _convert(options[0], value)
        return _convert(_pick(options, value), value)
    if origin in (list, set, frozenset):
        (inner,) = typing.get_args(tp) or (Any,)
        return [_convert(inner, v) for v in value]
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(args, value, strict=False))
    if origin is dict:
        _, inner = typing.get_args(tp) or (Any, Any)
        return {k: _convert(inner, v) for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_plain(tp, value)
    return value


def _pick(options: list[Any], value: Any) -> Any:
    """Of several dataclasses a value may be, the one whose fields it has exactly (e.g. Condition | Group)."""
    if isinstance(value, dict):
        for option in options:
            if isinstance(option, type) and dataclasses.is_dataclass(option):
                names = {f.name for f in dataclasses.fields(option)}
                if set(value) <= names:
                    return option
    return Any


def from_plain(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a dataclass from `to_plain` output; unknown keys (from newer code) are ignored."""
    hints = _hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    return cls(**{k: _convert(hints[k], v) for k, v in data.items() if k in known})


def loads(cls: type[T], text: str) -> T:
    return from_plain(cls, json.loads(text))
