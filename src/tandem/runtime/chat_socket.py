"""API Gateway WebSocket events → the chat use cases (services/chat_socket.py). The same code runs on AWS (three
Lambdas: $connect, $default, $disconnect) and in the local stack, which builds these events itself.

Who connects: an agent by their session (the `tandem_session` cookie the browser sends with the handshake, or
`?token=`), a widget visitor by `?visitor=`, a signed-in portal customer by their session. The cookie only counts
when the handshake comes from one of our own pages (its Origin is the portal's, or the host it was sent to): the
cookie is SameSite=Strict already, this keeps another site's page from borrowing it even where that is not enforced.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tandem.domain.errors import DomainError, Forbidden, ModuleDisabled, NotFound, Unauthorized, ValidationError
from tandem.runtime.observability import logger

SESSION_COOKIE = "tandem_session"
STATUS = {Unauthorized: 401, Forbidden: 403, NotFound: 404, ValidationError: 422}
OK = {"statusCode": 200}


def _headers(event: dict[str, Any]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}


def _cookie(headers: dict[str, str]) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            return value
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def own_page(headers: dict[str, str], portal_url: str) -> bool:
    """Whether the handshake comes from one of our pages: no Origin (not a browser), the portal's origin, or the
    origin of the host the request was sent to (the local stack under another name, e.g. localhost)."""
    origin = headers.get("origin", "").strip().lower().rstrip("/")
    if not origin:
        return True
    proto = headers.get("x-forwarded-proto", "").split(",")[0].strip() or urlsplit(origin).scheme
    host = headers.get("host", "").strip().lower()
    return origin in {_origin(portal_url), f"{proto}://{host}" if host else ""}


def _status(exc: DomainError) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)


def connect(c: Any, event: dict[str, Any]) -> dict[str, Any]:
    """$connect: 200 lets the socket open; anything else refuses the handshake."""
    from tandem.services.authenticate import principal_from_token
    from tandem.services.chat_socket import open_socket

    ctx = event.get("requestContext") or {}
    query = event.get("queryStringParameters") or {}
    headers = _headers(event)
    try:
        principal = None
        token = query.get("token")
        if token:  # asked for explicitly: a bad one is refused
            principal = principal_from_token(c.deps, token)
        else:
            cookie = _cookie(headers) if own_page(headers, c.settings.portal_url) else None
            if cookie:
                try:
                    principal = principal_from_token(c.deps, cookie)
                except (Unauthorized, ModuleDisabled):
                    # An old session in the browser, or a customer's while the portal is off (issue 15): the
                    # visitor chats anonymously.
                    principal = None
        conn = open_socket(c.deps, str(ctx.get("connectionId") or ""), slug=query.get("tenant"),
                           visitor=query.get("visitor"), principal=principal,
                           ip=(ctx.get("identity") or {}).get("sourceIp"))
    except DomainError as exc:
        logger.info("chat socket refused", extra={"reason": exc.message, "code": exc.code})
        return {"statusCode": _status(exc)}
    logger.append_keys(tenant_id=conn.tenant_id)
    return OK


def message(c: Any, event: dict[str, Any]) -> dict[str, Any]:
    """$default: one frame (answers go out as pushes, never in the response)."""
    import base64

    from tandem.services.chat_socket import on_frame

    body = event.get("body")
    if event.get("isBase64Encoded") and isinstance(body, str):
        body = base64.b64decode(body)
    on_frame(c.deps, str((event.get("requestContext") or {}).get("connectionId") or ""), body)
    return OK


def disconnect(c: Any, event: dict[str, Any]) -> dict[str, Any]:
    from tandem.services.chat_socket import close_socket

    close_socket(c.deps, str((event.get("requestContext") or {}).get("connectionId") or ""))
    return OK
