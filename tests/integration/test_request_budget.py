"""Request budgets of the hot paths (issue 16), counted on moto with the PynamoDB repos: every botocore request
the API or the SES handler makes is tallied by operation. Counts, not times: a path over its budget fails."""

from __future__ import annotations

from collections import Counter
from email.message import EmailMessage
from typing import Any

import pytest

from integration.conftest import FAST_ARGON2, Api
from integration.request_count import dynamodb_requests as counted
from tandem.runtime import wiring
from tandem.runtime.settings import read_settings

TABLE, INBOUND, ATTACHMENTS = "budget-test", "budget-inbound", "budget-attachments"
ADDRESS = "support@budget.tandem.local"
READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}


@pytest.fixture
def stack(monkeypatch):
    from chalice.test import Client
    from moto import mock_aws

    for name, value in {"TANDEM_BACKEND": "dynamodb", "TANDEM_TABLE": TABLE, "TANDEM_INBOUND_BUCKET": INBOUND,
                        "TANDEM_ATTACHMENT_BUCKET": ATTACHMENTS}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        import boto3

        from tandem.dal import table

        table.configure(TABLE, host=None, region="us-east-1")
        table.create_table()
        for bucket in (INBOUND, ATTACHMENTS):
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)
        c = wiring.build(read_settings(), password_costs=FAST_ARGON2)
        wiring.use(c)
        from app import app
        from tandem.services.sign_up import sign_up

        up = sign_up(c.deps, organization="Budget", slug="budget", email="admin@budget.example", name="Admin",
                     password="a budget password")
        with Client(app) as client:
            yield c, Api(client), up.token
        wiring.use(None)


def _ok(resp: Any) -> Any:
    assert resp.status_code < 300, (resp.status_code, resp.body[:300])
    return resp.data


def _ticket_type(api: Api, token: str) -> str:
    types = _ok(api.call("GET", "/v1/item-types", token=token))
    return next(t["id"] for t in types["items"] if t["kind"] == "ticket")


def _mail(n: int, sender: str, attachment: bytes | None = None) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, ADDRESS, f"Printer {n} is on fire"
    mail["Message-ID"] = f"<budget-{n}@customer.example>"
    mail.set_content("It smokes a little.\n")
    if attachment is not None:
        mail.add_attachment(attachment, maintype="application", subtype="pdf", filename="invoice.pdf")
    return mail.as_bytes()


def _ingest(c: Any, n: int, raw: bytes | None = None) -> list[dict]:
    """The SES receipt of mail `n` (its raw bytes stored first when given: SES does that, not the Lambda)."""
    if raw is not None:
        c.inbound_blobs().put(f"inbound/budget-{n}", raw, "message/rfc822")
    event = {"Records": [{"eventSource": "aws:ses", "ses": {
        "mail": {"messageId": f"budget-{n}", "destination": [ADDRESS]},
        "receipt": {"recipients": [ADDRESS], **{f"{v}Verdict": {"status": "PASS"}
                                                 for v in ("spam", "virus", "spf", "dkim", "dmarc")}}}}]}
    return c.ingest_ses_event(event)["outcomes"]


def test_a_warm_create_item_reads_nothing_and_makes_at_most_two_requests(stack):
    c, api, token = stack
    # Given a warm API Lambda that has created an item for a customer
    type_id = _ticket_type(api, token)
    customer = _ok(api.call("POST", "/v1/customers", {"email": "c@customer.example", "name": "C"}, token=token))
    body = {"type_id": type_id, "title": "Warm-up", "requester": customer["id"]}
    _ok(api.call("POST", "/v1/items", body, token=token))
    # When it creates another
    with counted() as tally:
        made = _ok(api.call("POST", "/v1/items", {**body, "title": "Measured"}, token=token))
    # Then the item is numbered next, with no read and within the budget of two requests
    assert made["ref"] == "T-2"
    assert not READS & set(tally), tally
    assert sum(tally.values()) <= 2, tally


