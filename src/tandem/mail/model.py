"""What the parser makes of a raw message: plain data, no behaviour."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AutoClassification:
    """Whether a machine sent the mail (and what kind), decided by one classifier."""

    kind: str = "human"  # human | auto_reply | bounce | list | bulk
    reason: str = ""
    bounced_recipients: list[str] = field(default_factory=list)

    @property
    def is_automatic(self) -> bool:
        return self.kind != "human"


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True)
class InboundEmail:
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_addr: str | None = None
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    reply_to: str | None = None
    date: datetime | None = None
    text: str = ""
    html_raw: str | None = None
    html_safe: str | None = None
    reply_text: str = ""
    quoted_text: str = ""
    attachments: list[InboundAttachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    auto: AutoClassification = field(default_factory=AutoClassification)
    parse_defects: list[str] = field(default_factory=list)
