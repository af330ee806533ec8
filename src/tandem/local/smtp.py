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


HEADERS_LIMIT = 10 * 1024  # SES truncates the event's header list beyond 10 KB
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:tandem-dev-on_ses_receipt"
COMMON = (  # commonHeaders field → header, as SES fills them (lists for address headers)
    ("returnPath", "Return-Path", False),
    ("from", "From", True),
    ("sender", "Sender", False),
    ("replyTo", "Reply-To", True),
    ("date", "Date", False),
    ("to", "To", True),
    ("cc", "Cc", True),
    ("bcc", "Bcc", True),
    ("messageId", "Message-ID", False),
    ("subject", "Subject", False),
)


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def mail_headers(raw: bytes, source: str, recipients: list[str], moment: datetime | None = None) -> tuple[list, bool]:
    """The event's `headers`: what SES prepends (Return-Path, Received), then the message's own, up to 10 KB."""
    from email.parser import BytesHeaderParser
    from email.utils import format_datetime

    when = format_datetime(moment or _now())
    received = f"from localhost by tandem-local-smtp with SMTP for {', '.join(recipients)}; {when}"
    pairs = [("Return-Path", f"<{source}>"), ("Received", received)]
    message = BytesHeaderParser().parsebytes(raw)
    pairs += [(name, " ".join(str(value).split())) for name, value in message.items()]
    headers, size = [], 0
    for name, value in pairs:
        size += len(name) + len(value) + 4
        if size > HEADERS_LIMIT:
            return headers, True
        headers.append({"name": name, "value": value})
    return headers, False


def common_headers(headers: list[dict]) -> dict:
    """SES's `commonHeaders`: the usual envelope headers, address headers split into lists."""
    from email.utils import formataddr, getaddresses

    by_name: dict[str, list[str]] = {}
    for header in headers:
        by_name.setdefault(header["name"].lower(), []).append(header["value"])
    out: dict[str, Any] = {}
    for field, name, is_list in COMMON:
        values = by_name.get(name.lower())
        if not values:
            continue
        if is_list:
            out[field] = [formataddr((n, a)) if n else a for n, a in getaddresses(values) if a]
        elif field == "returnPath":
            out[field] = values[0].strip("<> ")
        else:
            out[field] = values[0]
    return out


def ses_event(
    message_id: str, source: str, recipients: list[str], raw: bytes = b"", moment: datetime | None = None
) -> dict:
    """The event SES's Lambda action sends: mail (headers, commonHeaders) and receipt (verdicts, action)."""
    moment = moment or _now()
    stamp = _stamp(moment)
    headers, truncated = mail_headers(raw, source, recipients, moment)
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
                        "headersTruncated": truncated,
                        "headers": headers,
                        "commonHeaders": common_headers(headers),
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
                        "action": {"type": "Lambda", "functionArn": FUNCTION_ARN, "invocationType": "Event"},
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
            answer = self._ingest(ses_event(message_id, source, recipients, raw))
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
