"""Separate what a person just wrote from the quoted history and signature below it (both kept)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

LANGUAGES = ["en", "de", "fr", "it", "es", "nl", "pl", "ru", "sv", "cs", "ja", "zh", "ko"]
# Markers the library may miss: forwarded/original headers and our own reply line.
MARKERS = [
    re.compile(r"^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Исходное сообщение)",
               re.I | re.M),
    re.compile(r"^_{10,}\s*$", re.M),
    re.compile(r"^(From|Von|De|От|发件人|Da):\s.+\n(.+\n){0,3}?(Sent|Gesendet|Envoyé|Отправлено|发送时间|Inviato)",
               re.M),
    re.compile(r"^##- .* -##\s*$", re.M),
    re.compile(r"^-- ?$", re.M),  # the signature delimiter
    re.compile(r"^[^\n]{0,200}(\n[^\n]{0,200})?(wrote|написал\(а\)|написал|schrieb|a écrit|ha scritto|escribió|schreef|"
               r"napisał|skrev|kirjoitti)\s*:\s*$", re.M | re.I),
    re.compile(r"^Sent from my (iPhone|iPad|Android|mobile)", re.M | re.I),
]


@lru_cache(maxsize=1)
def _parser() -> Any:
    from mailparser_reply import EmailReplyParser

    return EmailReplyParser(languages=LANGUAGES)


def _cut(text: str) -> int:
    positions = [m.start() for rx in MARKERS if (m := rx.search(text))]
    return min(positions) if positions else len(text)


CLOSING = re.compile(r"^(thanks|thank you|many thanks|regards|best|best regards|kind regards|cheers|sincerely|"
                     r"mit freundlichen grüßen|viele grüße|cordialement|saluti|с уважением)\b", re.I)
CONTACT = re.compile(r"(@[\w-]+\.\w|https?://|www\.|\+?\(?\d{2,4}\)?[ .-]?\d{3}[ .-]?\d{3,4})")
NAME = re.compile(r"^(#sig#)?[A-Z][\w.'-]+( [A-Z][\w.,'-]*){0,3}$")
RULE = re.compile(r"^\s*[-_=*]{8,}\s*$", re.M)


def _looks_like_signature(block: str) -> bool:
    lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
    if not lines or len(lines) > 8 or any(len(line) > 80 for line in lines):
        return False
    if CLOSING.match(lines[0]) and len(lines) <= 3:
        return True
    contacts = sum(bool(CONTACT.search(line)) for line in lines)
    if contacts >= 2 or (contacts and NAME.match(lines[0]) and len(lines) >= 2):
        return True  # a contact block; one link under a sentence is content, not a signature
    return NAME.match(lines[0]) is not None and len(lines) <= 3 and all(len(line.split()) <= 4 for line in lines)


def strip_signature(reply: str) -> str:
    """Drop a trailing signature without a `-- ` delimiter: a rule line, contact block, name or sign-off."""
    rule = RULE.search(reply)
    if rule and rule.start() > 0:
        reply = reply[: rule.start()].rstrip()
    paragraphs = re.split(r"\n\s*\n", reply.strip())
    if len(paragraphs) > 1 and _looks_like_signature(paragraphs[-1]):
        return reply[: reply.rfind(paragraphs[-1])].rstrip()
    return reply


def _unquoted(text: str) -> str:
    """Bottom-posted replies: the lines that are neither quoted (`>`) nor a quote header."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    body = "\n".join(lines)
    header = MARKERS[5].search(body)
    if header and header.start() == 0:
        body = body[header.end():]
    return body.strip()


def split_reply(text: str) -> tuple[str, str]:
    """(new text, quoted history + signature). Never loses text: the quoted part keeps the rest."""
    text = (text or "").replace("\r\n", "\n")
    if not text.strip():
        return "", ""
    try:
        reply = (_parser().parse_reply(text) or "").strip()
    except Exception:  # a parser hiccup must not lose the mail: fall back to our own markers
        reply = text.strip()
    reply = reply[: _cut(reply)].strip() if reply else ""
    if not reply:
        reply = _unquoted(text)
        reply = reply[: _cut(reply)].strip()
    reply = strip_signature(reply)
    index = text.find(reply[:80]) if reply else -1
    quoted = (text[:index] + text[index + len(reply):]).strip() if index >= 0 else text.strip()
    return reply, quoted
