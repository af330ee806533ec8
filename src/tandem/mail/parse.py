"""Raw bytes → InboundEmail. Pure, and it never raises: broken mail is parsed as far as it goes.

The structure comes from the stdlib parser in its lenient compat32 mode (fast, and it accepts anything);
headers are decoded here: RFC 2047 encoded words through `email.header`, RFC 2231 names through
`get_filename`, unknown or mislabelled charsets through aliases and replacement decoding.
"""
from __future__ import annotations

import codecs
import email
import email.policy
import re
from datetime import datetime
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from tandem.mail.autoreply import classify
from tandem.mail.model import InboundAttachment, InboundEmail
from tandem.mail.reply import split_reply
from tandem.mail.sanitize import html_to_text, sanitize_html

# Labels mail clients use that Python does not know, mapped to the codec that reads them.
CHARSET_ALIASES = {"ks_c_5601-1987": "cp949", "x-sjis": "shift_jis", "unicode-1-1-utf-7": "utf-7",
                   "gb2312": "gb18030", "gbk": "gb18030", "iso-8859-8-i": "iso-8859-8",
                   "windows-874": "cp874", "ansi_x3.4-1968": "ascii"}
MSGID_RE = re.compile(r"<[^<>\s]+>")
LEAVES = ("message/rfc822", "message/delivery-status")
ENCODED_WORD_RE = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
WORD_MARK = "TandemEncodedWord"  # an atom standing in for an encoded word while addresses are split
WORD_MARK_RE = re.compile(WORD_MARK + r"(\d+)z")
CONTROLS_RE = re.compile(r"[\s\x00-\x1f\x7f]+")


def clean(text: str) -> str:
    """Valid Unicode only: undecodable bytes (kept by the parser as surrogates) become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if text else text


def _codec(charset: str | None) -> str | None:
    """The codec for a declared charset, through our aliases; None when nobody knows the label."""
    name = (charset or "").strip().strip('"').lower()
    name = CHARSET_ALIASES.get(name, name)
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset → text. A wrong label is common (UTF-8 sent as Latin-1 and back), so
    a strict try with the label, then UTF-8, then the label (or windows-1252) with U+FFFD for the rest."""
    codec = _codec(charset)
    for name in (codec, "utf-8"):
        if name:
            try:
                return data.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode(codec or "cp1252", errors="replace")


def decode_words(value: str) -> str:
    """RFC 2047 encoded words → text, each chunk in its own (aliased) charset; broken chunks kept raw."""
    try:
        chunks = decode_header(value)
    except Exception:
        return clean(value)
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    return clean("".join(out))


