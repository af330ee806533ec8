"""Blueprint: the REST API under /v1. Routes only map HTTP to use cases.

Each route module registers its operations on the blueprint through `api.ops.op`; once all are in, the route
table is closed: other methods on a known path answer 405 and unknown paths 404, in the error shape.
"""

from __future__ import annotations

from api import (  # noqa: F401
    routes_auth,
    routes_automation,
    routes_chat,
    routes_directory,
    routes_hooks,
    routes_import_msp,
    routes_imports,
    routes_inbound,
    routes_items,
    routes_kb,
    routes_keys,
    routes_live,
    routes_planning,
    routes_projects,
    routes_public,
    routes_queues,
    routes_reports,
    routes_roles,
    routes_search,
    routes_time,
    routes_views,
)
from api.blueprint import api
from api.ops import close_route_table

close_route_table()

__all__ = ["api"]
