"""In-process blob store, mailer and once-only ledger for tests and the memory backend."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any

from tandem.domain.tenants import Tenant
from tandem.mail.compose import build_mime
from tandem.services.ports import OutboundMail, SideEffectInProgress

ONCE_TTL = 7 * 24 * 3600  # how long a completed side effect is remembered (longer than any redelivery)


class MemoryBlobStore:
    def __init__(self) -> None:
        self.blobs: dict[str, tuple[bytes, str]] = {}

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.blobs[key] = (data, content_type)

    def get(self, key: str) -> bytes:
        return self.blobs[key][0]

    def upload_url(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
        return {"method": "PUT", "url": f"memory://blobs/{key}", "headers": {"Content-Type": content_type}}

    def download_url(self, key: str, filename: str) -> str:
        return f"memory://blobs/{key}?filename={filename}"


class MemoryMailer:
    """Keeps what would have been sent; tests read `sent` (and `raw`, the MIME bytes SES would get).

    The MIME is built as the SES mailer builds it, so a header that could not be sent fails here too."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, OutboundMail]] = []
        self.raw: list[bytes] = []
        self._lock = threading.Lock()

    def send(self, tenant: Tenant, mail: OutboundMail) -> str:
        raw = build_mime(tenant, mail).as_bytes()
        with self._lock:
            self.sent.append((tenant.id, mail))
            self.raw.append(raw)
            return f"memory-{len(self.sent)}"


class MemoryOnce:
    """The in-memory twin of `DynamoOnce`: IN_PROGRESS until the invocation's deadline, then COMPLETED for
    `ttl_seconds`; a failure removes the record so a retry runs. `records` is open for tests to inspect."""

    def __init__(
        self,
        remaining_ms: Callable[[], int] | None = None,
        *,
        ttl_seconds: int = ONCE_TTL,
        now: Callable[[], float] = time.time,
        observe: Callable[[str], None] | None = None,
    ) -> None:
        from tandem.runtime.invocation import remaining_ms as bound_remaining_ms

        self._remaining_ms = remaining_ms or bound_remaining_ms
        self._ttl, self._now, self._observe = ttl_seconds, now, observe or (lambda outcome: None)
        self.records: dict[tuple[str, str], tuple[str, float, float]] = {}  # → (status, in-progress until, expiry)
        self.values: dict[tuple[str, str], Any] = {}  # what a completed `remember` step answered
        self._lock = threading.Lock()

    def _start(self, key: tuple[str, str]) -> bool:
        """Write IN_PROGRESS unless a live record exists; False when the key already completed."""
        now = self._now()
        with self._lock:
            status, until, expiry = self.records.get(key, ("", 0.0, 0.0))
            if status and expiry >= now:
                if status == "COMPLETED":
                    return False
                if until >= now:
                    raise SideEffectInProgress(key[1])
            self.records[key] = ("IN_PROGRESS", now + self._remaining_ms() / 1000, now + self._ttl)
            return True

    def run(self, tenant_id: str, key: str, fn: Callable[[], object]) -> bool:
        return self._once(tenant_id, key, fn)[0]

    def remember(self, tenant_id: str, key: str, fn: Callable[[], Any]) -> Any:
        return self._once(tenant_id, key, fn)[1]

    def _once(self, tenant_id: str, key: str, fn: Callable[[], Any]) -> tuple[bool, Any]:
        record = (tenant_id, key)
        try:
            started = self._start(record)
        except SideEffectInProgress:
            self._observe("deferred")
            raise
        if not started:
            self._observe("skipped")
            return False, copy.deepcopy(self.values.get(record))
        try:
            value = fn()
        except Exception:  # a BaseException (the process dying) leaves IN_PROGRESS behind, as a timeout does
            with self._lock:
                self.records.pop(record, None)
            self._observe("failed")
            raise
        with self._lock:
            self.records[record] = ("COMPLETED", 0.0, self._now() + self._ttl)
            self.values[record] = copy.deepcopy(value)
        self._observe("completed")
        return True, value


class MemoryPush:
    """Chat frames as a test sees them: every frame per open connection, in order. A connection is open once a
    test says so (`open`), as API Gateway knows only the sockets it holds; a frame to any other is `gone`."""

    def __init__(self) -> None:
        self.frames: dict[str, list[dict]] = {}
        self.gone: list[str] = []
        self._lock = threading.Lock()

    def open(self, connection_id: str) -> None:
        with self._lock:
            self.frames.setdefault(connection_id, [])

    def close(self, connection_id: str) -> None:
        with self._lock:
            self.frames.pop(connection_id, None)

    def send(self, connection_id: str, data: bytes) -> bool:
        import json

        with self._lock:
            if connection_id not in self.frames:
                self.gone.append(connection_id)
                return False
            self.frames[connection_id].append(json.loads(data))
            return True

    def of(self, connection_id: str, kind: str | None = None) -> list[dict]:
        """The frames a connection received (of one `type`)."""
        return [f for f in self.frames.get(connection_id, []) if kind is None or f.get("type") == kind]
