"""Email in: every mail to a tenant address becomes the right ticket or reply, exactly once."""

from __future__ import annotations

from email.utils import make_msgid

import pytest

from integration.mailbox import compose, deliver, ses_event
from integration.test_notifications import pump
from integration.world import build_world

SUPPORT = "support@agency.tandem.local"


@pytest.fixture
def w(container):
    world = build_world(container.deps)
    pump(container)
    container.deps.mailer.sent.clear()
    return world


def _items(api, w) -> list[dict]:
    return api.call("GET", "/v1/items?limit=200", token=w.token("admin")).data["items"]


def _messages(api, w, ref) -> list[dict]:
    return api.call("GET", f"/v1/items/{ref}/messages", token=w.token("admin")).data["items"]


def test_a_new_mail_becomes_a_ticket_with_requester_followers_and_attachment(api, container, w):
    raw = compose(
        sender="dana@club.example",
        sender_name="Dana Club",
        to=SUPPORT,
        cc=["eve@club.example"],
        subject="Membership export broken",
        body="The export fails since Monday.",
        attachments=[("log.txt", "text/plain", b"error 42")],
    )
    [outcome] = deliver(container, raw, [SUPPORT])
    assert outcome["result"] == "created"
    item = api.call("GET", f"/v1/items/{outcome['ref']}", token=w.token("admin")).data
    assert item["title"] == "Membership export broken" and item["via"] == "email"
    assert "The export fails since Monday." in item["description"]
    dana = container.deps.repos.users.by_email(w.ids["tenant"].id, "dana@club.example")
    eve = container.deps.repos.users.by_email(w.ids["tenant"].id, "eve@club.example")
    assert dana.name == "Dana Club" and item["requester"] == dana.id
    assert set(item["followers"]) == {dana.id, eve.id}
    [first] = _messages(api, w, outcome["ref"])
    assert [a["filename"] for a in first["attachments"]] == ["log.txt"]
    key = container.deps.repos.conversations.attachment(w.ids["tenant"].id, item["id"], first["attachments"][0]["id"])
    assert container.deps.blobs.get(key.key) == b"error 42"


def test_double_delivery_and_two_addresses_make_one_item(api, container, w):
    before = len(_items(api, w))
    raw = compose(sender="dana@club.example", to=[SUPPORT, "tasks@agency.tandem.local"], subject="Twice", body="Hello")
    first = deliver(container, raw, [SUPPORT, "tasks@agency.tandem.local"])
    again = deliver(container, raw, [SUPPORT, "tasks@agency.tandem.local"])
    assert [o["result"] for o in first] == ["created"] and [o["result"] for o in again] == ["duplicate"]
    assert len(_items(api, w)) == before + 1
    assert len(_messages(api, w, first[0]["ref"])) == 1


def _ack(container):
    return next(m for _, m in reversed(container.deps.mailer.sent) if "we received your request" in m.text)


def test_replies_thread_by_signed_address_message_id_and_subject(api, container, w):
    [opened] = deliver(
        container, compose(sender="dana@club.example", to=SUPPORT, subject="Printer", body="Help"), [SUPPORT]
    )
    ref = opened["ref"]
    pump(container)
    ack = _ack(container)
    # 1. the signed Reply-To
    reply = compose(sender="dana@club.example", to=ack.reply_to, subject="Re: whatever", body="More info")
    assert deliver(container, reply, [ack.reply_to])[0] == {
        "result": "replied",
        "tenant_id": w.ids["tenant"].id,
        "ref": ref,
        "reason": "",
    }
    # 2. In-Reply-To of our acknowledgement, sent to the plain address
    reply = compose(
        sender="dana@club.example",
        to=SUPPORT,
        subject="no ref here",
        body="Even more",
        in_reply_to=ack.headers["Message-ID"],
    )
    assert deliver(container, reply, [SUPPORT])[0]["ref"] == ref
    # 3. the subject reference, from a participant
    reply = compose(sender="dana@club.example", to=SUPPORT, subject=f"Re: [{ref}] Printer", body="Last one")
    assert deliver(container, reply, [SUPPORT])[0]["ref"] == ref
    assert [m["body"] for m in _messages(api, w, ref)] == ["Help", "More info", "Even more", "Last one"]


