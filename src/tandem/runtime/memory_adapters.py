"""In-process blob store and mailer for tests and the memory backend."""

from __future__ import annotations

import threading
from typing import Any

from tandem.domain.tenants import Tenant
from tandem.mail.compose import build_mime
from tandem.services.ports import OutboundMail


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
