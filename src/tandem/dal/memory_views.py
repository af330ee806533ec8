"""In-memory twin of dal/dynamo_views.py: saved views kept as the other tenant configuration records."""

from __future__ import annotations

from typing import Any

from tandem.dal.memory import MemoryEntityRepo
from tandem.domain.views import SavedView


class MemoryViewRepo(MemoryEntityRepo[SavedView]):
    """Views in the shared in-memory store, listed in id order like the table's sort key."""

    def __init__(self, store: Any) -> None:
        super().__init__(store, "view")
