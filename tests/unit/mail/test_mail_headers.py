"""Headers out are built, never concatenated; addresses in come only from the address part."""

from __future__ import annotations

import email
import email.policy

import pytest

from tandem.domain.tenants import Tenant
from tandem.mail.compose import build_mime, one_line
from tandem.mail.parse import parse_email
from tandem.services.ports import OutboundMail

TENANT = Tenant("t1", "acme", "Acme\r\nBcc: victim@evil.example", "acme.tandem.local", "2026-11-22T10:00:00.000Z")
LONG_ID = "<0100018c5f6a8b3e-6b1f0b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b-000000@support.a-long-customer-domain.example>"


def _sent(mail: OutboundMail, tenant: Tenant = TENANT) -> email.message.EmailMessage:
    return email.message_from_bytes(build_mime(tenant, mail).as_bytes(), policy=email.policy.default)


def test_cr_lf_in_subject_names_and_headers_is_folded_to_spaces_not_injected():
    # Given text with CR/LF and header lines everywhere a user can put text
    mail = OutboundMail(
        to=["alice@customer.example"],
        subject="Printer\r\nBcc: victim@evil.example\r\n\r\nbody",
        text="Hello",
        reply_to="support+t-1.abc@acme.tandem.local",
        headers={"X-Tandem-Ref": "T-1\nX-Injected: yes", "Bcc": "victim@evil.example", "Bad:Name": "x"},
        from_name="Mia\r\nX-Injected: yes",
    )
    # When it is built, then every header is one line and only the headers we meant exist
    msg = _sent(mail)
    assert msg["Subject"] == "Printer Bcc: victim@evil.example body"
    assert msg["From"].addresses[0].display_name == "Mia X-Injected: yes"
    assert msg["X-Tandem-Ref"] == "T-1 X-Injected: yes"
    assert msg["Bcc"] is None and msg["X-Injected"] is None and msg["Bad"] is None
    assert str(msg["To"]) == "alice@customer.example"


def test_the_tenant_name_is_the_default_display_name_and_stays_one_line():
    msg = _sent(OutboundMail(to=["a@b.example"], subject="Sign in", text="x"))
    assert msg["From"].addresses[0].display_name == "Acme Bcc: victim@evil.example"
    assert msg["From"].addresses[0].addr_spec == "support@acme.tandem.local"


def test_long_message_ids_are_never_encoded_so_replies_thread():
    # Given Message-IDs longer than one folded line (a long custom mail domain)
    headers = {"Message-ID": LONG_ID, "In-Reply-To": LONG_ID, "References": f"{LONG_ID} {LONG_ID}"}
    raw = build_mime(TENANT, OutboundMail(to=["a@b.example"], subject="x", text="y", headers=headers)).as_bytes()
    # Then they leave as written, and our parser reads them back
    assert b"=?utf-8?" not in raw
    parsed = parse_email(raw)
    assert parsed.message_id == parsed.in_reply_to == LONG_ID and parsed.references == [LONG_ID, LONG_ID]


def test_an_id_a_sender_rfc2047_encoded_is_still_read():
    raw = (
        b"From: a@b.example\r\nIn-Reply-To: =?utf-8?q?=3Cabc=40us-east-1=2Eamazonses=2Ecom=3E?=\r\n"
        b"Subject: x\r\n\r\nbody\r\n"
    )
    assert parse_email(raw).in_reply_to == "<abc@us-east-1.amazonses.com>"


@pytest.mark.parametrize(
    ("from_header", "name"),
    [
        (b"=?utf-8?q?x:bad@evil.example=0D=0Ax-injected?= <real@sender.example>", "x:bad@evil.example x-injected"),
        (b"=?utf-8?q?a=2C_b@evil.example?= <real@sender.example>", "a, b@evil.example"),
        (b'"=?utf-8?q?q:x@evil.example?=" <real@sender.example>', "q:x@evil.example"),
        (b"=?utf-8?q?Andr=C3=A9?= =?utf-8?q?_Pirard?= <real@sender.example>", "André Pirard"),
        (b"real@sender.example (=?utf-8?q?Name=0D=0AX-Evil:_1?=)", "Name X-Evil: 1"),
    ],
)
def test_an_encoded_word_in_a_display_name_stays_a_name(from_header, name):
    # Given a From whose display name is an encoded word holding addresses, colons, commas or CR/LF
    mail = parse_email(b"From: " + from_header + b"\r\nTo: support@acme.tandem.local\r\n\r\nhi\r\n")
    # Then the address is the one in the address part, and the name is one decoded line
    assert mail.from_addr == "real@sender.example"
    assert mail.from_name == name


def test_an_encoded_word_as_the_address_is_no_address():
    mail = parse_email(b"From: Someone <=?utf-8?q?boss@acme.example?=>\r\nTo: x@y.example\r\n\r\nhi\r\n")
    assert mail.from_addr is None


def test_one_line_turns_every_control_run_into_one_space():
    assert one_line(" a\r\n\tb\x00\x1fc\x7f ") == "a b c"
    assert one_line(None) == ""
