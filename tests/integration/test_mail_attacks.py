"""Issue 10, mail: the attacks that lost mail, dropped notifications or spoofed a requester, as tests.

Each one failed on the main branch before the fix: a 500-part mail raised inside ingest, CR/LF in a title or an
organisation name broke the SES mailer, an encoded-word display name became the requester's address, and a
reply to the Message-ID SES gave our mail did not thread.
"""

from __future__ import annotations

import email
import email.policy

import pytest

from integration.conftest import FAST_ARGON2, Api
from integration.mailbox import compose, deliver
from integration.test_notifications import pump
from integration.world import build_world
from tandem.runtime import wiring
from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer
from tandem.runtime.settings import read_settings

SUPPORT = "support@agency.tandem.local"


@pytest.fixture
def dynamo(monkeypatch):
    """The PynamoDB repos on moto (which enforces DynamoDB's 100-item and 400 KB limits)."""
    from moto import mock_aws

    monkeypatch.setenv("TANDEM_BACKEND", "dynamodb")
    monkeypatch.setenv("TANDEM_TABLE", "mail-attacks")
    with mock_aws():
        from tandem.dal import table

        table.configure("mail-attacks", host=None, region="us-east-1")
        table.create_table()
        c = wiring.build(read_settings(), mailer=MemoryMailer(), blobs=MemoryBlobStore(), password_costs=FAST_ARGON2)
        c.extras["inbound"] = MemoryBlobStore()
        wiring.use(c)
        yield c
        wiring.use(None)


@pytest.fixture
def ses():
    """In-memory repos with the real SES adapter on moto: every header goes through SendRawEmail."""
    from chalice.test import Client
    from moto import mock_aws

    with mock_aws():
        import boto3

        from tandem.aws.ses import SesMailer

        client = boto3.client("ses", region_name="us-east-1")
        c = wiring.build(read_settings(), mailer=SesMailer(client), password_costs=FAST_ARGON2)
        for domain in ("agency.tandem.local", "otherco.tandem.local", "crlf.tandem.local"):
            client.verify_domain_identity(Domain=domain)
        wiring.use(c)
        from app import app

        with Client(app) as http:
            yield c, Api(http)
        wiring.use(None)


