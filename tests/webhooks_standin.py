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


def install() -> None:
    try:
        import tandem.domain.webhooks  # noqa: F401
    except ModuleNotFoundError:
        module = types.ModuleType("tandem.domain.webhooks")
        for name in ("new_secret", "sign", "signature_header", "delivery_headers", "verify"):
            setattr(module, name, globals()[name])
        sys.modules["tandem.domain.webhooks"] = module
