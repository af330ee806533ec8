"""Expiring signed tokens as JWS compact JWTs, HMAC-SHA256 (HS256) with the deployment's secret.

HS256 needs only hmac, hashlib, base64 and json, so signing and checking use the standard library: a cold API
Lambda's first signed-in request no longer imports joserfc and cryptography (~65-95 ms). The checks are those
joserfc's `jwt.decode(..., algorithms=["HS256"])` plus `JWTClaimsRegistry(iss=essential "tandem", exp=essential)`
make (tests/unit/test_tokens_stdlib.py compares both ways against joserfc).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import time
from typing import Any

ISSUER = "tandem"
_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64decode(s: bytes) -> bytes:
    """Unpadded base64url, strictly (as joserfc reads it): no padding, no other alphabet, no stray bits."""
    if b"+" in s or b"/" in s or b"=" in s:
        raise binascii.Error
    pad = -len(s) % 4
    if pad == 3 or (pad and s[-1] not in (b"AEIMQUYcgkosw048", b"AQgw")[pad - 1]):
        raise binascii.Error
    return base64.b64decode(s + b"=" * pad, b"-_", validate=True)


def _numeric(value: object) -> bool:
    """A JSON NumericDate: a finite number, not a boolean."""
    return not isinstance(value, bool) and (
        isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    )


def _claims_ok(claims: dict[str, Any], now: int) -> bool:
    """The registered claims as joserfc's JWTClaimsRegistry checks them (iss and exp essential, no leeway)."""
    if claims.get("iss") is None or claims.get("exp") is None or claims["iss"] != ISSUER:
        return False
    exp, nbf, iat = claims["exp"], claims.get("nbf"), claims.get("iat")
    if not _numeric(exp) or exp <= now:
        return False
    if "nbf" in claims and (not _numeric(nbf) or nbf > now):
        return False
    if "iat" in claims and (not _numeric(iat) or iat > now):
        return False
    for key in ("sub", "jti"):
        if key in claims and not isinstance(claims[key], str):
            return False
    aud = claims.get("aud")
    return "aud" not in claims or isinstance(aud, str) or (
        isinstance(aud, list) and all(isinstance(a, str) for a in aud))


class JwtTokenSigner:
    """Issues and verifies HS256 JWTs carrying `iss`, `iat` and `exp` besides the caller's claims."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must have at least 32 characters")
        self._key = secret.encode("utf-8")

    def _sign(self, signing_input: bytes) -> bytes:
        return hmac.new(self._key, signing_input, hashlib.sha256).digest()

    def issue(self, claims: dict[str, Any], ttl_seconds: int) -> str:
        now = int(time.time())
        payload = {**claims, "iss": ISSUER, "iat": now, "exp": now + ttl_seconds}
        signing_input = b".".join(
            _b64encode(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
            for part in (_HEADER, payload)
        )
        return (signing_input + b"." + _b64encode(self._sign(signing_input))).decode("ascii")

    def verify(self, token: str) -> dict[str, Any] | None:
        """The token's claims if its signature, algorithm, issuer and expiry hold; otherwise None."""
        if not isinstance(token, str) or token.count(".") != 2 or len(token) > 8192:
            return None
        try:
            raw = token.encode("ascii")
            header_b64, payload_b64, signature_b64 = raw.split(b".")
            header = json.loads(_b64decode(header_b64))
            if not isinstance(header, dict) or header.get("alg") != "HS256" or "crit" in header:
                return None
            signature = _b64decode(signature_b64)
            if not hmac.compare_digest(signature, self._sign(header_b64 + b"." + payload_b64)):
                return None
            claims = json.loads(_b64decode(payload_b64))
        except (ValueError, TypeError, binascii.Error, UnicodeError, RecursionError):
            return None
        if not isinstance(claims, dict) or not _claims_ok(claims, int(time.time())):
            return None
        return claims
