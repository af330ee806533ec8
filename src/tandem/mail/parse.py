"""Raw bytes → InboundEmail. Pure, and it never raises: broken mail is parsed as far as it goes.

The stdlib parser (policy=default) handles encoded words, RFC 2231 names and most charsets; where it
gives up (malformed headers, unknown or mislabelled charsets) we fall back field by field.
"""
from __future__ import annotations

import codecs
import email
import email.policy
import re
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from tandem.mail.autoreply import classify
from tandem.mail.model import InboundAttachment, InboundEmail
from tandem.mail.reply import split_reply
from tandem.mail.sanitize import html_to_text, sanitize_html

# Labels mail clients use that Python does not know, mapped to the codec that reads them.
CHARSET_ALIASES = {"ks_c_5601-1987": "cp949", "x-sjis": "shift_jis", "unicode-1-1-utf-7": "utf-7",
                   "gb2312": "gb18030", "gbk": "gb18030", "iso-8859-8-i": "iso-8859-8", "x-unknown": "utf-8",
                   "unknown-8bit": "utf-8", "windows-874": "cp874", "ansi_x3.4-1968": "ascii"}
MSGID_RE = re.compile(r"<[^<>\s]+>")
ADDRESS_HEADERS = ("to", "cc", "delivered-to", "x-original-to", "envelope-to")


def _codec(charset: str | None) -> str:
    name = (charset or "utf-8").strip().strip('"').lower()
    name = CHARSET_ALIASES.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError:
        return "utf-8"
    return name