def test_a_stranger_using_a_subject_reference_gets_a_new_ticket(api, container, w):
    [opened] = deliver(container, compose(sender="dana@club.example", to=SUPPORT, subject="Mine", body="x"), [SUPPORT])
    stranger = compose(
        sender="mallory@evil.example", to=SUPPORT, subject=f"Re: [{opened['ref']}] Mine", body="Let me in"
    )
    [outcome] = deliver(container, stranger, [SUPPORT])
    assert outcome["result"] == "created" and outcome["ref"] != opened["ref"]
    assert [m["body"] for m in _messages(api, w, opened["ref"])] == ["x"]


def test_forged_reply_address_signature_is_not_trusted(api, container, w):
    [opened] = deliver(container, compose(sender="dana@club.example", to=SUPPORT, subject="Mine", body="x"), [SUPPORT])
    forged = f"support+{opened['ref'].lower()}.0000000000@agency.tandem.local"
    [outcome] = deliver(container, compose(sender="mallory@evil.example", to=forged, subject="hi", body="y"), [forged])
    assert outcome["result"] == "created" and outcome["ref"] != opened["ref"]


def test_customer_reply_reopens_a_waiting_item(api, container, w):
    [opened] = deliver(container, compose(sender="dana@club.example", to=SUPPORT, subject="Wait", body="x"), [SUPPORT])
    api.call("PATCH", f"/v1/items/{opened['ref']}", {"status": "waiting"}, token=w.token("admin"))
    deliver(
        container,
        compose(sender="dana@club.example", to=SUPPORT, subject=f"Re: [{opened['ref']}]", body="answer"),
        [SUPPORT],
    )
    assert api.call("GET", f"/v1/items/{opened['ref']}", token=w.token("admin")).data["status"] == "customer_replied"


def test_private_notes_never_reach_customers_by_mail(api, container, w):
    [opened] = deliver(container, compose(sender="dana@club.example", to=SUPPORT, subject="Notes", body="x"), [SUPPORT])
    ref = opened["ref"]
    api.call(
        "PATCH",
        f"/v1/items/{ref}",
        {
            "followers": [
                *api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data["followers"],
                w.ids["member"].id,
            ]
        },
        token=w.token("admin"),
    )
    api.call(
        "POST",
        f"/v1/items/{ref}/messages",
        {"body": "SECRET internal", "visibility": "private"},
        token=w.token("admin"),
    )
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "Public answer"}, token=w.token("admin"))
    pump(container)
    for _, mail in container.deps.mailer.sent:
        if mail.to == ["dana@club.example"]:
            assert "SECRET" not in mail.text and "SECRET" not in (mail.html or "")
    assert any("SECRET" in m.text for _, m in container.deps.mailer.sent if m.to == ["mia@agency.example"])


def test_spam_is_marked_and_not_acknowledged_virus_is_rejected(api, container, w):
    [spam] = deliver(
        container, compose(sender="spam@bulk.example", to=SUPPORT, subject="Buy", body="cheap"), [SUPPORT], spam="FAIL"
    )
    pump(container)
    assert api.call("GET", f"/v1/items/{spam['ref']}", token=w.token("admin")).data["tags"] == ["spam"]
    assert not any(m.to == ["spam@bulk.example"] for _, m in container.deps.mailer.sent)
    [virus] = deliver(
        container,
        compose(sender="bad@evil.example", to=SUPPORT, subject="Invoice", body="open"),
        [SUPPORT],
        virus="FAIL",
    )
    assert virus["result"] == "rejected" and "virus" in virus["reason"]
    rejected = container.deps.repos.mail.rejections(w.ids["tenant"].id).items
    assert rejected[-1].sender == "bad@evil.example"


def test_mail_to_no_known_address_is_kept_as_a_rejection(container, w):
    [outcome] = deliver(
        container,
        compose(sender="x@y.example", to="nobody@nowhere.example", subject="?", body="?"),
        ["nobody@nowhere.example"],
    )
    assert outcome["result"] == "rejected"
    assert container.deps.repos.mail.rejections(None).items[-1].reason == "no known recipient address"


