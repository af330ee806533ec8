"""What a warm Lambda remembers between invocations: item types, people by id and email, organisations by domain.

Nothing here is trusted on its own. Every write decided from a remembered fact re-checks it in the same
transaction (a `Premise`: the record's version, or a unique value still free); when one fails, the writer forgets
what it rested on and the caller decides again from fresh reads. Writes made by this process
forget what they change at once. The store is bounded: past `limit` entries it starts afresh.
"""
from __future__ import annotations

import threading
from typing import Any

LIMIT = 20_000


class WarmFacts:
    def __init__(self, limit: int = LIMIT) -> None:
        self._facts: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()
        self._limit = limit

    def recall(self, kind: str, tenant_id: str, key: str) -> tuple[bool, Any]:
        """(known?, value) — a remembered None is a known absence."""
        with self._lock:
            fact = (kind, tenant_id, key)
            return (True, self._facts[fact]) if fact in self._facts else (False, None)

    def remember(self, kind: str, tenant_id: str, key: str, value: Any) -> None:
        with self._lock:
            if len(self._facts) >= self._limit:
                self._facts.clear()
            self._facts[(kind, tenant_id, key)] = value

    def forget(self, kind: str, tenant_id: str, key: str) -> None:
        with self._lock:
            self._facts.pop((kind, tenant_id, key), None)

    def forget_stale(self, premises: tuple[Any, ...]) -> None:
        """Forget what failed premises rested on: a remembered record (type, user), a remembered absence of a
        domain's organisation; a changed organisation may sit under any domain, so its tenant is forgotten whole.
        Failed "nothing there" premises (address, email, thread) rested on nothing remembered."""
        for p in premises:
            if p.kind == "org":
                self.forget_tenant(p.tenant_id)
            elif p.kind in ("type", "user", "domain"):
                self.forget(p.kind, p.tenant_id, p.key)

    def forget_tenant(self, tenant_id: str) -> None:
        with self._lock:
            for fact in [f for f in self._facts if f[1] == tenant_id]:
                del self._facts[fact]
