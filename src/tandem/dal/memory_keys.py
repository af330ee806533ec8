"""In-memory twin of dal/dynamo_keys.py (the contract suite runs the same tests on both)."""

from __future__ import annotations

import copy
import threading
from dataclasses import replace

from tandem.domain.api_keys import ApiKey
from tandem.domain.errors import Conflict
from tandem.services.ports import Page, Position


class MemoryApiKeyRepo:
    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], ApiKey] = {}
        self._hashes: dict[tuple[str, str], str] = {}  # (tenant, hash) → key id: the lookup record
        self._lock = threading.Lock()

    def add(self, key: ApiKey) -> ApiKey:
        stored = replace(key, version=1)
        with self._lock:
            if (key.tenant_id, key.id) in self._keys or (key.tenant_id, key.secret_hash) in self._hashes:
                raise Conflict("api key already exists")
            self._keys[(key.tenant_id, key.id)] = copy.deepcopy(stored)
            self._hashes[(key.tenant_id, key.secret_hash)] = key.id
        return stored

    def get(self, tenant_id: str, key_id: str) -> ApiKey | None:
        return copy.deepcopy(self._keys.get((tenant_id, key_id)))

    def by_hash(self, tenant_id: str, secret_hash: str) -> ApiKey | None:
        key_id = self._hashes.get((tenant_id, secret_hash))
        return self.get(tenant_id, key_id) if key_id else None

    def list(self, tenant_id: str, *, limit: int = 50, after: Position = None) -> Page[ApiKey]:
        rows = sorted((k for (t, _), k in self._keys.items() if t == tenant_id), key=lambda k: k.id)
        if after:
            rows = [k for k in rows if k.id > after["k"]]
        chunk = rows[:limit]
        more = len(rows) > limit and chunk
        return Page([copy.deepcopy(k) for k in chunk], {"k": chunk[-1].id} if more else None)

    def replace_secret(self, key: ApiKey, secret_hash: str, prefix: str, at: str) -> ApiKey:
        with self._lock:
            current = self._keys.get((key.tenant_id, key.id))
            if current is None or current.version != key.version:
                raise Conflict("api key changed meanwhile, read it again")
            rotated = replace(current, secret_hash=secret_hash, prefix=prefix, rotated_at=at,
                              version=current.version + 1)
            self._hashes.pop((key.tenant_id, current.secret_hash), None)
            self._hashes[(key.tenant_id, secret_hash)] = key.id
            self._keys[(key.tenant_id, key.id)] = copy.deepcopy(rotated)
        return rotated

    def delete(self, key: ApiKey) -> None:
        with self._lock:
            current = self._keys.pop((key.tenant_id, key.id), None)
            if current is not None:
                self._hashes.pop((key.tenant_id, current.secret_hash), None)

    def touch(self, key: ApiKey, at: str) -> None:
        with self._lock:
            current = self._keys.get((key.tenant_id, key.id))
            if current is not None:
                current.last_used_at = at
