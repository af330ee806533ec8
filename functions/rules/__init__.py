"""Blueprint: table stream records → rule evaluation, failures reported per record."""

from __future__ import annotations

import os

from chalice import Blueprint

rules = Blueprint(__name__)

# Chalice needs the stream ARN at import time; the merge template overrides it with the real one.
_STREAM_ARN = os.environ.get(
    "TANDEM_STREAM_ARN", "arn:aws:dynamodb:us-east-1:123456789012:table/tandem/stream/2026-01-01T00:00:00.000"
)


@rules.on_dynamodb_record(stream_arn=_STREAM_ARN, batch_size=50, name="on_table_change")
def on_table_change(event) -> dict:
    """Hand the batch to the rules runner, which answers with the records that failed."""
    from tandem.runtime.observability import lambda_scope
    from tandem.runtime.wiring import container

    with lambda_scope("on_table_change", getattr(event, "context", None)):
        return container().process_stream_batch(event.to_dict())
