"""The API's Chalice blueprint, apart from the route modules that register on it (so none imports the package)."""

from __future__ import annotations

from chalice import Blueprint

# The import name stays "api": the one the package had when the blueprint lived in api/__init__.py.
api = Blueprint("api")

# Every body is read as JSON whatever its Content-Type says, so a wrong header gets our own clear 400
# ("the body is not valid JSON") instead of the framework's 415 in another error format.
ANY_BODY = ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
            "application/octet-stream"]


def route(path: str, **kwargs):
    """`api.route` that accepts any request body type (see ANY_BODY)."""
    kwargs.setdefault("content_types", ANY_BODY)
    return api.route(path, **kwargs)
