"""Powertools logger, metrics and tracer, shared by every Lambda of the app.

Metrics: `count(name, **dimensions)` adds to a counter kept for the invocation; `lambda_scope` (event Lambdas)
and the HTTP middleware flush them as CloudWatch embedded metrics, one document per dimension set, namespace
`Tandem`. The catalogue (alarms and dashboards rely on these names):

    MailIngested (result)      MailRejected (reason)       ItemsCreated (channel)
    RuleFailures               StreamRecordFailures        TimersFired (kind)
    SideEffectsCompleted       SideEffectsSkipped          SideEffectsRetried (reason: failed | in_progress)
    WebhookDeliveries (outcome: delivered | http_error | refused | network)
    WebhookFailures (attempts that raised: the store, not the receiver)

Tracing: X-Ray through Powertools' Tracer, built only when tracing is on (inside Lambda, and
POWERTOOLS_TRACE_DISABLED not set): merely constructing a Tracer imports the X-Ray SDK, a cold-start cost a
disabled tracer must not pay.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from aws_lambda_powertools import Logger, Metrics

from tandem.runtime.settings import settings

NAMESPACE = "Tandem"
SERVICE = "tandem"

logger = Logger(service=SERVICE, level=settings().log_level)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

_counts: dict[tuple[str, tuple[tuple[str, str], ...]], float] = defaultdict(float)
_counts_lock = threading.Lock()


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """Add `value` to the counter `name` (per dimension values) for this invocation's metrics."""
    key = (name, tuple(sorted((k, str(v)[:250]) for k, v in dimensions.items())))
    with _counts_lock:
        _counts[key] += value


def side_effect(outcome: str) -> None:
    """What a `Once` adapter reports: completed, skipped (done before), failed or deferred (both retried later)."""
    if outcome == "completed":
        count("SideEffectsCompleted")
    elif outcome == "skipped":
        count("SideEffectsSkipped")
    else:
        count("SideEffectsRetried", reason="in_progress" if outcome == "deferred" else "failed")


def flush_counts() -> None:
    """Emit the counters as embedded metrics (one document per dimension set) and start afresh."""
    global _counts
    with _counts_lock:
        taken, _counts = _counts, defaultdict(float)
    if not taken:
        return
    from aws_lambda_powertools.metrics import MetricUnit
    from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

    groups: dict[tuple[tuple[str, str], ...], dict[str, float]] = defaultdict(dict)
    for (name, dims), value in taken.items():
        groups[dims][name] = value
    for dims, values in groups.items():
        emf = AmazonCloudWatchEMFProvider(
            metric_set={}, dimension_set={}, metadata_set={}, namespace=NAMESPACE, service=SERVICE,
            default_dimensions=dict(dims),
        )
        for name, value in values.items():
            emf.add_metric(name=name, unit=MetricUnit.Count, value=value)
        emf.flush_metrics()


# --------------------------------------------------------------------------- tracing

_tracer: Any = None
_tracer_lock = threading.Lock()
_cold = True


def tracing_enabled() -> bool:
    """Powertools' own rule: only inside Lambda (not SAM/Chalice local), unless POWERTOOLS_TRACE_DISABLED."""
    if os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").lower() in ("1", "true", "yes", "on"):
        return False
    in_lambda = bool(os.environ.get("LAMBDA_TASK_ROOT"))
    return in_lambda and not os.environ.get("AWS_SAM_LOCAL") and not os.environ.get("AWS_CHALICE_CLI_MODE")


def tracer() -> Any:
    """The process's Tracer (AWS SDK calls patched) when tracing is on, else None."""
    global _tracer
    if not tracing_enabled():
        return None
    with _tracer_lock:
        if _tracer is None:
            from aws_lambda_powertools import Tracer

            _tracer = Tracer(service=SERVICE, auto_patch=False)
            _tracer.patch(["botocore"])  # DynamoDB (PynamoDB), S3 and SES calls become subsegments
        return _tracer


@contextlib.contextmanager
def traced(name: str) -> Iterator[None]:
    """A `## name` subsegment with the ColdStart annotation, when tracing is on; nothing otherwise."""
    global _cold
    t = tracer()
    cold, _cold = _cold, False
    if t is None:
        yield
        return
    with t.provider.in_subsegment(name=f"## {name}") as segment:
        if segment is not None:  # None when Lambda gave no trace header (X-Ray logs that and carries on)
            segment.put_annotation(key="ColdStart", value=cold)
            segment.put_annotation(key="Service", value=SERVICE)
        yield


@contextlib.contextmanager
def lambda_scope(function: str, context: object | None = None) -> Iterator[None]:
    """Correlation keys, the invocation's deadline, a trace subsegment and a metrics flush around an event
    Lambda's work.

    Chalice's app middleware does not run on AWS for blueprint event handlers (their Lambda handler is the
    blueprint module, which never imports app.py), so each of them opens this scope itself."""
    from tandem.runtime.invocation import bound

    request_id = getattr(context, "aws_request_id", None)
    logger.append_keys(function=function, lambda_request_id=request_id)
    try:
        with bound(context), traced(function):
            yield
    finally:
        logger.remove_keys(["function", "lambda_request_id", "tenant_id", "item_ref"])
        flush_counts()
        if metrics.metric_set:
            metrics.flush_metrics()
