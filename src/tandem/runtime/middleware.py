"""Chalice middleware: correlation ids on every log line, metrics flushed per invocation."""

from __future__ import annotations

from typing import Any

from tandem.runtime.observability import flush_counts, logger, metrics, traced


def _cors(event: Any, response: Any) -> None:
    """Public endpoints answer cross-origin reads only to the tenant's allowed origins (the widget's hosts)."""
    origin = (event.headers or {}).get("origin")
    slug = (event.uri_params or {}).get("slug")
    if not origin or not slug or not (event.path or "").startswith("/v1/public/"):
        return
    from tandem.runtime.wiring import container
    from tandem.services.submit_form import allowed_origins

    try:
        allowed = allowed_origins(container().deps, slug)
    except Exception:  # an unknown tenant simply gets no CORS header
        return
    if origin in allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"


def install_middleware(app: Any) -> None:
    """Attach logging context and metrics to every event type of the app."""

    @app.middleware("http")
    def http_context(event: Any, get_response: Any) -> Any:
        ctx = event.context or {}
        logger.append_keys(request_id=ctx.get("requestId"), path=event.path, method=event.method)
        from tandem.runtime.invocation import bound

        try:
            with bound(getattr(app, "lambda_context", None)), traced("api"):
                response = get_response(event)
            _cors(event, response)
            return response
        finally:
            logger.remove_keys(["request_id", "path", "method", "tenant_id", "item_ref", "user_id"])
            flush_counts()
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
