"""Warm-Lambda caches: tenant settings are read on nearly every request and change rarely.

A short time-to-live bounds staleness to a few seconds across Lambda instances; the instance that
writes a tenant forgets its copy at once.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from tandem.domain.tenants import Tenant


class CachedTenantRepo:
    def __init__(self, inner: Any, ttl_seconds: float = 15.0) -> None:
        self._inner, self._ttl = inner, ttl_seconds
        self._by_id: dict[str, tuple[float, Tenant | None]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str) -> Tenant | None:
        now = time.monotonic()
        with self._lock:
            hit = self._by_id.get(tenant_id)
        if hit and now - hit[0] < self._ttl:
            return hit[1]
        tenant = self._inner.get(tenant_id)
        with self._lock:
            self._by_id[tenant_id] = (now, tenant)
        return tenant

    def save(self, tenant: Tenant) -> Tenant:
        with self._lock:
            self._by_id.pop(tenant.id, None)
        return self._inner.save(tenant)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
