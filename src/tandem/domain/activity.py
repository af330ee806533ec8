"""The activity history: every change with its actor and cause."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.domain.items import Cause


@dataclass
class Activity:
    tenant_id: str
    id: str
    item_id: str
    at: str
    action: str  # created | updated | converted | message_added | ...
    cause: Cause
    actor_id: str | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    note: str = ""
