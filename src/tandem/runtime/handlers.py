"""Lambda-side adapters for the event-driven functions: decode events, call use cases, report failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tandem.runtime.observability import logger

if TYPE_CHECKING:
    from tandem.runtime.wiring import Container


def ingest_ses_event(c: Container, event: dict) -> dict:
    """Each SES record names a stored raw message; the email channel turns it into items (issue 4)."""
    records = event.get("Records") or []
    seen = []
    for record in records:
        mail = (record.get("ses") or {}).get("mail") or {}
        seen.append(mail.get("messageId"))
        logger.info(
            "ses receipt", extra={"ses_message_id": mail.get("messageId"), "destination": mail.get("destination")}
        )
    return {"received": len(seen), "message_ids": seen}


def process_stream_batch(c: Container, event: dict) -> dict:
    """Run every stream record through the record handler; failures are reported per record."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def handle(record: Any) -> None:
        logger.debug("stream record", extra={"event_id": record.event_id, "event_name": str(record.event_name)})

    return process_partial_response(event=event, record_handler=handle, processor=processor)


def run_timers(c: Container) -> dict:
    """Due timers (SLA clocks, reminders) arrive with the automation issue; the tick itself is wired."""
    logger.debug("timers tick")
    return {"fired": 0}
