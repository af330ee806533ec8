"""API models derived from domain dataclasses: the dataclass declares each field (type, limits, exposure) once.

`derive(Item, "ItemOut")` builds a msgspec Struct with the dataclass's visible fields (hidden ones left out,
renamed ones under their API name); `derive(..., write="patch")` the optional fields a PATCH may send.
`project(ItemOut, item)` fills a derived model from a domain object.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

import msgspec

from tandem.domain.exposure import exposure


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def derive(
    cls: type,
    name: str,
    *,
    write: str | None = None,
    types: dict[str, Any] | None = None,
    extra: list[tuple[str, Any]] | None = None,
    required: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
) -> type[msgspec.Struct]:
    """A Struct named `name` from `cls`: every visible field (output), or the ones a client may `write`.

    Output fields are all required (a response always carries them) except those named in `optional` (left out
    for some callers); writable fields are optional (UNSET when not given) except those named in `required`.
    `types` overrides a field's type at the boundary (e.g. the requester is an id or an email address on input);
    `extra` adds fields the dataclass does not hold (computed on output)."""
    hints = _hints(cls)
    fields: list[tuple] = []
    for f in dataclasses.fields(cls):
        exp = exposure(f)
        if exp.hidden or (write and not getattr(exp, write)):
            continue
        api_name = exp.name or f.name
        if api_name in exclude:
            continue
        typ = (types or {}).get(api_name, hints[f.name])
        if (write is None and api_name not in optional) or api_name in required:
            fields.append((api_name, typ))
        else:
            fields.append((api_name, typ | msgspec.UnsetType, msgspec.UNSET))
    fields += extra or []
    fields.sort(key=lambda x: len(x) == 3)  # required before optional, as Python signatures need
    return msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True)


def attribute_of(cls: type, api_name: str) -> str:
    """The dataclass attribute behind an API field name."""
    for f in dataclasses.fields(cls):
        if (exposure(f).name or f.name) == api_name:
            return f.name
    return api_name


def project(model: type[msgspec.Struct], obj: Any, **computed: Any) -> msgspec.Struct:
    """Fill `model` from `obj`'s attributes (by API name), with `computed` values for fields it does not hold."""
    source = type(obj)
    values = {}
    for f in msgspec.structs.fields(model):
        if f.name in computed:
            values[f.name] = computed[f.name]
        else:
            values[f.name] = getattr(obj, attribute_of(source, f.name) if dataclasses.is_dataclass(source) else f.name)
    return model(**values)


def translate(cls: type, changes: dict[str, Any]) -> dict[str, Any]:
    """API field names → attribute names (for use cases that take attribute names)."""
    return {attribute_of(cls, k): v for k, v in changes.items()}
