"""The warm process's memory of session checks (see sessions.py), apart so that Deps can hold one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

MAX_CACHED_USERS = 10_000  # a bound on the warm Lambda's memory; past it the cache starts over


class SessionCache:
    """What this process recently learnt about sessions: (tenant, user) → token id → (checked at, alive)."""

    def __init__(self, ttl_seconds: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self.clock = clock  # tests move it forward instead of sleeping
        self._users: dict[tuple[str, str], dict[str, tuple[float, bool]]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str, user_id: str, token_id: str) -> bool | None:
        """The remembered answer, or None when there is none younger than the time-to-live."""
        with self._lock:
            hit = self._users.get((tenant_id, user_id), {}).get(token_id)
        if hit is None or self.clock() - hit[0] >= self.ttl_seconds:
            return None
        return hit[1]

    def put(self, tenant_id: str, user_id: str, token_id: str, alive: bool) -> None:
        with self._lock:
            if len(self._users) >= MAX_CACHED_USERS and (tenant_id, user_id) not in self._users:
                self._users.clear()
            self._users.setdefault((tenant_id, user_id), {})[token_id] = (self.clock(), alive)

    def forget(self, tenant_id: str, user_id: str) -> None:
        """Drop everything remembered about the user's sessions: the next request reads the store again."""
        with self._lock:
            self._users.pop((tenant_id, user_id), None)
