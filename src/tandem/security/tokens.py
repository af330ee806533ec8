"""Expiring signed tokens as JWS compact JWTs (joserfc), HMAC-SHA256 with the deployment's secret."""

from __future__ import annotations

import time
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

ISSUER = "tandem"


class JwtTokenSigner:
    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must have at least 32 characters")
        self._key = OctKey.import_key(secret)

    def issue(self, claims: dict[str, Any], ttl_seconds: int) -> str:
        now = int(time.time())
        payload = {**claims, "iss": ISSUER, "iat": now, "exp": now + ttl_seconds}
        return jwt.encode({"alg": "HS256"}, payload, self._key)

    def verify(self, token: str) -> dict[str, Any] | None:
        if not isinstance(token, str) or token.count(".") != 2 or len(token) > 8192:
            return None
        try:
            decoded = jwt.decode(token, self._key, algorithms=["HS256"])
            jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISSUER}, exp={"essential": True}).validate(
                decoded.claims
            )
        except (JoseError, ValueError, TypeError):
            return None
        return dict(decoded.claims)
