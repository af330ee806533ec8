"""In-memory twin of dal/dynamo_time_cells.py: cells with a marker per applied change."""

from __future__ import annotations

import threading

from tandem.domain.time_cells import CellKey
from tandem.domain.time_report import CellRead


class MemoryTimeCells:
    def __init__(self) -> None:
        self._parts: dict[tuple[str, str], dict[str, tuple[str, dict[str, int]]]] = {}
        self._applied: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def apply(self, tenant_id: str, change_id: str, deltas: dict[CellKey, dict[str, int]]) -> bool:
        with self._lock:
            if (tenant_id, change_id) in self._applied:
                return False
            self._applied.add((tenant_id, change_id))
            for key, fields in deltas.items():
                cells = self._parts.setdefault((tenant_id, key.part), {})
                _, stored = cells.setdefault(key.sort, (key.value, {}))
                for name, amount in fields.items():
                    stored[name] = stored.get(name, 0) + amount
            return True

    def cells(self, tenant_id: str, read: CellRead) -> list[tuple[str, dict[str, int]]]:
        with self._lock:
            cells = self._parts.get((tenant_id, read.part), {})
            return [(sort, dict(fields)) for sort, (value, fields) in sorted(cells.items())
                    if (read.lo is None or sort >= read.lo) and (read.hi is None or sort <= read.hi)
                    and (read.value is None or value == read.value)]

    def cell(self, tenant_id: str, key: CellKey) -> dict[str, int] | None:
        with self._lock:
            found = self._parts.get((tenant_id, key.part), {}).get(key.sort)
            return dict(found[1]) if found else None
