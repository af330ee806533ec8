"""TEMPORARY stand-in for `tandem.domain.webhooks` (built on branch wt-webhook-io) until that branch is merged.

Installed by tests/conftest.py only when the real module is missing; delete this file after the merge."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as _secrets
import sys
import types


def new_secret() -> str:
    return "whsec_" + base64.b64encode(_secrets.token_bytes(24)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signature_header(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    return " ".join(sign(s, msg_id, timestamp, body) for s in secrets)


def delivery_headers(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature_header(secrets, msg_id, timestamp, body)}


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    h = {k.lower(): v for k, v in headers.items()}
    expected = sign(secret, h["webhook-id"], int(h["webhook-timestamp"]), body)
    return any(hmac.compare_digest(expected, s) for s in h["webhook-signature"].split())


class HttpSender:
    """Stand-in for webhooks/sender.py: the memory sender's literal-address checks, urllib for the POST."""

    def __init__(self, allow_private: bool = False, timeout: float = 10.0, max_body: int = 65536) -> None:
        self.allow_private, self.timeout, self.max_body = allow_private, timeout, max_body

    def check(self, url: str) -> None:
        from tandem.runtime.memory_webhooks import MemoryWebhookSender

        if not self.allow_private:
            MemoryWebhookSender().check(url)

    def post(self, url: str, body: bytes, headers: dict[str, str]):  # noqa: ANN201
        import time
        import urllib.error
        import urllib.request

        from tandem.runtime.memory_webhooks import Answer

        start = time.monotonic()
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                status, text = resp.status, resp.read(self.max_body).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, ""
        except OSError as exc:
            return Answer(None, int((time.monotonic() - start) * 1000), str(exc))
        return Answer(status, int((time.monotonic() - start) * 1000), None, text)


def install() -> None:
    try:
        import tandem.domain.webhooks  # noqa: F401
    except ModuleNotFoundError:
        module = types.ModuleType("tandem.domain.webhooks")
        for name in ("new_secret", "sign", "signature_header", "delivery_headers", "verify"):
            setattr(module, name, globals()[name])
        sys.modules["tandem.domain.webhooks"] = module
    try:
        import tandem.webhooks.sender  # noqa: F401
    except ModuleNotFoundError:
        package = types.ModuleType("tandem.webhooks")
        package.__path__ = []  # type: ignore[attr-defined]
        sender = types.ModuleType("tandem.webhooks.sender")
        sender.HttpSender = HttpSender  # type: ignore[attr-defined]
        sys.modules["tandem.webhooks"], sys.modules["tandem.webhooks.sender"] = package, sender
