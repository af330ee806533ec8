"""Separate what a person just wrote from the quoted history and signature below it (both kept).

Quote headers ("On … wrote:", Outlook's From:/Sent: block, "-----Original Message-----", and their
translations) come from mail-parser-reply's per-language patterns plus our own; the walk over the lines,
the bottom-posting rules and the signature rules are ours, so the reply is always a slice of the input.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

LANGUAGES = ["en", "de", "fr", "it", "es", "nl", "pl", "sv", "da", "cs", "ja", "zh", "ko"]
# Quote headers the library does not know (Russian, Chinese Outlook, multi-line "On …\n<addr>\nwrote:").
OWN_HEADERS = [
    r"^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Исходное сообщение|Oprindelig meddelelse)"
    r"\s*-*$",
    r"^(From|Von|De|От|发件人|寄件者|Da|Van|Från|Od):\s.*\n(.*\n){0,3}?(Sent|Date|Gesendet|Datum|Envoyé|Отправлено|"
    r"Дата|发送时间|寄件日期|Inviato|Verzonden|Skickat|Wysłano):",
    r"^##- .* -##$",  # our own "reply above this line" marker
]
# "On <date>, <name> wrote:" ends a header that clients wrap over up to three lines; it starts at a date or a
# lead-in word, never earlier, so the sentence above it stays in the reply.
WROTE = re.compile(r"(wrote|написал\(а\)|написал|написала|schrieb|a écrit|ha scritto|escribió|schreef|napisał|skrev|"
                   r"kirjoitti|写道)\s*[:：]\s*$", re.I)
LEAD_IN = re.compile(r"^(On|Am|Le|El|Il|Op|Em|Den|Dnia|W dniu|\d{1,4}[./-]|\d{4}年)", re.I)
RULE = re.compile(r"^\s*[-_=*]{8,}\s*$")
DELIMITER = re.compile(r"^\s*--\s*$|^-\w[\w .,'-]{0,40}$")  # "-- " and upstream's "-Name" sign-off
# "Sent from my iPhone", never "Sent from my desk, is much easier…": device words, then at most a link.
MOBILE = re.compile(r"^\s*(Sent from my( [\w-]+){1,4}|Sent with( [\w-]+){1,3}|Sent from (Outlook|Mail|Yahoo Mail|Gmail)"
                    r"( for| on)?( [\w-]+){0,2}|Get Outlook for \w+|Von meinem( [\w-]+){1,3} gesendet|"
                    r"Envoyé de mon( [\w-]+){1,3}|Отправлено с( [\w-]+){1,3}|Enviado desde mi( [\w-]+){1,3})"
                    r"(\s*[<(]\S*[>)])?\s*$", re.I)
# An attribution without "wrote" ("Thu, 26 Jun 2014 14:00 от Alexander <a@b.c>:") directly above a quote.
ATTRIBUTION = re.compile(r"^.{0,200}(@[\w.-]+>?|\d{1,2}:\d{2}.*)\s*:\s*$")
CLOSING = re.compile(r"^(thanks|thank you|many thanks|regards|best|best regards|kind regards|cheers|sincerely|"
                     r"mit freundlichen grüßen|viele grüße|cordialement|saluti|с уважением|med venlig hilsen)\b", re.I)
CONTACT = re.compile(r"(@[\w-]+\.\w|https?://|www\.|\+?\(?\d{2,4}\)?[ .-]?\d{3}[ .-]?\d{3,4})")
NAME = re.compile(r"^[A-Z][\w.'-]+( [A-Z][\w.,'-]*){0,3}$")


@dataclass(frozen=True)
class Separated:
    """A body cut in three: the new text, its signature, and the quoted history (each may be empty)."""

    reply: str
    signature: str
    quoted: str


@lru_cache(maxsize=1)
def _library_headers() -> re.Pattern[str] | None:
    """mail-parser-reply's quote-header pattern for our languages (None when the library is missing)."""
    try:
        from mailparser_reply.parser import EmailMessage
    except ImportError:  # the library adds languages; our own patterns still separate without it
        return None
    return EmailMessage(text="", languages=list(LANGUAGES)).HEADER_REGEX


@lru_cache(maxsize=1)
def _own_headers() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in OWN_HEADERS), re.M | re.I)


