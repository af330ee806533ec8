"""Powertools logger and metrics, shared by every Lambda of the app."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from aws_lambda_powertools import Logger, Metrics

from tandem.runtime.settings import settings

logger = Logger(service="tandem", level=settings().log_level)
metrics = Metrics(namespace="Tandem", service="tandem")


@contextlib.contextmanager
def lambda_scope(function: str, context: object | None = None) -> Iterator[None]:
    """Correlation keys and a metrics flush around an event Lambda's work.

    Chalice's app middleware does not run on AWS for blueprint event handlers (their Lambda handler is the
    blueprint module, which never imports app.py), so each of them opens this scope itself."""
    request_id = getattr(context, "aws_request_id", None)
    logger.append_keys(function=function, lambda_request_id=request_id)
    try:
        yield
    finally:
        logger.remove_keys(["function", "lambda_request_id", "tenant_id", "item_ref"])
        if metrics.metric_set:
            metrics.flush_metrics()
