"""In-memory twins of the hook records (dynamo_hooks.py): subscriptions and their deliveries."""

from __future__ import annotations

import copy
import threading

from tandem.dal.codec import dumps, loads
from tandem.domain.hooks import Delivery
from tandem.services.ports import Page, Position


class MemoryDeliveryRepo:
    """Deliveries kept as their stored JSON, so what the table would lose in a round trip is lost here too."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def add(self, delivery: Delivery) -> bool:
        with self._lock:
            key = (delivery.tenant_id, delivery.id)
            if key in self._rows:
                return False
            self._rows[key] = dumps(delivery)
            return True

    def get(self, tenant_id: str, delivery_id: str) -> Delivery | None:
        found = self._rows.get((tenant_id, delivery_id))
        return loads(Delivery, found) if found is not None else None

    def save(self, delivery: Delivery) -> None:
        with self._lock:
            self._rows[(delivery.tenant_id, delivery.id)] = dumps(delivery)

    def list_for_hook(
        self, tenant_id: str, hook_id: str, *, limit: int = 50, after: Position = None
    ) -> Page[Delivery]:
        rows = [loads(Delivery, raw) for (t, _), raw in list(self._rows.items()) if t == tenant_id]
        rows = sorted((d for d in rows if d.hook_id == hook_id), key=_sort_key, reverse=True)
        if after:
            rows = [d for d in rows if _sort_key(d) < after["k"]]
        chunk = rows[:limit]
        more = len(rows) > limit
        return Page(copy.deepcopy(chunk), {"k": _sort_key(chunk[-1])} if more and chunk else None)


def _sort_key(d: Delivery) -> str:
    return f"{d.created_at}#{d.id}"
