"""SES mailer: raw MIME so both text and HTML parts and our threading headers survive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tandem.domain.tenants import Tenant
    from tandem.services.ports import OutboundMail

__all__ = ["SesMailer", "build_mime"]  # noqa: F822  # build_mime: through __getattr__ below


def __getattr__(name: str) -> Any:
    """`build_mime` stays importable from here; it is imported on first use, not with the mailer every Lambda
    builds (it brings the email package's policies and header registry)."""
    if name == "build_mime":
        from tandem.mail.compose import build_mime

        return build_mime
    raise AttributeError(name)


class SesMailer:
    def __init__(self, ses: Any) -> None:
        self._ses = ses

    def send(self, tenant: Tenant, mail: OutboundMail) -> str:
        """Send through the tenant's domain; SES answers the MessageId it will put in the Message-ID header."""
        from tandem.mail.compose import build_mime  # kept off the cold path (see the module's __getattr__)

        msg = build_mime(tenant, mail)
        answer = self._ses.send_raw_email(
            Source=f"support@{tenant.mail_domain}", Destinations=mail.to, RawMessage={"Data": msg.as_bytes()}
        )
        return answer["MessageId"]