def _sent() -> list:
    """What moto's SES accepted: (message id, parsed message) pairs."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    return [(m.id, email.message_from_string(m.raw_data, policy=email.policy.default)) for m in sent]


def test_a_mail_with_500_parts_becomes_an_item_with_every_attachment(dynamo):
    # Given a mail with 500 attachments (far beyond one DynamoDB transaction)
    build_world(dynamo.deps)
    parts = [(f"part-{i:03}.txt", "text/plain", f"content {i}".encode()) for i in range(500)]
    raw = compose(sender="dana@club.example", to=SUPPORT, subject="Many parts", body="See all", attachments=parts)
    # When SES delivers it, twice
    [outcome] = deliver(dynamo, raw, [SUPPORT])
    [again] = deliver(dynamo, raw, [SUPPORT])
    # Then one item holds one message with all 500 attachments, each readable, and the repeat added nothing
    assert outcome["result"] == "created" and again == {**outcome, "result": "duplicate"}
    tenant_id = outcome["tenant_id"]
    item = dynamo.deps.repos.items.get(tenant_id, outcome["ref"])
    [message] = dynamo.deps.repos.conversations.messages(tenant_id, item.id, public_only=False).items
    assert len(message.attachments) == 500
    last = dynamo.deps.repos.conversations.attachment(tenant_id, item.id, message.attachments[-1].id)
    assert last is not None and last.message_id == message.id
    assert dynamo.deps.blobs.get(last.key) == b"content 499"


def test_a_mail_with_a_huge_body_becomes_an_item_with_the_full_text_attached(dynamo):
    # Given a mail whose text (2 MB, control characters and non-ASCII included) is far beyond one 400 KB record
    build_world(dynamo.deps)
    body = ("Zeile \x01 mit Umlauten äöü and a quote \" " * 50_000)[:2_000_000]
    raw = compose(sender="dana@club.example", to=SUPPORT, subject="Huge", body=body)
    # When SES delivers it
    [outcome] = deliver(dynamo, raw, [SUPPORT])
    # Then the item holds the start of the text, and the full text is attached
    assert outcome["result"] == "created"
    tenant_id = outcome["tenant_id"]
    item = dynamo.deps.repos.items.get(tenant_id, outcome["ref"])
    [message] = dynamo.deps.repos.conversations.messages(tenant_id, item.id, public_only=False).items
    assert item.description and body.startswith(item.description[:1000])
    assert message.body.endswith("the full text is attached.]")
    [full] = [a for a in message.attachments if a.filename == "full-text.txt"]
    assert dynamo.deps.blobs.get(full.key).decode().strip() == body.strip()


def test_a_title_with_cr_lf_set_through_the_api_still_notifies_the_requester(ses):
    # Given the requester's ticket, renamed through the API with CR/LF and an injected header
    c, api = ses
    w = build_world(c.deps)
    pump(c)
    before = len(_sent())
    title = "Printer\r\nBcc: victim@evil.example\r\n\r\nbody"
    assert api.call("PATCH", "/v1/items/T-1", {"title": title}, token=w.token("admin")).status_code == 200
    # When the item is resolved and the stream's mail goes out
    api.call("PATCH", "/v1/items/T-1", {"status": "resolved"}, token=w.token("admin"))
    pump(c)
    # Then the requester gets the status mail with the title on one line and no header injected
    new = [m for _, m in _sent()[before:]]
    [mail] = [m for m in new if m["To"] == "alice@customer-a.example"]
    assert mail["Subject"] == "[T-1] Resolved: Printer Bcc: victim@evil.example body"
    assert mail["Bcc"] is None and all("victim" not in str(m["To"]) for m in new)


def test_an_org_name_with_cr_lf_at_signup_still_gets_magic_links(ses):
    # Given a tenant whose organisation name carries CR/LF and a header
    c, api = ses
    signup = {
        "organization": "Evil\r\nBcc: victim@evil.example",
        "slug": "crlf",
        "email": "owner@crlf.example",
        "name": "Owner\r\nX-Injected: yes",
        "password": "correct horse battery",
    }
    assert api.call("POST", "/v1/signup", signup).status_code == 201
    # When someone asks for a magic link
    resp = api.call("POST", "/v1/public/crlf/magic-link", {"email": "owner@crlf.example"})
    # Then it is accepted and exactly one mail, with clean headers, goes to the owner only
    assert resp.status_code == 202
    [(_, mail)] = _sent()
    assert mail["To"] == "owner@crlf.example" and mail["Bcc"] is None and mail["X-Injected"] is None
    assert mail["Subject"] == "Sign in to Evil Bcc: victim@evil.example"
    assert mail["From"].addresses[0].display_name == "Evil Bcc: victim@evil.example"
    assert mail["From"].addresses[0].addr_spec == "support@crlf.tandem.local"


@pytest.mark.parametrize(
    "from_header",
    [
        b"=?utf-8?q?_injected2@evil.example=0D=0Ax-injected?= <real@sender.example>",
        b"=?utf-8?q?x:injected2@evil.example=0D=0Ax-injected?= <real@sender.example>",
        b"=?utf-8?q?injected2@evil.example:?= <real@sender.example>",
    ],
)
def test_an_encoded_word_display_name_never_becomes_the_requester(api, container, from_header):
    # Given a mail whose display name is an encoded word holding an address (and a colon, CR/LF)
    w = build_world(container.deps)
    pump(container)
    container.deps.mailer.sent.clear()
    raw = (
        b"From: " + from_header + b"\r\nTo: support@agency.tandem.local\r\nSubject: Hello\r\n"
        b"Message-ID: <spoof@sender.example>\r\n\r\nHelp me\r\n"
    )
    # When it is delivered
    [outcome] = deliver(container, raw, [SUPPORT])
    pump(container)
    # Then the real sender is the requester and gets the acknowledgement; the name is one clean line
    tenant_id = w.ids["tenant"].id
    real = container.deps.repos.users.by_email(tenant_id, "real@sender.example")
    assert outcome["result"] == "created" and real is not None
    item = api.call("GET", f"/v1/items/{outcome['ref']}", token=w.token("admin")).data
    assert item["requester"] == real.id
    assert container.deps.repos.users.by_email(tenant_id, "injected2@evil.example") is None
    assert [m.to for _, m in container.deps.mailer.sent] == [["real@sender.example"]]
    assert "\r" not in real.name and "\n" not in real.name


def test_a_reply_to_the_message_id_ses_gave_our_mail_threads_onto_the_item(ses):
    # Given a ticket by mail and its acknowledgement sent through SES, which names it <MessageId@region.amazonses.com>
    c, _ = ses
    build_world(c.deps)
    pump(c)
    raw = compose(sender="dana@club.example", to=SUPPORT, subject="Printer", body="Help")
    [opened] = deliver(c, raw, [SUPPORT])
    pump(c)
    [ses_id] = [i for i, m in _sent() if m["To"] == "dana@club.example"]
    # When the customer's client replies to that rewritten Message-ID, to the plain address, without a reference
    reply = compose(
        sender="dana@club.example",
        to=SUPPORT,
        subject="no reference here",
        body="More",
        in_reply_to=f"<{ses_id}@us-east-1.amazonses.com>",
    )
    [outcome] = deliver(c, reply, [SUPPORT])
    # Then the reply lands on the item
    assert outcome["result"] == "replied" and outcome["ref"] == opened["ref"]
