"""Blueprint: the REST API under /v1. Routes only map HTTP to use cases.

Each route module registers its operations through `api.ops.op`. The modules load lazily: Chalice learns every
route now from the generated list in route_table.py (kept in step with the modules by
tests/unit/test_route_table.py; regenerate with `python functions/api/route_gen.py`), and a route's module is
imported on the first request to one of its routes. The table is then closed: other methods on a known path
answer 405 and unknown paths 404, in the error shape.
"""

from __future__ import annotations

from api.blueprint import api
from api.ops import register_routes
from api.route_table import ROUTES

register_routes(ROUTES)

__all__ = ["api"]
