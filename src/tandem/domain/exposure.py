"""How a field of a domain dataclass shows at the API boundary, declared on the field itself.

`exposed(...)` wraps `dataclasses.field` and records who may write the field and under which name it travels, so
the API models are derived from the dataclass (tandem.schemas.derive) instead of listing its fields again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

KEY = "tandem.api"


@dataclass(frozen=True)
class Exposure:
    create: bool = False  # a client may give it when creating
    patch: bool = False  # a client may change it with PATCH
    hidden: bool = False  # never leaves the core (bookkeeping)
    name: str | None = None  # its name in JSON when it differs from the attribute


READ_ONLY = Exposure()


def exposed(
    *,
    create: bool = False,
    patch: bool = False,
    hidden: bool = False,
    name: str | None = None,
    default: Any = dataclasses.MISSING,
    default_factory: Any = dataclasses.MISSING,
) -> Any:
    """A dataclass field with its API exposure."""
    meta = {KEY: Exposure(create=create, patch=patch, hidden=hidden, name=name)}
    return dataclasses.field(default=default, default_factory=default_factory, metadata=meta)


def exposure(f: dataclasses.Field) -> Exposure:
    return f.metadata.get(KEY, READ_ONLY)


def patchable(cls: type) -> tuple[str, ...]:
    """Attribute names a PATCH may change."""
    return tuple(f.name for f in dataclasses.fields(cls) if exposure(f).patch)
