"""The activity history: every change with its actor and cause."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.domain.exposure import exposed
from tandem.domain.items import Cause


@dataclass
class Activity:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    item_id: str = exposed(hidden=True)
    at: str = exposed()
    action: str = exposed()  # created | updated | converted | message_added | ...
    cause: Cause = exposed()
    actor_id: str | None = exposed(name="actor", default=None)
    changes: dict[str, list[Any]] = exposed(default_factory=dict)
    note: str = exposed(default="")