def _raw(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:
        return ""
    if value is None:
        return ""
    if not isinstance(value, str):  # a Header object from an undecodable line
        value = str(value)
    return value


def _header(msg: Message, name: str) -> str:
    return re.sub(r"\s+", " ", decode_words(_raw(msg, name))).strip()


def _one_line(text: str) -> str:
    """A decoded display name as one line: CR, LF, tabs and other control characters become single spaces."""
    return CONTROLS_RE.sub(" ", text).strip()


def _hide_words(value: str) -> tuple[str, list[str]]:
    """The header with each encoded word replaced by a plain atom, and the words in order."""
    words: list[str] = []

    def hide(match: re.Match[str]) -> str:
        words.append(match.group(0))
        return f"{WORD_MARK}{len(words) - 1}z"

    return ENCODED_WORD_RE.sub(hide, value), words


def _show_words(text: str, words: list[str]) -> str:
    return WORD_MARK_RE.sub(lambda m: words[int(m.group(1))] if int(m.group(1)) < len(words) else "", text)


def _address_list(values: list[str]) -> list[tuple[str, str]]:
    """(display name, address) pairs; names decoded, addresses never (an encoded word there is a trick).

    The address parser knows nothing of RFC 2047, so an encoded word is hidden behind a plain atom while the
    header is split: a `:`, `<`, `,` or `@` inside one can then neither open a group nor look like an address.
    """
    pairs = []
    for value in values:
        hidden, words = _hide_words(clean(str(value)))
        for name, addr in getaddresses([hidden]):
            addr = _show_words(addr, words)
            if addr and "@" in addr and "=?" not in addr:
                name = _one_line(decode_words(_show_words(name, words))).strip('"').strip()
                pairs.append((name, addr.strip().lower()))
    return pairs


def _addresses(msg: Message, *names: str) -> list[str]:
    found: list[str] = []
    for name in names:
        try:
            values = msg.get_all(name) or []
        except Exception:
            values = []
        found += [addr for _, addr in _address_list(values) if addr not in found]
    return found


def _sender(msg: Message) -> tuple[str | None, str]:
    for header in ("From", "Sender", "Return-Path"):
        raw = _raw(msg, header)
        if not raw:
            continue
        pairs = _address_list([raw])
        if not pairs:
            return None, ""  # a From we cannot trust is no sender at all, not the next header
        name, addr = pairs[0]
        if not name and (comment := re.search(r"\(([^()]+)\)\s*$", raw)):
            name = _one_line(decode_words(comment.group(1)))  # `addr (Display Name)`, the old comment form
        return addr, name
    return None, ""


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = str(part.get_payload() or "").encode("utf-8", "surrogateescape")
    return clean(decode_bytes(payload, part.get_content_charset())).replace("\r\n", "\n")


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        return None
    return decode_words(str(name)).replace("/", "_").replace("\\", "_").strip() or None


def _parts(msg: Message):
    """Leaf parts in order, treating an attached message as one leaf, not as our body."""
    if msg.get_content_type() in LEAVES or not msg.is_multipart():
        yield msg
        return
    for part in msg.get_payload() or []:
        if isinstance(part, Message):
            yield from _parts(part)


def _default_name(part: Message, ctype: str) -> str:
    """Names for unnamed parts, as help desks show them (Zammad's conventions)."""
    if ctype == "message/delivery-status":
        return "Delivery report.txt"
    if ctype == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        subject = _header(inner, "Subject") if isinstance(inner, Message) else ""
        return f"{subject or 'message'}.eml".replace("/", "_")
    return f"attachment.{part.get_content_subtype()}"


def _bytes_of(part: Message, ctype: str) -> bytes:
    if ctype in LEAVES:
        inner = part.get_payload()
        if ctype == "message/rfc822":
            inner = inner[0] if isinstance(inner, list) and inner else inner
            return inner.as_bytes() if isinstance(inner, Message) else str(inner).encode("utf-8", "replace")
        return "\n".join(str(b) for b in (inner or [])).encode("utf-8", "replace")
    data = part.get_payload(decode=True)
    return data if data is not None else str(part.get_payload()).encode("utf-8", "replace")


def _walk(msg: Message) -> tuple[list[str], list[str], list[InboundAttachment]]:
    texts, htmls, attachments = [], [], []
    for part in _parts(msg):
        ctype = part.get_content_type()
        disposition = (_raw(part, "Content-Disposition").split(";")[0]).strip().lower()
        cid = _raw(part, "Content-ID").strip("<> ") or None
        name = _filename(part)
        attached = disposition == "attachment" or name or (cid and part.get_content_maintype() != "text")
        if attached or ctype in LEAVES:
            attachments.append(InboundAttachment(name or _default_name(part, ctype), ctype, _bytes_of(part, ctype),
                                                 cid, disposition == "inline" or bool(cid)))
        elif ctype == "text/plain":
            texts.append(_text_of(part))
        elif ctype == "text/html":
            htmls.append(_text_of(part))
    return texts, htmls, attachments


def _message_ids(msg: Message, name: str) -> list[str]:
    """The <msg-id>s of a header; also when a sender RFC 2047-encoded it (Python's email package does that to
    a Message-ID too long for one line)."""
    raw = _raw(msg, name)
    return MSGID_RE.findall(raw) or (MSGID_RE.findall(decode_words(raw)) if "=?" in raw else [])


def _date(msg: Message) -> datetime | None:
    try:
        return parsedate_to_datetime(_raw(msg, "Date")) if _raw(msg, "Date") else None
    except Exception:
        return None


def parse_email(raw: bytes) -> InboundEmail:
    """Parse any bytes as a mail; the result may be sparse but is never an exception."""
    try:
        return _parse(raw if isinstance(raw, bytes) else bytes(raw))
    except Exception as exc:  # the last line of defence: keep the bytes' text so nothing is lost
        text = clean(raw.decode("utf-8", "replace")) if isinstance(raw, bytes) else str(raw)
        return InboundEmail(text=text, reply_text=text, parse_defects=[f"unparseable: {exc!r}"])


def _parse(raw: bytes) -> InboundEmail:
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    sender, sender_name = _sender(msg)
    subject = _header(msg, "Subject")
    texts, htmls, attachments = _walk(msg)
    html_raw = "\n".join(htmls) or None
    text = "\n".join(t for t in texts if t.strip()) or (html_to_text(html_raw) if html_raw else "")
    reply, quoted = split_reply(text)
    headers: dict[str, str] = {}
    for key, value in msg.items():
        headers.setdefault(key.lower(), clean(str(value)))
    return InboundEmail(
        message_id=(_message_ids(msg, "Message-ID") or [None])[0],
        in_reply_to=(_message_ids(msg, "In-Reply-To") or [None])[0],
        references=_message_ids(msg, "References"), subject=subject, from_addr=sender,
        from_name=sender_name, to=_addresses(msg, "To"), cc=_addresses(msg, "Cc"),
        delivered_to=_addresses(msg, "Delivered-To", "X-Original-To", "Envelope-To"),
        reply_to=(_addresses(msg, "Reply-To") or [None])[0], date=_date(msg), text=text, html_raw=html_raw,
        html_safe=sanitize_html(html_raw) if html_raw else None, reply_text=reply, quoted_text=quoted,
        attachments=attachments, headers=headers, auto=classify(msg, sender or "", subject),
        parse_defects=[str(d) for d in msg.defects],
    )
