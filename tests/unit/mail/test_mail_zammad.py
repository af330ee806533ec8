"""Zammad's expected parse results (mailNNN.yml beside mailNNN.box) hold for our parser.

Given Zammad's messages and the yml its own test suite asserts, when we parse each, then the sender
address, display name, subject and attachment names match. Two deliberate differences, both documented:
Zammad keeps the HTML alternative as `message.html`; we keep it as the sanitised body instead. And an
encoded word inside an address is refused, never decoded into someone's address.
"""
from __future__ import annotations

import re

from corpus import corpus_dir, zammad_pairs

from tandem.mail.parse import parse_email


def test_zammad_expectations_hold():
    pairs = zammad_pairs()
    assert len(pairs) >= 4
    for box, expected in pairs:
        # When the box is parsed
        mail = parse_email(box.read_bytes())
        # Then sender, subject and attachment names are Zammad's
        if "?Q?" in expected["from_email"]:
            assert mail.from_addr in (None, expected["from_email"].lower()), box.name
        else:
            assert mail.from_addr == expected["from_email"].lower(), box.name
            assert mail.from_name == expected.get("from_display_name", ""), box.name
        assert mail.subject == re.sub(r"\s+", " ", expected["subject"]).strip(), box.name
        names = [a["filename"] for a in expected.get("attachments") or [] if a.get("filename") != "message.html"]
        assert sorted(names) == sorted(a.filename for a in mail.attachments), box.name
        if any(a.get("filename") == "message.html" for a in expected.get("attachments") or []):
            assert mail.html_safe, box.name


def test_encoded_words_in_addresses_are_never_decoded_into_an_agent():
    folder = corpus_dir("zammad")
    for name, forbidden in (("mail117.box", "agent@victim.example"), ("mail118.box", "agent@example.com")):
        assert parse_email((folder / name).read_bytes()).from_addr != forbidden, name


def test_zammad_bounce_names_its_failed_recipient():
    box = corpus_dir("zammad", "mail033-undelivered-mail-returned-to-sender-notification.box")
    mail = parse_email(box.read_bytes())
    assert mail.auto.kind == "bounce"
    assert mail.auto.bounced_recipients