def test_get_item_and_a_list_page_take_one_request_each(stack):
    c, api, token = stack
    type_id = _ticket_type(api, token)
    _ok(api.call("POST", "/v1/items", {"type_id": type_id, "title": "One"}, token=token))
    with counted() as get:
        assert _ok(api.call("GET", "/v1/items/T-1", token=token))["title"] == "One"
    with counted() as page:
        listed = _ok(api.call("GET", "/v1/items?kind=ticket&limit=50", token=token))["items"]
    assert [i["ref"] for i in listed] == ["T-1"]
    assert sum(get.values()) <= 1, get
    assert sum(page.values()) <= 1, page


@pytest.mark.parametrize("returning", [False, True], ids=["new sender", "known sender"])
def test_a_warm_ingest_of_a_plain_new_mail_takes_at_most_two_requests(stack, returning):
    c, api, token = stack
    # Given a warm mail Lambda that has ingested a mail (from the same sender when `returning`)
    assert _ingest(c, 0, _mail(0, "dana@club.example"))[0]["result"] == "created"
    sender = "dana@club.example" if returning else "eve@other.example"
    # When a new mail without attachments arrives
    c.inbound_blobs().put("inbound/budget-1", _mail(1, sender), "message/rfc822")
    with counted() as tally:
        outcome = _ingest(c, 1)
    # Then it opens a ticket for its sender with at most two requests (the raw mail's read and one write)
    assert [(o["result"], o["ref"]) for o in outcome] == [("created", "T-2")]
    item = _ok(api.call("GET", "/v1/items/T-2", token=token))
    assert c.deps.repos.users.by_email(_tenant_id(c), sender).id == item["requester"]
    assert sum(tally.values()) <= 2, tally


def test_a_warm_ingest_of_a_mail_with_one_attachment_takes_at_most_three_requests(stack):
    c, api, token = stack
    # Given a warm mail Lambda
    assert _ingest(c, 0, _mail(0, "dana@club.example"))[0]["result"] == "created"
    # When a mail from a new sender with one attachment arrives
    c.inbound_blobs().put("inbound/budget-1", _mail(1, "eve@other.example", b"%PDF-1.4 invoice"), "message/rfc822")
    with counted() as tally:
        outcome = _ingest(c, 1)
    # Then its ticket holds the attachment, stored with at most three requests (read, attachment, one write)
    assert [(o["result"], o["ref"]) for o in outcome] == [("created", "T-2")]
    messages = _ok(api.call("GET", "/v1/items/T-2/messages", token=token))["items"]
    assert [a["filename"] for a in messages[0]["attachments"]] == ["invoice.pdf"]
    assert sum(tally.values()) <= 3, tally


def _tenant_id(c: Any) -> str:
    return c.deps.repos.tenants.by_slug("budget").id


def test_a_warm_lambda_whose_counter_went_stale_learns_it_from_the_cancellation_without_a_read(stack):
    c, api, token = stack
    type_id = _ticket_type(api, token)
    body = {"type_id": type_id, "title": "Numbered"}
    # Given a warm Lambda that numbered T-1, and a second Lambda that numbered T-2 meanwhile
    _ok(api.call("POST", "/v1/items", body, token=token))
    other = wiring.build(read_settings(), password_costs=FAST_ARGON2)
    wiring.use(other)
    assert _ok(api.call("POST", "/v1/items", body, token=token))["ref"] == "T-2"
    wiring.use(c)
    # When the first creates again
    with counted() as tally:
        made = _ok(api.call("POST", "/v1/items", body, token=token))
    # Then the number follows without a gap, learnt from the cancelled transaction: one more write, no read
    assert made["ref"] == "T-3"
    assert tally == Counter({"TransactWriteItems": 2}), tally


