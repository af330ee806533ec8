"""Expiring signed tokens as JWS compact JWTs (joserfc), HMAC-SHA256 with the deployment's secret."""

from __future__ import annotations

import time
from typing import Any

ISSUER = "tandem"


class JwtTokenSigner:
    """joserfc is imported on first use: Lambdas that never see a token do not pay for it."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must have at least 32 characters")
        self._secret = secret
        self._cached_key: Any = None

    @property
    def _key(self) -> Any:
        if self._cached_key is None:
            from joserfc.jwk import OctKey

            self._cached_key = OctKey.import_key(self._secret)
        return self._cached_key

    def issue(self, claims: dict[str, Any], ttl_seconds: int) -> str:
        from joserfc import jwt

        now = int(time.time())
        payload = {**claims, "iss": ISSUER, "iat": now, "exp": now + ttl_seconds}
        return jwt.encode({"alg": "HS256"}, payload, self._key)

    def verify(self, token: str) -> dict[str, Any] | None:
        if not isinstance(token, str) or token.count(".") != 2 or len(token) > 8192:
            return None
        from joserfc import jwt
        from joserfc.errors import JoseError

        try:
            decoded = jwt.decode(token, self._key, algorithms=["HS256"])
            jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISSUER}, exp={"essential": True}).validate(
                decoded.claims
            )
        except (JoseError, ValueError, TypeError):
            return None
        return dict(decoded.claims)