def test_an_agent_address_without_authentication_is_treated_as_a_customer(api, container, w):
    [opened] = deliver(container, compose(sender="dana@club.example", to=SUPPORT, subject="Spoof", body="x"), [SUPPORT])
    api.call("PATCH", f"/v1/items/{opened['ref']}", {"status": "waiting"}, token=w.token("admin"))
    spoof = compose(sender="mia@agency.example", to=SUPPORT, subject=f"Re: [{opened['ref']}]", body="close it")
    [outcome] = deliver(container, spoof, [SUPPORT], auth="FAIL")
    assert outcome["ref"] != opened["ref"]  # not a participant, not trusted staff: a new ticket
    genuine = compose(sender="mia@agency.example", to=SUPPORT, subject=f"Re: [{opened['ref']}]", body="on it")
    assert deliver(container, genuine, [SUPPORT])[0]["ref"] == opened["ref"]


def test_bounces_mark_the_address_failing_and_send_nothing(api, container, w):
    [opened] = deliver(container, compose(sender="dana@club.example", to=SUPPORT, subject="Hi", body="x"), [SUPPORT])
    pump(container)
    ack = _ack(container)
    container.deps.mailer.sent.clear()
    bounce = compose(
        sender="MAILER-DAEMON@club.example",
        to=ack.reply_to,
        subject="Undelivered Mail Returned to Sender",
        body="550 5.1.1 <dana@club.example>: Recipient address rejected",
        in_reply_to=ack.headers["Message-ID"],
        headers={"Auto-Submitted": "auto-replied"},
    )
    [outcome] = deliver(container, bounce, [ack.reply_to])
    pump(container)
    assert outcome["ref"] == opened["ref"]
    assert container.deps.mailer.sent == []


def test_auto_replies_trigger_no_automatic_answer(api, container, w):
    ooo = compose(
        sender="dana@club.example",
        to=SUPPORT,
        subject="Out of Office: back Monday",
        body="Away",
        headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
    )
    [outcome] = deliver(container, ooo, [SUPPORT])
    pump(container)
    assert outcome["result"] == "rejected"
    assert container.deps.mailer.sent == []


def test_two_tenants_answering_each_other_stay_bounded(api, container, w):
    other = "support@otherco.tandem.local"
    sent = []
    raw = compose(
        sender=other,
        to=SUPPORT,
        subject="Hello from a robot",
        body="ping",
        message_id=make_msgid(domain="otherco.tandem.local"),
    )
    for _ in range(20):  # each acknowledgement is delivered to the other tenant, as mail would be
        deliver(container, raw, [SUPPORT])
        pump(container)
        new = container.deps.mailer.sent[len(sent) :]
        sent = list(container.deps.mailer.sent)
        if not new:
            break
        from tandem.aws.ses import build_mime

        tenant, mail = new[-1]
        raw = build_mime(container.deps.repos.tenants.get(tenant), mail).as_bytes()
    assert len(container.deps.mailer.sent) <= 2


def test_the_ses_event_shape_is_read_with_its_verdicts():
    event = ses_event(b"x", [SUPPORT], spam="FAIL")
    from tandem.runtime.handlers import envelope_of

    env = envelope_of(event["Records"][0])
    assert env.spam == "FAIL" and env.recipients == [SUPPORT] and env.authenticated


def test_undecodable_bytes_never_block_a_mail(api, container, w):
    raw = (
        b"From: x@y.example\r\nTo: support@agency.tandem.local\r\nSubject: caf\xe9 \xff\xfe\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nbody \xff\xfe\xfd\r\n"
    )
    [outcome] = deliver(container, raw, [SUPPORT])
    assert outcome["result"] == "created"
    item = api.call("GET", f"/v1/items/{outcome['ref']}", token=w.token("admin")).data
    item["title"].encode("utf-8")  # valid Unicode, storable anywhere
    assert "caf" in item["title"]


def test_a_mail_without_from_uses_the_envelope_sender(api, container, w):
    from integration.mailbox import ses_event
    from tandem.runtime.handlers import ingest_ses_event

    raw = b"To: support@agency.tandem.local\r\nSubject: Hello\r\n\r\nIt broke.\r\n"
    event = ses_event(raw, [SUPPORT], ses_id="no-from")
    event["Records"][0]["ses"]["mail"]["source"] = "dana@club.example"
    container.inbound_blobs().put("inbound/no-from", raw, "message/rfc822")
    [outcome] = ingest_ses_event(container, event)["outcomes"]
    assert outcome["result"] == "created"
    item = api.call("GET", f"/v1/items/{outcome['ref']}", token=w.token("admin")).data
    assert item["requester"] == container.deps.repos.users.by_email(w.ids["tenant"].id, "dana@club.example").id
