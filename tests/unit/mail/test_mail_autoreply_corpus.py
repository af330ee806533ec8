"""One classifier for machine-sent mail, checked on every bounce and auto-reply the corpus holds.

Given sisimai's bounces, feedback reports and RFC 3834 auto-replies, the help-desk projects' auto-reply and
bounce fixtures, and a set of ordinary human mails, when each is parsed, then the machines are classified
automatic (bounces as bounces, with the failed recipient where the report names one) and the people human.
"""
from __future__ import annotations

from email import message_from_bytes

from corpus import CORPUS, corpus_dir, own_emails, raw_mail_files

from tandem.mail.autoreply import classify
from tandem.mail.parse import parse_email

# Other projects' fixtures that their own tests treat as auto-replies or bounces.
AUTOMATIC = [
    "chatwoot/bounced_gmail.eml", "chatwoot/non_utf_encoded_mail.eml", "discourse/auto_reply.eml",
    "discourse/bounced_email.eml", "gitlab-service-desk/auto_reply.eml",
    "request-tracker/t/data/emails/multipart-report",
    "zammad/mail033-undelivered-mail-returned-to-sender-notification.box",
]
HUMAN_FOLDERS = ["mailgun-talon/tests/fixtures/standard_replies", "django-helpdesk", "gitlab-service-desk"]


def test_every_sisimai_bounce_and_auto_reply_is_automatic():
    # Given sisimai's set of bounces (rfc3464, lhost-*, rhost-*), ARF reports and rfc3834 auto-replies
    mails = sorted(corpus_dir("sisimai-set-of-emails", "maildir", "bsd").glob("*.eml"))
    # When classified
    missed = [p.name for p in mails if not parse_email(p.read_bytes()).auto.is_automatic]
    print(f"\nsisimai classified automatic: {len(mails) - len(missed)}/{len(mails)}")
    # Then none is taken for a person
    assert len(mails) > 140
    assert not missed, missed


def test_sisimai_delivery_reports_are_bounces_and_rfc3834_replies_are_auto_replies():
    folder = corpus_dir("sisimai-set-of-emails", "maildir", "bsd")
    for path in sorted(folder.glob("rfc3464-*.eml")) + sorted(folder.glob("lhost-postfix-*.eml")):
        mail = parse_email(path.read_bytes())
        # A plain-text delay notice is automatic but no bounce: the address has not failed (yet).
        expected = ("auto_reply", "bounce") if "delayed" in mail.subject.lower() else ("bounce",)
        assert mail.auto.kind in expected, path.name
    for path in sorted(folder.glob("rfc3834-*.eml")):
        assert parse_email(path.read_bytes()).auto.kind == "auto_reply", path.name


def test_help_desk_projects_auto_replies_and_bounces_are_automatic():
    for name in AUTOMATIC:
        mail = parse_email(corpus_dir(name).read_bytes())
        assert mail.auto.is_automatic, name


def test_multipart_reports_name_the_failed_recipients():
    folder = corpus_dir("mikel-mail", "spec", "fixtures", "emails", "multipart_report_emails")
    reports = sorted(folder.glob("*.eml"))
    assert reports
    for path in reports:
        mail = parse_email(path.read_bytes())
        assert mail.auto.kind == "bounce", path.name
    assert any(len(parse_email(p.read_bytes()).auto.bounced_recipients) > 1 for p in reports)


def test_ordinary_human_mail_is_human():
    # Given mail people wrote: Zammad's non-bounces, sisimai's "not a bounce", talon's replies, our fixtures
    people = [p for p in corpus_dir("zammad").glob("*.box") if "undelivered" not in p.name]
    people += sorted(corpus_dir("sisimai-set-of-emails", "maildir", "not").glob("is-not-bounce-*.eml"))
    people += [p for p in raw_mail_files() if any(str(p.relative_to(CORPUS)).startswith(f) for f in HUMAN_FOLDERS)
               and "auto_reply" not in p.name]
    people += [p for p in own_emails() if p.name.startswith(("human_", "iso2022jp", "koi8r", "html_", "mislabelled"))]
    # When classified, then every one is human
    wrong = {p.name: parse_email(p.read_bytes()).auto for p in people if parse_email(p.read_bytes()).auto.is_automatic}
    print(f"\nhuman mails classified human: {len(people) - len(wrong)}/{len(people)}")
    assert len(people) > 25
    assert not wrong, wrong


def test_corpus_classification_counts():
    counts: dict[str, int] = {}
    for path in raw_mail_files():
        kind = parse_email(path.read_bytes()).auto.kind
        counts[kind] = counts.get(kind, 0) + 1
    print(f"\ncorpus classification: {counts}")
    assert counts.get("bounce", 0) > 100 and counts.get("human", 0) > 100


def test_classify_works_on_a_bare_message_too():
    raw = b"From: x@example.com\nSubject: Out of Office: back Monday\n\nAway."
    assert classify(message_from_bytes(raw)).kind == "auto_reply"
