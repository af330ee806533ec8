"""The webhook sender of the memory backend (tests): records every POST and answers from a script.

It refuses what the real sender (webhooks/sender.py) would refuse without a DNS lookup: other schemes and literal
loopback, private, link-local, multicast or metadata addresses. Names are not resolved here.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from tandem.domain.errors import ValidationError


@dataclass
class Sent:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Answer:
    """What the receiver answered (the shape of domain/webhooks.py's SendResult)."""

    status: int | None
    ms: int = 1
    error: str | None = None
    body: str = ""


class MemoryWebhookSender:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        # Statuses (or callables answering one) used in turn; when empty every call answers `default`.
        self.script: list[int | None | Callable[[Sent], int | None]] = []
        self.default: int | None = 200
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            parts, host = None, ""
        if parts is None or parts.scheme not in ("http", "https") or not host:
            raise ValidationError("target_url must be an http(s) URL", {"field": "target_url"})
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            if host == "localhost" or host.endswith((".localhost", ".internal")):
                raise ValidationError("target_url may not point to this network", {"field": "target_url"}) from None
            return
        if not address.is_global:
            raise ValidationError("target_url may not point to a private address", {"field": "target_url"})

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        sent = Sent(url, body, dict(headers))
        with self._lock:
            self.sent.append(sent)
            step = self.script.pop(0) if self.script else self.default
        status = step(sent) if callable(step) else step
        return Answer(status, error=None if status is not None else "connection refused")
