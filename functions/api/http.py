"""HTTP plumbing shared by every route: errors in one place, auth, JSON, cursors, ETags, idempotency."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice import Response

from tandem.domain.errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    TooLarge,
    TooManyRequests,
    Unauthorized,
    ValidationError,
)
from tandem.runtime.observability import logger
from tandem.runtime.wiring import Container, container

if TYPE_CHECKING:  # a cold Lambda answering without a credential (health) imports neither
    from tandem.domain.permissions import Principal

STATUS = {
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    PreconditionFailed: 412,
    TooLarge: 413,
    ValidationError: 422,
    TooManyRequests: 429,
}
JSON = {"Content-Type": "application/json"}
# Credentials never travel back in an error's details, whatever a use case put there.
SECRET_KEYS = frozenset({"password", "token", "authorization", "cookie", "secret"})


def error(status: int, code: str, message: str, details: dict | None = None, headers: dict | None = None) -> Response:
    clean = {k: v for k, v in (details or {}).items() if k.lower() not in SECRET_KEYS}
    if "field" in clean and "errors" not in clean:
        clean["errors"] = [{"field": clean["field"], "message": message}]
    return Response(
        body={"error": {"code": code, "message": message, "details": clean}},
        status_code=status,
        headers={**JSON, **(headers or {})},
    )


def status_of(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def endpoint(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a route: domain errors become their 4xx, anything unexpected a logged 500 without internals."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "ref" in kwargs:
            logger.append_keys(item_ref=kwargs["ref"])
        try:
            result = fn(*args, **kwargs)
        except DomainError as exc:
            details = exc.details
            if isinstance(exc, ValidationError) and details.get("code") == "idempotency_mismatch":
                return error(422, "idempotency_mismatch", exc.message)
            extra = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
            return error(status_of(exc), exc.code, exc.message, details, extra)
        except Exception:
            logger.exception("unhandled error")
            return error(500, "internal", "something went wrong on our side; it has been logged")
        return result if isinstance(result, Response) else Response(body=result, status_code=200, headers=dict(JSON))

    return wrapper


def read_path_params(params: dict[str, str]) -> None:
    """Path parameters are ids and references: anything too long or not valid text names nothing (404)."""
    for name, value in params.items():
        if len(value) > 200:
            raise NotFound(f"no such {name}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise NotFound(f"no such {name}") from exc


def current() -> Container:
    return container()


def bearer(request: Any) -> str | None:
    value = (request.headers or {}).get("authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


SESSION_COOKIE = "tandem_session"
CSRF_HEADER = "x-tandem-csrf"


def session_cookie(request: Any) -> str | None:
    for part in ((request.headers or {}).get("cookie") or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            return value
    return None


def served_over_https(request: Any) -> bool:
    """Whether the browser reached us over HTTPS: API Gateway (behind CloudFront too) says so in
    X-Forwarded-Proto; a configured https portal URL says so for every request."""
    proto = ((request.headers or {}).get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    return proto == "https" or current().settings.portal_url.lower().startswith("https://")


def client_ip(request: Any) -> str | None:
    """The caller's address as API Gateway saw it (the throttles' per-IP key).

    Behind CloudFront this is the edge's address, not the browser's: see README, "Sign-in"."""
    identity = (request.context or {}).get("identity") or {}
    ip = identity.get("sourceIp")
    return ip if isinstance(ip, str) and ip else None


def set_session(token: str, max_age: int, *, secure: bool = False) -> dict[str, str]:
    """The portal's session: an HttpOnly cookie, so page scripts never hold the token; `Secure` over HTTPS."""
    flags = "; Secure" if secure else ""
    return {"Set-Cookie": f"{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/v1; Max-Age={max_age}{flags}"}


def clear_session(*, secure: bool = False) -> dict[str, str]:
    flags = "; Secure" if secure else ""
    return {"Set-Cookie": f"{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/v1; Max-Age=0{flags}"}