def _at_line_bounds(pattern: re.Pattern[str], flat: str) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(flat)` finds, tried only at line boundaries. Every branch of the quote-header
    patterns starts at a line's start (`^`, MULTILINE) or at a newline, so no match can begin mid-line; the
    regex engine would try each of its many branches at every character, which made this half of parsing."""
    end = 0
    for at in (0, *(i + d for i, c in enumerate(flat) if c == "\n" for d in (0, 1))):
        if at < end:
            continue
        match = pattern.match(flat, at)
        if match is not None and match.end() > at:
            yield match
            end = match.end()


def _header_spans(lines: list[str]) -> dict[int, int]:
    """First line → line after the end, for every quote header found on the (stripped) lines."""
    # Headers are short lines; cutting long ones keeps the library's patterns linear on pathological bodies.
    flat = "\n".join(line.strip()[:300] for line in lines)
    spans: dict[int, int] = {}
    for pattern in (_own_headers(), _library_headers()):
        for match in _at_line_bounds(pattern, flat) if pattern else ():
            if not match.group().strip():
                continue
            start = flat.count("\n", 0, match.start() + len(match.group()) - len(match.group().lstrip()))
            end = flat.count("\n", 0, match.end() - (1 if match.group().endswith("\n") else 0)) + 1
            spans[start] = max(spans.get(start, start + 1), end)
    for end, line in enumerate(lines, start=1):
        if WROTE.search(line) and not _quoted(line):
            start = end - 1
            for back in (end - 3, end - 2):
                if back >= 0 and all(lines[i].strip() for i in range(back, end)) and LEAD_IN.match(lines[back].strip()):
                    start = back
                    break
            spans[start] = max(spans.get(start, start + 1), end)
    return spans


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _next_content(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _walk(lines: list[str]) -> tuple[list[int], list[int]]:
    """(reply line numbers, quoted line numbers). A header over a `>` block quotes that block only (the
    author answers below it); a header over plain text quotes everything after it (top posting)."""
    headers = _header_spans(lines)
    reply: list[int] = []
    quoted: list[int] = []
    index = 0
    while index < len(lines):
        if index in headers and not _quoted(lines[index]):
            end = headers[index]
            if _next_content(lines, end) < len(lines) and _quoted(lines[_next_content(lines, end)]):
                quoted.extend(range(index, end))
                index = end
                continue
            while reply and (not lines[reply[-1]].strip() or RULE.match(lines[reply[-1]])):
                quoted.insert(0, reply.pop())  # the rule or blank lines that introduce the header belong to it
            quoted.extend(range(index, len(lines)))
            break
        if ATTRIBUTION.match(lines[index]) and _next_content(lines, index + 1) < len(lines) and _quoted(
                lines[_next_content(lines, index + 1)]):
            quoted.append(index)
        else:
            (quoted if _quoted(lines[index]) else reply).append(index)
        index += 1
    return reply, sorted(quoted)


def _signature_start(lines: list[str]) -> int:
    """Index in `lines` (the reply's own lines) where a trailing signature begins, or len(lines)."""
    content_seen = False
    for index, line in enumerate(lines):
        if content_seen and (DELIMITER.match(line) or RULE.match(line) or MOBILE.match(line)):
            return index
        content_seen = content_seen or bool(line.strip())
    paragraphs = _paragraph_starts(lines)
    if len(paragraphs) > 1 and _looks_like_signature(lines[paragraphs[-1]:]):
        return paragraphs[-1]
    return len(lines)


def _paragraph_starts(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.strip() and (i == 0 or not lines[i - 1].strip())]


def _looks_like_signature(block: list[str]) -> bool:
    """A short closing paragraph: a sign-off, a contact block, or just a name."""
    lines = [line.strip() for line in block if line.strip()]
    if not lines or len(lines) > 8 or any(len(line) > 80 for line in lines):
        return False
    if CLOSING.match(lines[0]) and len(lines) <= 3:
        return True
    contacts = sum(bool(CONTACT.search(line)) for line in lines)
    if contacts >= 2 or (contacts and NAME.match(lines[0]) and len(lines) >= 2):
        return True  # a contact block; one link under a sentence is content, not a signature
    return NAME.match(lines[0]) is not None and len(lines) <= 3 and all(len(line.split()) <= 4 for line in lines)


def _join(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def separate(text: str) -> Separated:
    """Cut a plain-text body into new text, signature and quoted history; no line is lost."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reply_idx, quoted_idx = _walk(lines)
    if not any(lines[i].strip() for i in reply_idx):
        # Nothing above the quote (a bare forward, or a quote-only mail): its unquoted body is what was sent.
        spans = _header_spans(lines)
        body_from = spans[min(spans)] if spans else 0
        reply_idx = [i for i in range(body_from, len(lines)) if not _quoted(lines[i])]
        quoted_idx = sorted(set(range(len(lines))) - set(reply_idx))
    own = [lines[i] for i in reply_idx]
    cut = _signature_start(own)
    return Separated(_join(own[:cut]), _join(own[cut:]), _join([lines[i] for i in quoted_idx]))


def split_reply(text: str) -> tuple[str, str]:
    """(new text, signature + quoted history): what the agent sees first, and what is shown collapsed."""
    parts = separate(text)
    rest = "\n\n".join(part for part in (parts.signature, parts.quoted) if part)
    return parts.reply, rest
