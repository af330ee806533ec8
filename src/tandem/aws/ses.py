"""SES mailer: raw MIME so both text and HTML parts and our threading headers survive."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from tandem.domain.tenants import Tenant
from tandem.services.ports import OutboundMail


def build_mime(tenant: Tenant, mail: OutboundMail) -> EmailMessage:
    """The message as it leaves: From the tenant's domain, our headers, text and optional HTML."""
    msg = EmailMessage()
    sender = f"support@{tenant.mail_domain}"
    msg["From"] = formataddr((mail.from_name or tenant.name, sender))
    msg["To"] = ", ".join(mail.to)
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    headers = dict(mail.headers)
    msg["Message-ID"] = headers.pop("Message-ID", None) or make_msgid(domain=tenant.mail_domain)
    for name, value in headers.items():
        msg[name] = value
    msg.set_content(mail.text)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    return msg


class SesMailer:
    def __init__(self, ses: Any) -> None:
        self._ses = ses

    def send(self, tenant: Tenant, mail: OutboundMail) -> str:
        msg = build_mime(tenant, mail)
        answer = self._ses.send_raw_email(
            Source=f"support@{tenant.mail_domain}", Destinations=mail.to, RawMessage={"Data": msg.as_bytes()}
        )
        return answer["MessageId"]
