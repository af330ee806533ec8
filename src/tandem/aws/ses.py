"""SES mailer: raw MIME so both text and HTML parts and our threading headers survive."""

from __future__ import annotations

from typing import Any

from tandem.domain.tenants import Tenant
from tandem.mail.compose import build_mime
from tandem.services.ports import OutboundMail

__all__ = ["SesMailer", "build_mime"]


class SesMailer:
    def __init__(self, ses: Any) -> None:
        self._ses = ses

    def send(self, tenant: Tenant, mail: OutboundMail) -> str:
        """Send through the tenant's domain; SES answers the MessageId it will put in the Message-ID header."""
        msg = build_mime(tenant, mail)
        answer = self._ses.send_raw_email(
            Source=f"support@{tenant.mail_domain}", Destinations=mail.to, RawMessage={"Data": msg.as_bytes()}
        )
        return answer["MessageId"]
