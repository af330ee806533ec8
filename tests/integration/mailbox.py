"""Deliver mail the way SES does: raw bytes into the inbound bucket, then the receipt event to the handler."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import make_msgid

from tandem.runtime.handlers import ingest_ses_event


def compose(
    *,
    sender: str,
    to: str | list[str],
    subject: str,
    body: str,
    cc: list[str] | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    sender_name: str = "",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{sender_name} <{sender}>" if sender_name else sender
    msg["To"] = to if isinstance(to, str) else ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain=sender.split("@")[1])
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, ctype, data in attachments or []:
        main, sub = ctype.split("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return msg.as_bytes()


def ses_event(
    raw: bytes,
    recipients: list[str],
    *,
    spam: str = "PASS",
    virus: str = "PASS",
    auth: str = "PASS",
    ses_id: str | None = None,
) -> dict:
    ses_id = ses_id or hashlib.sha1(raw).hexdigest()[:20]
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {"messageId": ses_id, "source": "sender@example.com", "destination": recipients},
                    "receipt": {
                        "recipients": recipients,
                        "spamVerdict": {"status": spam},
                        "virusVerdict": {"status": virus},
                        "spfVerdict": {"status": auth},
                        "dkimVerdict": {"status": auth},
                        "dmarcVerdict": {"status": auth},
                        "action": {"type": "Lambda"},
                    },
                },
            }
        ]
    }


def deliver(container, raw: bytes, recipients: list[str], **verdicts) -> list[dict]:
    """Store the raw mail where the receipt rule would and run the ingest handler; returns its outcomes."""
    event = ses_event(raw, recipients, **verdicts)
    ses_id = event["Records"][0]["ses"]["mail"]["messageId"]
    container.inbound_blobs().put(f"inbound/{ses_id}", raw, "message/rfc822")
    return ingest_ses_event(container, event)["outcomes"]
