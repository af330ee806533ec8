"""The warm process's memory of API keys (see api_keys.py), apart so that Deps can hold one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

MAX_CACHED_KEYS = 10_000  # a bound on the warm Lambda's memory; past it the cache starts over


class KeyCache:
    """Hash of a key's secret → (read at, the key or None), for `ttl_seconds`; the same 5 s as SessionCache, so
    a revoked or rotated key stops on every warm instance within 5 s (at once on the instance that changed it).
    Also remembers when this process last wrote a key's `last_used_at`."""

    def __init__(self, ttl_seconds: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self.clock = clock  # tests move it forward instead of sleeping
        self._keys: dict[str, tuple[float, Any]] = {}
        self._touched: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, secret_hash: str) -> tuple[bool, Any]:
        """(True, the remembered key or None) when a young enough answer exists, else (False, None)."""
        with self._lock:
            hit = self._keys.get(secret_hash)
        if hit is None or self.clock() - hit[0] >= self.ttl_seconds:
            return False, None
        return True, hit[1]

    def put(self, secret_hash: str, key: Any) -> None:
        with self._lock:
            if len(self._keys) >= MAX_CACHED_KEYS:
                self._keys.clear()
                self._touched.clear()
            self._keys[secret_hash] = (self.clock(), key)

    def forget(self, secret_hash: str) -> None:
        with self._lock:
            self._keys.pop(secret_hash, None)

    def due_for_touch(self, key_id: str, every_seconds: float) -> bool:
        """True at most once per `every_seconds` per key (and process): then the caller records the use."""
        now = self.clock()
        with self._lock:
            last = self._touched.get(key_id)
            if last is not None and now - last < every_seconds:
                return False
            self._touched[key_id] = now
            return True
