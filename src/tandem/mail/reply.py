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
    re.compile(r"^On .{5,200}wrote:\s*$", re.M | re.S),
    re.compile(r"^Sent from my (iPhone|iPad|Android|mobile)", re.M | re.I),
]


@lru_cache(maxsize=1)
def _parser() -> Any:
    from mailparser_reply import EmailReplyParser

    return EmailReplyParser(languages=LANGUAGES)


def _cut(text: str) -> int:
    positions = [m.start() for rx in MARKERS if (m := rx.search(text))]
    return min(positions) if positions else len(text)


def split_reply(text: str) -> tuple[str, str]:
    """(new text, quoted history + signature). Never loses text: reply + quoted cover the input."""
    text = (text or "").replace("\r\n", "\n")
    if not text.strip():
        return "", ""
    try:
        reply = _parser().parse_reply(text) or ""
    except Exception:  # a parser hiccup must not lose the mail: fall back to our own markers
        reply = text
    reply = reply.strip()
    head = text[: _cut(text)]
    if len(head.strip()) < len(reply) or not reply:
        reply = head.strip()
    reply = "\n".join(line for line in reply.splitlines()).strip()
    index = text.find(reply[:80]) if reply else 0
    quoted = text[index + len(reply):].strip() if index >= 0 else ""
    return reply, quoted