def clean(text: str) -> str:
    """Valid Unicode only: undecodable bytes (kept by the parser as surrogates) become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if text else text


def _header(msg: Message, name: str) -> str:
    """A header as text; encoded words decoded, broken ones kept raw rather than lost."""
    return clean(_header_raw(msg, name))


def _header_raw(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:
        value = None
    if value is None:
        return ""
    try:
        return str(value).strip()
    except Exception:
        pass
    try:
        return str(make_header(decode_header(str(value)))).strip()
    except Exception:
        return str(value).encode("utf-8", "replace").decode("utf-8").strip()


def _addresses(msg: Message, *names: str) -> list[str]:
    found: list[str] = []
    for name in names:
        try:
            values = msg.get_all(name) or []
        except Exception:
            values = []
        for _, addr in getaddresses([str(v) for v in values]):
            # An encoded word inside an address is a spoofing trick (=?utf-8?Q?agent?=@victim): refuse it.
            if addr and "@" in addr and "=?" not in addr and addr.lower() not in found:
                found.append(clean(addr.strip().lower()))
    return found


def _raw_header(msg: Message, name: str) -> str:
    """The header as it came over the wire (encoded words still encoded)."""
    try:
        raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), "")  # type: ignore[attr-defined]
    except Exception:
        raw = msg.get(name, "")
    return str(raw or "")


def _sender(msg: Message) -> tuple[str | None, str]:
    raw = _raw_header(msg, "From") or _raw_header(msg, "Sender") or _raw_header(msg, "Return-Path")
    _, raw_addr = (getaddresses([raw]) or [("", "")])[0]
    if "=?" in raw_addr:
        return None, ""  # an encoded word inside the address itself is a spoofing trick, never decode it
    try:
        address = msg["From"].addresses[0]  # type: ignore[union-attr]
        name, addr = address.display_name, address.addr_spec
    except Exception:
        name, addr = (getaddresses([_header(msg, "From") or raw]) or [("", "")])[0]
    if not addr or "@" not in addr:
        return None, ""
    if not name and (comment := re.search(r"\(([^()]+)\)\s*$", raw)):
        name = comment.group(1)  # `addr (Display Name)`, the old comment form
    return clean(addr.strip().lower()), clean(str(name).strip().strip('"'))


def _text_of(part: Message) -> str:
    return clean(_decoded_text(part))


def _decoded_text(part: Message) -> str:
    try:
        if isinstance(part, EmailMessage):
            content = part.get_content()
            if isinstance(content, str):
                return content
    except Exception:
        pass
    payload = part.get_payload(decode=True) or b""
    return payload.decode(_codec(part.get_content_charset()), errors="replace")


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name:
        try:
            name = str(make_header(decode_header(name)))
        except Exception:
            pass
        return clean(name.replace("/", "_").replace("\\", "_").strip()) or None
    return None


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    if disposition == "attachment" or _filename(part):
        return True
    return bool(part.get("Content-ID")) and part.get_content_maintype() not in ("text", "multipart")


def _parts(msg: Message):
    """Leaf parts in order, treating an attached message (message/rfc822) as one leaf, not as our body."""
    if msg.get_content_type() in ("message/rfc822", "message/delivery-status") or not msg.is_multipart():
        yield msg
        return
    for part in msg.get_payload() or []:
        if isinstance(part, Message):
            yield from _parts(part)


def _default_name(part: Message) -> str:
    """Names for unnamed parts, as help desks show them (Zammad's conventions)."""
    ctype = part.get_content_type()
    if ctype == "message/delivery-status":
        return "Delivery report.txt"
    if ctype == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        subject = _header(inner, "Subject") if isinstance(inner, Message) else ""
        return f"{subject or 'message'}.eml".replace("/", "_")
    return f"attachment.{part.get_content_subtype()}"


def _bytes_of(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        return inner.as_bytes() if isinstance(inner, Message) else str(inner).encode("utf-8", "replace")
    if part.get_content_type() == "message/delivery-status":
        return "\n".join(str(b) for b in (part.get_payload() or [])).encode("utf-8", "replace")
    data = part.get_payload(decode=True)
    return data if data is not None else str(part.get_payload()).encode("utf-8", "replace")


def _walk(msg: Message) -> tuple[list[str], list[str], list[InboundAttachment]]:
    texts, htmls, attachments = [], [], []
    for part in _parts(msg):
        ctype = part.get_content_type()
        if _is_attachment(part) or ctype in ("message/rfc822", "message/delivery-status"):
            cid = (part.get("Content-ID") or "").strip("<> ") or None
            inline = (part.get("Content-Disposition") or "").lower().startswith("inline") or bool(cid)
            attachments.append(InboundAttachment(_filename(part) or _default_name(part), ctype, _bytes_of(part),
                                                 cid, inline))
        elif ctype == "text/plain":
            texts.append(_text_of(part))
        elif ctype == "text/html":
            htmls.append(_text_of(part))
    return texts, htmls, attachments


def _message(raw: bytes) -> tuple[Message, list[str]]:
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        _ = [str(v) for v in msg.values()]  # fail here, not later, if the modern policy chokes on a header
        return msg, [str(d) for d in msg.defects]
    except Exception as exc:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        return msg, [f"fell back to compat32: {exc.__class__.__name__}"]


def _date(msg: Message):
    try:
        return parsedate_to_datetime(_header(msg, "Date")) if _header(msg, "Date") else None
    except Exception:
        return None


def parse_email(raw: bytes) -> InboundEmail:
    """Parse any bytes as a mail; the result may be sparse but is never an exception."""
    try:
        return _parse(raw if isinstance(raw, bytes) else bytes(raw))
    except Exception as exc:  # the last line of defence: keep the bytes' text so nothing is lost
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        return InboundEmail(text=text, reply_text=text, parse_defects=[f"unparseable: {exc!r}"])


def _parse(raw: bytes) -> InboundEmail:
    msg, defects = _message(raw)
    sender, sender_name = _sender(msg)
    subject = re.sub(r"\s+", " ", _header(msg, "Subject"))
    texts, htmls, attachments = _walk(msg)
    html_raw = "\n".join(htmls) or None
    text = "\n".join(t for t in texts if t.strip()) or (html_to_text(html_raw) if html_raw else "")
    reply, quoted = split_reply(text)
    references = MSGID_RE.findall(_header(msg, "References"))
    in_reply_to = (MSGID_RE.findall(_header(msg, "In-Reply-To")) or [None])[0]
    headers: dict[str, str] = {}
    for key in msg.keys():
        headers.setdefault(key.lower(), _header(msg, key))
    return InboundEmail(
        message_id=(MSGID_RE.findall(_header(msg, "Message-ID")) or [None])[0], in_reply_to=in_reply_to,
        references=references, subject=subject, from_addr=sender, from_name=sender_name,
        to=_addresses(msg, "To"), cc=_addresses(msg, "Cc"),
        delivered_to=_addresses(msg, "Delivered-To", "X-Original-To", "Envelope-To"),
        reply_to=(_addresses(msg, "Reply-To") or [None])[0], date=_date(msg), text=text, html_raw=html_raw,
        html_safe=sanitize_html(html_raw) if html_raw else None, reply_text=reply, quoted_text=quoted,
        attachments=attachments, headers=headers, auto=classify(msg, sender or "", subject), parse_defects=defects,
    )
