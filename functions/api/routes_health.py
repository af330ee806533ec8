"""Health and the OpenAPI document: apart from the sign-in routes, so a cold Lambda's health check imports only
this module (routes load lazily, see ops.py)."""

from __future__ import annotations

from typing import Any

from api.http import current, error
from api.ops import Call, op
from tandem.schemas.health import Health

AUTH = "auth"  # listed under the sign-in routes' tag, as they were


@op("GET", "/v1/health", summary="Up and able to reach its table and buckets", tag=AUTH, auth=False,
    returns=Health, errors=(503,))
def health(call: Call) -> Any:
    report = current().health()
    if report["status"] != "ok":
        return error(503, "unavailable", "a dependency is unreachable", {"checks": report["checks"]})
    return Health(status=report["status"], checks=report["checks"])


@op("GET", "/v1/openapi.json", summary="This document", tag=AUTH, auth=False, returns=dict)
def openapi(call: Call) -> Any:
    from api.spec import document

    return document()
