"""The local SES receiving endpoint: an SMTP listener doing what the receipt rule does on AWS.

For each message: store the raw bytes in the inbound bucket under `inbound/<messageId>` (the S3 action),
then invoke the ingest handler with an SES-shaped Lambda event (the Lambda action). The sender always gets
250: like SES, acceptance does not depend on our processing (a failed ingest is logged; the mail stays in S3).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("tandem.local.smtp")

PASS = {"status": "PASS"}


def new_message_id() -> str:
    """A fresh id in the shape of SES's receipt message ids."""
    return f"local{secrets.token_hex(8)}-{secrets.token_hex(4)}-{secrets.token_hex(12)}-000000"


def ses_event(message_id: str, source: str, recipients: list[str], timestamp: str | None = None) -> dict:
    """The event SES's Lambda action sends (headers omitted: the handler reads the raw mail from S3)."""
    stamp = timestamp or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": stamp,
                        "source": source,
                        "messageId": message_id,
                        "destination": list(recipients),
                        "headersTruncated": False,
                    },
                    "receipt": {
                        "timestamp": stamp,
                        "processingTimeMillis": 1,
                        "recipients": list(recipients),
                        "spamVerdict": dict(PASS),
                        "virusVerdict": dict(PASS),
                        "spfVerdict": dict(PASS),
                        "dkimVerdict": dict(PASS),
                        "dmarcVerdict": dict(PASS),
                        "action": {"type": "Lambda", "invocationType": "Event"},
                    },
                },
            }
        ]
    }


class ReceiptHandler:
    """aiosmtpd handler: S3 action then Lambda action, both run off the event loop."""

    def __init__(self, store: Callable[[str, bytes], None], ingest: Callable[[dict], dict]) -> None:
        self._store, self._ingest = store, ingest

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        raw = envelope.original_content or envelope.content
        raw = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "surrogateescape")
        rcpts = [str(r) for r in envelope.rcpt_tos]
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.receive, raw, str(envelope.mail_from or ""), rcpts)
        return "250 Message accepted for delivery"

    def receive(self, raw: bytes, source: str, recipients: list[str]) -> str:
        """Store and ingest one message; returns its receipt id."""
        message_id = new_message_id()
        try:
            self._store(f"inbound/{message_id}", raw)
        except Exception:
            log.exception("could not store inbound mail %s", message_id)
            return message_id
        log.info("mail received %s from %s to %s (%d bytes)", message_id, source, ", ".join(recipients), len(raw))
        try:
            answer = self._ingest(ses_event(message_id, source, recipients))
        except Exception:
            log.exception("ingest of %s failed (the raw mail stays in the inbound bucket)", message_id)
            return message_id
        for outcome in (answer or {}).get("outcomes") or []:
            log.info(
                "ingest %s: %s tenant=%s ref=%s %s",
                message_id,
                outcome.get("result"),
                outcome.get("tenant_id"),
                outcome.get("ref"),
                outcome.get("reason") or "",
            )
        return message_id


class SmtpListener:
    """The aiosmtpd controller on 127.0.0.1:<port>."""

    def __init__(self, handler: ReceiptHandler, port: int, host: str = "127.0.0.1") -> None:
        from aiosmtpd.controller import Controller

        self.host, self.port = host, port
        self._controller = Controller(
            handler, hostname=host, port=port, server_hostname="tandem.local", data_size_limit=40 * 1024 * 1024
        )

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