def test_an_item_type_changed_by_another_lambda_is_read_again_before_the_item_is_made(stack):
    from dataclasses import replace

    c, api, token = stack
    type_id = _ticket_type(api, token)
    tenant_id = _tenant_id(c)
    # Given a warm Lambda that remembers the ticket type, and another Lambda that then raises its default priority
    _ok(api.call("POST", "/v1/items", {"type_id": type_id, "title": "Warm-up"}, token=token))
    other = wiring.build(read_settings(), password_costs=FAST_ARGON2).deps.repos.item_types
    ticket = other.get(tenant_id, type_id)
    other.save(replace(ticket, defaults=replace(ticket.defaults, priority="high")))
    # When the warm Lambda creates an item of that type
    made = _ok(api.call("POST", "/v1/items", {"type_id": type_id, "title": "After the change"}, token=token))
    # Then the stale type failed the write's check and the item was made from the type as it is now
    assert (made["ref"], made["priority"]) == ("T-2", "high")


def test_a_sender_another_lambda_made_a_customer_becomes_the_requester_not_a_second_user(stack):
    from tandem.domain.people import Role, User

    c, api, token = stack
    tenant_id = _tenant_id(c)
    # Given a warm mail Lambda, and eve made a customer by another Lambda (this one does not know her)
    assert _ingest(c, 0, _mail(0, "dana@club.example"))[0]["result"] == "created"
    other = wiring.build(read_settings(), password_costs=FAST_ARGON2).deps.repos.users
    eve = other.add(User(tenant_id, "eve-1", "eve@other.example", "Eve", Role.CUSTOMER, "2026-01-01T00:00:00Z"))
    # When eve writes in
    [outcome] = _ingest(c, 1, _mail(1, "eve@other.example"))
    # Then her ticket's requester is the existing eve, and she is still one user
    assert (outcome["result"], outcome["ref"]) == ("created", "T-2")
    assert _ok(api.call("GET", "/v1/items/T-2", token=token))["requester"] == eve.id
    customers = _ok(api.call("GET", "/v1/customers?limit=100", token=token))["items"]
    assert [u["id"] for u in customers if u["email"] == "eve@other.example"] == [eve.id]


def _reply_event(c: Any, n: int, to: str, in_reply_to: str) -> dict:
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Subject"] = "dana@club.example", to, "Re: Printer 0 is on fire"
    reply["Message-ID"], reply["In-Reply-To"] = f"<budget-{n}@club.example>", in_reply_to
    reply.set_content("Still smoking.\n")
    c.inbound_blobs().put(f"inbound/budget-{n}", reply.as_bytes(), "message/rfc822")
    return {"Records": [{"eventSource": "aws:ses", "ses": {
        "mail": {"messageId": f"budget-{n}", "destination": [to]},
        "receipt": {"recipients": [to], **{f"{v}Verdict": {"status": "PASS"}
                                           for v in ("spam", "virus", "spf", "dkim", "dmarc")}}}}]}


def test_a_reply_to_one_of_our_message_ids_is_threaded_without_a_cancelled_create(stack):
    c, api, token = stack
    # Given a warm mail Lambda, a ticket opened by mail and the Message-ID of our notification about it
    assert _ingest(c, 0, _mail(0, "dana@club.example"))[0]["result"] == "created"
    assert _ingest(c, 1, _mail(1, "eve@other.example"))[0]["result"] == "created"
    tenant_id = _tenant_id(c)
    ours = f"<notice.1@{c.deps.repos.tenants.get(tenant_id).mail_domain}>"
    c.deps.repos.conversations.add_thread_ids(tenant_id, c.deps.repos.items.get(tenant_id, "T-1"), [ours])
    # When its requester answers that notification (to the plain address, In-Reply-To naming our Message-ID)
    event = _reply_event(c, 2, ADDRESS, ours)
    with counted() as tally:
        outcome = c.ingest_ses_event(event)["outcomes"]
    # Then it lands on T-1 with one write: no create was tried (and cancelled) on the guess that it starts a thread
    assert [(o["result"], o["ref"]) for o in outcome] == [("replied", "T-1")]
    assert tally["TransactWriteItems"] == 1, tally
    assert sum(tally.values()) <= 7, tally  # raw mail, loop check, sender (2), thread, item, the write
