"""OutboundMail → the MIME message that leaves. Every header is built by `email.headerregistry` under
`policy.SMTP`: text a user typed (titles, organisation and person names) is folded and encoded, never
concatenated, so a CR/LF in it becomes a space and can neither inject a header nor make sending fail.
"""

from __future__ import annotations

import re
from email import policy
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from tandem.domain.tenants import Tenant
from tandem.services.ports import OutboundMail

CONTROLS_RE = re.compile(r"[\s\x00-\x1f\x7f]+")
HEADER_NAME_RE = re.compile(r"^[!-9;-~]+$")  # RFC 5322 field names: printable ASCII except ':'
ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "reply-to", "sender"})


class MessageIdsHeader(UnstructuredHeader):
    """Message-ID, In-Reply-To, References as written: folded between ids only, never RFC 2047-encoded (the
    default policy encodes a long id, and a reply then names an id nobody knows)."""

    max_count = None

    def fold(self, *, policy: Any) -> str:
        return f"{self.name}: {(policy.linesep + ' ').join(str(self).split())}{policy.linesep}"


_REGISTRY = HeaderRegistry()
for _name in ("message-id", "in-reply-to", "references"):
    _REGISTRY.map_to_type(_name, MessageIdsHeader)
POLICY = policy.SMTP.clone(header_factory=_REGISTRY)


def one_line(text: str | None) -> str:
    """Text for a header: every run of whitespace or control characters (CR, LF, NUL…) is one space."""
    return CONTROLS_RE.sub(" ", text or "").strip()


def address(addr_spec: str, display_name: str | None = None) -> Address:
    """A mailbox from a stored address and an untrusted name (ValueError when the address itself is unusable)."""
    return Address(display_name=one_line(display_name), addr_spec=one_line(addr_spec))


def build_mime(tenant: Tenant, mail: OutboundMail) -> EmailMessage:
    """The message as it leaves: From the tenant's domain, our headers, text and optional HTML."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = address(f"support@{tenant.mail_domain}", mail.from_name or tenant.name)
    msg["To"] = [address(to) for to in mail.to]
    msg["Subject"] = one_line(mail.subject)
    msg["Date"] = formatdate(localtime=False)
    if mail.reply_to:
        msg["Reply-To"] = address(mail.reply_to)
    headers = dict(mail.headers)
    msg["Message-ID"] = one_line(headers.pop("Message-ID", None)) or make_msgid(domain=tenant.mail_domain)
    for name, value in headers.items():
        # Our own code names the headers; a malformed name, or an address header slipped in here, is dropped.
        if HEADER_NAME_RE.match(name) and name.lower() not in ADDRESS_HEADERS and name.lower() not in msg:
            msg[name] = one_line(value)
    msg.set_content(mail.text)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    return msg
