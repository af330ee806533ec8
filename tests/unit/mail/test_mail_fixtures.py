"""Our own fixtures (tests/emails) and the small rules of the mail layer, one behaviour per test."""
from __future__ import annotations

from corpus import OWN_EMAILS

from tandem.mail.model import InboundEmail
from tandem.mail.parse import parse_email
from tandem.mail.reply import separate, split_reply
from tandem.mail.sanitize import html_to_text, sanitize_html


def _mail(name: str) -> InboundEmail:
    return parse_email((OWN_EMAILS / name).read_bytes())


def test_human_reply_keeps_addresses_threading_and_new_text():
    mail = _mail("human_reply_plus_address.eml")
    assert (mail.from_addr, mail.from_name) == ("dana@club.example", "Dana Club")
    assert mail.cc == ["mia@club.example", "ops@club.example"]
    assert "support+ticket.t-42.abc123@agency.tandem.local" in mail.delivered_to
    assert mail.in_reply_to == "<notify-42@agency.tandem.local>" and len(mail.references) == 2
    assert mail.reply_text == "It works again, thank you!"
    assert "We replaced the toner." in mail.quoted_text and "Dana Club" in mail.quoted_text
    assert mail.auto.kind == "human" and mail.date is not None


def test_charsets_and_encoded_words_decode():
    jp, ru, bad = _mail("iso2022jp.eml"), _mail("koi8r.eml"), _mail("mislabelled_charset.eml")
    assert (jp.from_name, jp.subject) == ("山田太郎", "請求書について") and "請求書" in jp.text
    assert (ru.from_name, ru.subject) == ("Иван", "Счёт") and "счёт" in ru.text
    # A label nobody knows falls back to UTF-8, then windows-1252; a broken Date is None, not an error
    assert (bad.from_name, bad.subject, bad.date) == ("René", "Café – facture", None)
    assert bad.text.strip() == "Le café coûte 3 €."


def test_html_only_mail_is_sanitised_and_inline_images_are_attachments():
    mail = _mail("html_only_inline_image.eml")
    safe = mail.html_safe or ""
    for forbidden in ("<script", "<style", "onload", "onclick", "javascript:", "tracker.example"):
        assert forbidden not in safe
    assert 'src="cid:shot1@example.org"' in safe and 'href="https://example.org/help"' in safe
    assert mail.reply_text.startswith("The error is below:") and "screenshot" in mail.quoted_text
    inline = {a.filename: a for a in mail.attachments}
    assert inline["shot.png"].inline and inline["shot.png"].content_id == "shot1@example.org"
    assert inline["shot.png"].content.startswith(b"\x89PNG")
    # RFC 2231 continuation with a UTF-8 name
    assert not inline["Rechnung März 2026.pdf"].inline


def test_delivery_status_report_is_a_bounce_naming_only_the_failed_recipient():
    mail = _mail("delivery_status_bounce.eml")
    assert mail.auto.kind == "bounce" and mail.auto.is_automatic
    assert mail.auto.bounced_recipients == ["gone@customer.example"]


def test_auto_reply_and_list_mail_are_automatic():
    assert _mail("out_of_office.eml").auto.kind == "auto_reply"
    assert _mail("list_digest.eml").auto.kind == "list"


def test_classifier_order_and_signals():
    def kind(headers: str) -> str:
        return parse_email(f"From: a@example.com\n{headers}\n\nbody".encode()).auto.kind

    assert kind("Subject: hello") == "human"
    assert kind("Auto-Submitted: no\nSubject: hello") == "human"
    assert kind("Auto-Submitted: auto-generated\nList-Id: <x.example>") == "auto_reply"
    assert kind("X-Autorespond: yes") == "auto_reply"
    assert kind("Precedence: auto_reply") == "auto_reply"
    assert kind("Precedence: list") == "list"
    assert kind("Precedence: junk") == "bulk"
    assert kind("Subject: Delivery Status Notification (Failure)") == "bounce"
    assert kind("Subject: Mail delivery failed: returning message to sender") == "bounce"
    assert kind("Subject: Fwd: Undelivered Mail Returned to Sender") == "human"
    assert kind("Return-Path: <>\nSubject: Undeliverable: hi\nAuto-Submitted: auto-replied") == "bounce"
    assert parse_email(b"From: MAILER-DAEMON@mx.example\nSubject: hi\n\nx").auto.is_automatic


def test_reply_separation_rules():
    assert split_reply("Yes.\n\n-----Original Message-----\nFrom: a\nold")[0] == "Yes."
    assert split_reply("Ja.\n\nAm 01.02.2026 um 10:00 schrieb Anna <a@b.de>:\n> alt")[0] == "Ja."
    assert split_reply("Oui.\n\nLe 1 févr. 2026 à 10:00, Anne <a@b.fr> a écrit :\n> vieux")[0] == "Oui."
    assert split_reply("Да.\n\nОт: Иван <i@b.ru>\nОтправлено: 1 февраля 2026\nстарое")[0] == "Да."
    assert split_reply("好的。\n\n发件人: 张三\n发送时间: 2026年2月1日\n旧的")[0] == "好的。"
    assert split_reply("Ok\n\nSent from my iPhone")[0] == "Ok"
    assert split_reply("Ok\n\n-- \nDana\n+49 30 1234567") == ("Ok", "-- \nDana\n+49 30 1234567")


def test_reply_separation_loses_no_line():
    text = "Top\n\nOn Mon, A <a@b.c> wrote:\n> q1\n\nmiddle\n\n> q2\n\n-- \nsig"
    parts = separate(text)
    assert parts.reply == "Top\n\nmiddle" and parts.signature == "-- \nsig"
    kept = "\n".join((parts.reply, parts.signature, parts.quoted)).split()
    assert sorted(kept) == sorted(text.split())


def test_sanitizer_drops_remote_content_and_keeps_structure():
    dirty = ('<p style="x" onmouseover="y">Hi <a href="javascript:z">a</a> <a href="mailto:a@b.c">m</a></p>'
             '<img src="http://t.example/p.gif"><img src="cid:c1"><iframe src="https://e.example"></iframe>'
             '<form action="https://e.example"><input name="p"></form><svg onload="x"></svg>')
    safe = sanitize_html(dirty)
    for forbidden in ("style=", "onmouseover", "javascript:", "t.example", "iframe", "<form", "<input", "svg"):
        assert forbidden not in safe
    assert '<img src="cid:c1">' in safe and 'href="mailto:a@b.c"' in safe and "<p>" in safe


def test_html_to_text_quotes_blockquotes_and_skips_scripts():
    text = html_to_text("<p>New</p><script>x()</script>"
                        "<blockquote><p>Old</p><blockquote>Older</blockquote></blockquote>")
    assert text.splitlines()[0] == "New" and "> Old" in text and "> > Older" in text and "x()" not in text
