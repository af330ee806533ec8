"""Blueprint: the REST API under /v1. Routes only map HTTP to use cases."""

from __future__ import annotations

from chalice import Blueprint

api = Blueprint(__name__)

# Every body is read as JSON whatever its Content-Type says, so a wrong header gets our own clear 400
# ("the body is not valid JSON") instead of the framework's 415 in another error format.
ANY_BODY = ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
            "application/octet-stream"]


def route(path: str, **kwargs):
    """`api.route` that accepts any request body type (see ANY_BODY)."""
    kwargs.setdefault("content_types", ANY_BODY)
    return api.route(path, **kwargs)


# Route modules register themselves on `api` when imported.
from api import routes_auth, routes_automation, routes_directory, routes_items, routes_public  # noqa: E402,F401
