"""Chalice middleware: correlation ids on every log line, metrics flushed per invocation."""

from __future__ import annotations

from typing import Any

from tandem.runtime.observability import logger, metrics


def install_middleware(app: Any) -> None:
    """Attach logging context and metrics to every event type of the app."""

    @app.middleware("http")
    def http_context(event: Any, get_response: Any) -> Any:
        ctx = event.context or {}
        logger.append_keys(request_id=ctx.get("requestId"), path=event.path, method=event.method)
        try:
            return get_response(event)
        finally:
            logger.remove_keys(["request_id", "path", "method", "tenant_id", "item_ref"])
            if metrics.metric_set:
                metrics.flush_metrics()

    @app.middleware("all")
    def lambda_context(event: Any, get_response: Any) -> Any:
        lambda_ctx = getattr(event, "context", None)
        request_id = getattr(lambda_ctx, "aws_request_id", None)
        if request_id:
            logger.append_keys(lambda_request_id=request_id)
        try:
            return get_response(event)
        finally:
            logger.remove_keys(["lambda_request_id"])
