"""Blueprint: the SES receipt rule's Lambda action (after its S3 action stored the raw mail)."""

from __future__ import annotations

from chalice import Blueprint

ingest_email = Blueprint(__name__)


@ingest_email.lambda_function(name="on_ses_receipt")
def on_ses_receipt(event: dict, context: object) -> dict:
    """Ingest each SES record; the use case is idempotent on the SES message id and the Message-ID."""
    from tandem.runtime.observability import lambda_scope
    from tandem.runtime.wiring import container

    with lambda_scope("on_ses_receipt", context):
        return container().ingest_ses_event(event)
