"""Mail facts the core keeps: rejections (nothing is lost) and the envelope SES hands over."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Envelope:
    """What SES says about a received message besides its bytes."""

    ses_message_id: str
    recipients: list[str]
    raw_key: str
    spam: str = "PASS"
    virus: str = "PASS"
    spf: str = "PASS"
    dkim: str = "PASS"
    dmarc: str = "PASS"
    source: str = ""  # the envelope sender (MAIL FROM), when the mail itself names none

    @property
    def authenticated(self) -> bool:
        """Any of SPF, DKIM or DMARC passing vouches for the sender's domain."""
        return "PASS" in (self.spf.upper(), self.dkim.upper(), self.dmarc.upper())


@dataclass
class Rejection:
    id: str
    at: str
    reason: str
    tenant_id: str | None = None
    ses_message_id: str = ""
    message_id: str = ""
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    raw_key: str = ""
    envelope: Envelope | None = None  # what SES said (verdicts, recipients), so a replay judges the mail alike
