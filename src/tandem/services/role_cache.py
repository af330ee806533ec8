"""The warm process's memory of custom roles (see roles.py, `privileges_for`), apart so that Deps can hold one.

Why a cache with a short life, and what it costs: a token names its role (`rid`), not the privileges, so a custom
role changed by an admin takes effect without anyone signing in again. Reading the role on every request would be
one GetItem per request; remembering it for `ttl_seconds` (5 s, the same as SessionCache and KeyCache) makes it at
most one GetItem per custom role, per warm instance, every 5 s — whatever the number of its users and requests.
The price is honesty about time: a change reaches the instance that made it at once (it remembers the new version,
or forgets a deleted role) and every other warm instance within 5 s. Built-in roles never change: never read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

MAX_CACHED_ROLES = 10_000  # a bound on the warm Lambda's memory; past it the cache starts over


class RoleCache:
    """(tenant id, role id) → (read at, the role or None when there is no such role), for `ttl_seconds`."""

    def __init__(self, ttl_seconds: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self.clock = clock  # tests move it forward instead of sleeping
        self._roles: dict[tuple[str, str], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str, role_id: str) -> tuple[bool, Any]:
        """(True, the remembered role or None) when a young enough answer exists, else (False, None)."""
        with self._lock:
            hit = self._roles.get((tenant_id, role_id))
        if hit is None or self.clock() - hit[0] >= self.ttl_seconds:
            return False, None
        return True, hit[1]

    def put(self, tenant_id: str, role_id: str, role: Any) -> None:
        with self._lock:
            if len(self._roles) >= MAX_CACHED_ROLES:
                self._roles.clear()
            self._roles[(tenant_id, role_id)] = (self.clock(), role)

    def forget(self, tenant_id: str, role_id: str) -> None:
        with self._lock:
            self._roles.pop((tenant_id, role_id), None)
