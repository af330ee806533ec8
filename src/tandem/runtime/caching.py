"""Warm-Lambda caches: tenant settings are read on nearly every request and change rarely.

A short time-to-live bounds staleness to a few seconds across Lambda instances; the instance that
writes a tenant forgets its copy at once.
"""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: a Lambda that reads no tenant does not import the domain's tenants
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


class CachedAddressBook:
    """Inbound address → item type, for mail routing: every mail asks, and addresses change rarely."""

    def __init__(self, inner: Any, ttl_seconds: float = 15.0) -> None:
        self._inner, self._ttl = inner, ttl_seconds
        self._by_address: dict[str, tuple[float, Any]] = {}

    def by_address(self, address: str) -> Any:
        now = time.monotonic()
        hit = self._by_address.get(address)
        if hit and now - hit[0] < self._ttl:
            return hit[1]
        found = self._inner.by_address(address)
        self._by_address[address] = (now, found)
        return found

    def save(self, entity: Any) -> Any:
        self._by_address.clear()
        return self._inner.save(entity)

    def add(self, entity: Any, *args: Any) -> Any:
        self._by_address.clear()
        return self._inner.add(entity, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
