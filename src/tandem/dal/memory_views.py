"""In-memory twin of dal/dynamo_views.py (the contract suite runs the same tests on both)."""

from __future__ import annotations

import copy
import threading
from dataclasses import replace

from tandem.domain.errors import Conflict
from tandem.domain.views import SavedView
from tandem.services.ports import Page, Position


class MemoryViewRepo:
    """Views per tenant, listed in id order like the table's sort key, with optimistic versions."""

    def __init__(self) -> None:
        self._views: dict[tuple[str, str], SavedView] = {}
        self._lock = threading.Lock()

    def add(self, view: SavedView) -> SavedView:
        stored = replace(view, version=1)
        with self._lock:
            if (view.tenant_id, view.id) in self._views:
                raise Conflict("view exists")
            self._views[(view.tenant_id, view.id)] = copy.deepcopy(stored)
        return stored

    def get(self, tenant_id: str, view_id: str) -> SavedView | None:
        return copy.deepcopy(self._views.get((tenant_id, view_id)))

    def save(self, view: SavedView) -> SavedView:
        with self._lock:
            current = self._views.get((view.tenant_id, view.id))
            if current is None or current.version != view.version:
                raise Conflict("view changed meanwhile, read it again")
            stored = replace(view, version=view.version + 1)
            self._views[(view.tenant_id, view.id)] = copy.deepcopy(stored)
        return stored

    def list(self, tenant_id: str, *, limit: int = 50, after: Position = None) -> Page[SavedView]:
        rows = sorted((v for (t, _), v in self._views.items() if t == tenant_id), key=lambda v: v.id)
        if after:
            rows = [v for v in rows if v.id > after["k"]]
        chunk = rows[:limit]
        more = len(rows) > limit and chunk
        return Page([copy.deepcopy(v) for v in chunk], {"k": chunk[-1].id} if more else None)

    def delete(self, view: SavedView) -> None:
        with self._lock:
            current = self._views.get((view.tenant_id, view.id))
            if current is None or current.version != view.version:  # as the table's condition on `version`
                raise Conflict("view changed meanwhile, read it again")
            del self._views[(view.tenant_id, view.id)]
