"""Every raw message in the corpus, and every fixture of ours, parses without an exception.

Given real mail from a dozen projects (bounces, charsets, malformed headers, nested MIME),
when each goes through `parse_email`, then we get an InboundEmail with valid text, never an error.
"""
from __future__ import annotations

import time

from corpus import CORPUS, own_emails, raw_mail_files

from tandem.mail.model import InboundEmail
from tandem.mail.parse import parse_email


def _assert_sound(mail: InboundEmail, where: str) -> None:
    for text in (mail.subject, mail.from_name, mail.text, mail.reply_text, mail.quoted_text, mail.html_safe or ""):
        text.encode("utf-8")  # no lone surrogates: everything we keep can be stored and rendered
    assert all(isinstance(a.content, bytes) and a.filename for a in mail.attachments), where
    assert all("/" not in a.filename for a in mail.attachments), where
    if mail.html_safe:
        assert "<script" not in mail.html_safe.lower(), where


def test_every_corpus_message_parses():
    # Given every raw message of the corpus
    files = raw_mail_files()
    assert len(files) > 300
    started = time.perf_counter()
    # When each is parsed
    for path in files:
        mail = parse_email(path.read_bytes())
        # Then it is a sound InboundEmail
        _assert_sound(mail, str(path.relative_to(CORPUS)))
    elapsed = time.perf_counter() - started
    print(f"\ncorpus messages parsed: {len(files)} in {elapsed:.2f}s")


def test_truncated_and_garbled_corpus_messages_still_parse():
    # Given the corpus cut in the middle of headers and bodies, and with bytes flipped
    for path in raw_mail_files()[::7]:
        raw = path.read_bytes()
        for broken in (raw[: len(raw) // 3], raw[len(raw) // 2 :], raw.replace(b"\n", b"\r", 5), raw[::-1][:2000]):
            # When parsed, then no exception escapes
            _assert_sound(parse_email(broken), path.name)


def test_degenerate_inputs_never_raise():
    for raw in (b"", b"\n\n", b"\x00\xff\xfe", b"Subject: =?utf-8?B?####?=\n\n", b"From: <>\nTo: ;;;\n\nx",
                b"Content-Type: multipart/mixed; boundary=\n\n--\n--",
                b"Content-Type: text/plain; charset=\"\"\n\n\xe9"):
        _assert_sound(parse_email(raw), repr(raw))


def test_our_own_fixtures_parse():
    files = own_emails()
    assert len(files) >= 8
    for path in files:
        _assert_sound(parse_email(path.read_bytes()), path.name)
