"""In-memory twin of dal/dynamo_queues.py: counters with a marker per applied change."""

from __future__ import annotations

import copy
import threading


class MemoryQueueCounters:
    def __init__(self) -> None:
        self._counters: dict[tuple[str, str], dict[str, int]] = {}
        self._applied: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def apply(self, tenant_id: str, change_id: str, deltas: dict[str, dict[str, int]]) -> bool:
        with self._lock:
            if (tenant_id, change_id) in self._applied:
                return False
            self._applied.add((tenant_id, change_id))
            for counter, fields in deltas.items():
                stored = self._counters.setdefault((tenant_id, counter), {})
                for name, amount in fields.items():
                    stored[name] = stored.get(name, 0) + amount
            return True

    def apply_many(self, tenant_id: str, changes: list[tuple[str, dict[str, dict[str, int]]]]) -> dict[str, Exception]:
        for change_id, deltas in changes:
            self.apply(tenant_id, change_id, deltas)
        return {}

    def replace(self, tenant_id: str, counters: dict[str, dict[str, int]]) -> None:
        with self._lock:
            for counter, fields in counters.items():
                self._counters[(tenant_id, counter)] = dict(fields)

    def read(self, tenant_id: str, counters: list[str]) -> dict[str, dict[str, int]]:
        with self._lock:
            found = {c: self._counters.get((tenant_id, c)) for c in counters}
            return {c: copy.deepcopy(fields) for c, fields in found.items() if fields is not None}
