"""`GET /v1/health`: can this process reach the table and the bucket the API depends on?

One GetItem (a key that never exists: half a read unit) and one HeadBucket, on clients with short timeouts
and no retries so a sick dependency answers within seconds; the result is cached per process for a few
seconds, so a load balancer or an uptime probe polling it costs next to nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from tandem.runtime.observability import logger

if TYPE_CHECKING:
    from tandem.runtime.settings import Settings

CACHE_SECONDS = 5.0
PROBE_KEY = {"pk": {"S": "HEALTH"}, "sk": {"S": "HEALTH"}}

_lock = threading.Lock()
_cached: dict[str, Any] = {"at": -CACHE_SECONDS, "report": None}


@cache
def _client(service: str, region: str, endpoint: str | None) -> Any:
    import botocore.config

    from tandem.aws.clients import create_client

    config = botocore.config.Config(connect_timeout=2, read_timeout=2, retries={"total_max_attempts": 1})
    # The process's one session: the service models PynamoDB and the S3 adapter load serve the probes too.
    return create_client(service, region_name=region, endpoint_url=endpoint, config=config)


def _probe(name: str, call: Callable[[], Any]) -> str:
    try:
        call()
    except Exception as exc:  # any failure means unreachable; the log has the detail, the answer does not
        code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code")
        logger.warning("health check failed", extra={"check": name, "error": code or type(exc).__name__})
        return "unreachable"
    return "ok"


def probe(s: Settings) -> dict[str, Any]:
    """Check every dependency now (uncached)."""
    if s.backend == "memory":
        checks = {"table": "ok", "attachments": "ok"}
    else:
        ddb = _client("dynamodb", s.region, s.aws_endpoint)
        s3 = _client("s3", s.region, s.aws_endpoint)
        checks = {
            "table": _probe("table", lambda: ddb.get_item(TableName=s.table_name, Key=PROBE_KEY)),
            "attachments": _probe("attachments", lambda: s3.head_bucket(Bucket=s.attachment_bucket)),
        }
    status = "ok" if all(v == "ok" for v in checks.values()) else "unavailable"
    return {"status": status, "checks": checks}


def check(s: Settings, max_age: float = CACHE_SECONDS) -> dict[str, Any]:
    """The latest report, refreshed when older than `max_age` seconds."""
    now = time.monotonic()
    with _lock:
        if _cached["report"] is not None and now - _cached["at"] < max_age:
            return _cached["report"]
    report = probe(s)
    with _lock:
        _cached.update(at=time.monotonic(), report=report)
    return report


def forget() -> None:
    """Drop the cached report (tests)."""
    with _lock:
        _cached.update(at=-CACHE_SECONDS, report=None)
