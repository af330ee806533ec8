"""Blueprint: the REST API under /v1. Routes only map HTTP to use cases."""

from __future__ import annotations

from chalice import Blueprint

api = Blueprint(__name__)

# Route modules register themselves on `api` when imported.
from api import routes_auth, routes_automation, routes_directory, routes_items, routes_public  # noqa: E402,F401