def _credential(request: Any) -> str | None:
    token = bearer(request)
    if token is not None:
        return token
    token = session_cookie(request)
    if token is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        # A cookie rides along cross-site; a custom header cannot without CORS consent: that is the CSRF guard.
        if (request.headers or {}).get(CSRF_HEADER) != "1":
            raise Forbidden("cookie sessions need the X-Tandem-CSRF: 1 header on changes")
    return token


def optional_principal(request: Any) -> Principal | None:
    token = _credential(request)
    if token is None:
        return None
    from tandem.services.authenticate import principal_from_token

    p = principal_from_token(current().deps, token)
    logger.append_keys(tenant_id=p.tenant_id, user_id=p.user_id)
    return p


def principal(request: Any) -> Principal:
    """The authenticated caller; the tenant comes from the token only."""
    p = optional_principal(request)
    if p is None:
        raise Unauthorized("missing bearer token")
    return p


def _cursor_key(scope: str) -> bytes:
    secret = current().settings.token_secret.encode()
    return hmac.new(secret, b"cursor:" + scope.encode(), hashlib.sha256).digest()


def encode_cursor(after: dict | None, scope: str) -> str | None:
    """An opaque cursor: the store's position, signed for this caller and list so it cannot be forged."""
    if not after:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(after, separators=(",", ":")).encode()).decode().rstrip("=")
    sig = hmac.new(_cursor_key(scope), payload.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{payload}.{sig}"


def decode_cursor(raw: str | None, scope: str) -> dict | None:
    """The store position a cursor stands for, if this caller's list signed it."""
    if not raw:
        return None
    payload, _, sig = raw.partition(".")
    expected = hmac.new(_cursor_key(scope), payload.encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(sig, expected):
        raise BadRequest("invalid cursor", {"field": "cursor"})
    try:
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError as exc:
        raise BadRequest("invalid cursor", {"field": "cursor"}) from exc


def page_body(page: Any, render: Callable[[Any], Any], scope: str) -> dict[str, Any]:
    return {"items": [render(x) for x in page.items], "next_cursor": encode_cursor(page.after, scope)}


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(request: Any) -> int | None:
    """The version a PATCH expects, from If-Match (`"3"`, `W/"3"` or `3`)."""
    raw = (request.headers or {}).get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError as exc:
        raise BadRequest("If-Match must be an ETag this API returned", {"field": "If-Match"}) from exc


def with_etag(body_: Any, version: int, status: int = 200, headers: dict | None = None) -> Response:
    """A single resource with its version as the ETag (PATCH takes it back as If-Match)."""
    from tandem.schemas.codec import encode

    return Response(
        body=encode(body_).decode(), status_code=status, headers={**JSON, "ETag": etag(version), **(headers or {})}
    )


def idempotency_key(request: Any) -> str | None:
    key = (request.headers or {}).get("idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 200:
        raise BadRequest("Idempotency-Key must be 1-200 characters", {"field": "Idempotency-Key"})
    return key


def remembered_create(request: Any, p: Principal, scope: str, create: Callable[[], Any], fingerprint: str) -> Response:
    """Non-item creates: a repeated Idempotency-Key returns the first result, the same key with another body is 422
    (items do this inside their own write)."""
    from tandem.schemas.codec import encode

    key = idempotency_key(request)
    if key is None:
        return Response(body=encode(create()).decode(), status_code=201, headers=dict(JSON))
    store = current().deps.repos.idempotency
    full = f"{scope}:{p.user_id}:{key}"
    first = store.get(p.tenant_id, full)
    if first is not None:
        if first.get("fingerprint") != fingerprint:
            raise ValidationError("Idempotency-Key reused with a different request", {"code": "idempotency_mismatch"})
        return Response(body=first["response"], status_code=201, headers=dict(JSON))
    response = encode(create()).decode()
    store.put(p.tenant_id, full, {"fingerprint": fingerprint, "response": response})
    return Response(body=response, status_code=201, headers=dict(JSON))
