"""The real stream path on moto: DynamoDB stream records → on_table_change's batch handler → rules and mail.

Redelivering the same batch repeats nothing; a poison record is reported alone and the rest commit.
"""

from __future__ import annotations

import copy

import pytest

from integration.conftest import FAST_ARGON2, Api
from integration.world import build_world
from tandem.local.stream import StreamReader
from tandem.runtime import wiring
from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer
from tandem.runtime.settings import read_settings


@pytest.fixture
def stack(monkeypatch):
    from chalice.test import Client
    from moto import mock_aws

    monkeypatch.setenv("TANDEM_BACKEND", "dynamodb")
    monkeypatch.setenv("TANDEM_TABLE", "stream-test")
    with mock_aws():
        from tandem.dal import table

        table.configure("stream-test", host=None, region="us-east-1")
        table.create_table()
        c = wiring.build(read_settings(), mailer=MemoryMailer(), blobs=MemoryBlobStore(), password_costs=FAST_ARGON2)
        wiring.use(c)
        from app import app

        with Client(app) as client:
            yield c, Api(client), StreamReader("stream-test")
        wiring.use(None)


def drain(c, reader, rounds: int = 6) -> list[dict]:
    batches = []
    for _ in range(rounds):
        batch = reader.batch()
        if not batch["Records"]:
            break
        assert c.process_stream_batch(batch) == {"batchItemFailures": []}
        batches.append(batch)
    return batches


def test_redelivered_stream_batch_repeats_nothing(stack):
    c, api, reader = stack
    w = build_world(c.deps)
    drain(c, reader)
    api.call(
        "POST",
        "/v1/rules",
        {
            "name": "triage",
            "trigger": "item_created",
            "actions": [
                {"type": "post_message", "visibility": "private", "body": "Triage"},
                {"type": "add_tag", "value": "triaged"},
            ],
        },
        token=w.token("admin"),
    )
    c.deps.mailer.sent.clear()
    ref = api.call(
        "POST",
        "/v1/items",
        {"type_id": w.ids["ticket_type"].id, "title": "Streamed", "requester": w.ids["cust_a"].id},
        token=w.token("admin"),
    ).data["ref"]
    batches = drain(c, reader)
    state = api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data
    messages = api.call("GET", f"/v1/items/{ref}/messages", token=w.token("admin")).data["items"]
    sent = len(c.deps.mailer.sent)
    assert state["tags"] == ["triaged"] and [m["body"] for m in messages] == ["Triage"]
    assert any(m.to == ["alice@customer-a.example"] for _, m in c.deps.mailer.sent)
    for batch in batches:  # the Lambda service delivers the same batches again
        assert c.process_stream_batch(copy.deepcopy(batch)) == {"batchItemFailures": []}
    assert api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data["version"] == state["version"]
    assert len(api.call("GET", f"/v1/items/{ref}/messages", token=w.token("admin")).data["items"]) == 1
    assert len(c.deps.mailer.sent) == sent


def test_a_poison_record_fails_alone(stack):
    c, api, reader = stack
    w = build_world(c.deps)
    drain(c, reader)
    api.call(
        "POST",
        "/v1/items",
        {"type_id": w.ids["ticket_type"].id, "title": "Good", "requester": w.ids["cust_a"].id},
        token=w.token("admin"),
    )
    batch = reader.batch()
    poison = copy.deepcopy(batch["Records"][0])
    poison["eventID"] = "poison-1"
    poison["eventName"] = "INSERT"
    poison["dynamodb"]["NewImage"] = {
        "pk": {"S": "x"},
        "sk": {"S": "ITEM"},
        "kind": {"S": "item"},
        "data": {"S": "{not json"},
    }
    poison["dynamodb"]["SequenceNumber"] = "999999999999"
    batch["Records"].insert(0, poison)
    c.deps.mailer.sent.clear()
    result = c.process_stream_batch(batch)
    assert result == {"batchItemFailures": [{"itemIdentifier": "999999999999"}]}
    assert any(m.to == ["alice@customer-a.example"] for _, m in c.deps.mailer.sent)  # the good record went through


def test_a_situations_field_rules_are_one_write_and_a_redelivered_batch_doubles_nothing(stack):
    from integration.test_queues_api import dynamodb_requests

    c, api, reader = stack
    w = build_world(c.deps)
    drain(c, reader)
    admin = w.token("admin")
    # Given three field-only rules that all match a new ticket, each seeing what the one before did
    for name, action in [
        ("tag", {"type": "add_tag", "value": "first"}),
        ("priority", {"type": "set_priority", "value": "high"}),
        ("tag again", {"type": "add_tag", "value": "second"}),
    ]:
        api.call("POST", "/v1/rules", {"name": name, "trigger": "item_created", "actions": [action]}, token=admin)
    drain(c, reader)
    c.deps.mailer.sent.clear()
    # When two tickets are created and the stream delivers their batch
    refs = [
        api.call(
            "POST", "/v1/items", {"type_id": w.ids["ticket_type"].id, "title": t, "requester": w.ids["cust_a"].id},
            token=admin,
        ).data["ref"]
        for t in ("One", "Two")
    ]
    batch = reader.batch()
    with dynamodb_requests() as seen:
        assert c.process_stream_batch(copy.deepcopy(batch)) == {"batchItemFailures": []}
    # Then each item was changed by ONE write naming every rule in order, its tags in the rules' order
    assert seen["TransactWriteItems"] == 2 * 3  # per item: its rules, its queue counts, its mail budget
    assert seen["GetItem"] <= 2  # people and done-markers come from the batch's reads
    later = drain(c, reader)  # the rules' own change events (nothing fires on them)

    def seen(ref):
        item = api.call("GET", f"/v1/items/{ref}", token=admin).data
        activity = api.call("GET", f"/v1/items/{ref}/activity?limit=200", token=admin).data["items"]
        notes = sorted(a["note"] for a in activity if a["cause"] == "rule")
        return item["version"], item["tags"], item["priority"], notes

    before = {ref: seen(ref) for ref in refs}
    queues = api.call("GET", "/v1/queues", token=admin).data["items"]
    for ref in refs:
        version, tags, priority, notes = before[ref]
        assert version == 2 and tags == ["first", "second"] and priority == "high"
        assert notes == ['rule "priority" set priority to high', 'rule "tag again" set tags to first, second',
                         'rule "tag" set tags to first']
    acks = [m for _, m in c.deps.mailer.sent if m.to == ["alice@customer-a.example"]]
    assert len(acks) == 2
    # When the Lambda service delivers the same batches again (twice)
    for _ in range(2):
        for again in [batch, *later]:
            assert c.process_stream_batch(copy.deepcopy(again)) == {"batchItemFailures": []}
    # Then nothing doubled: versions, tags, activity, queue counts, mail
    assert {ref: seen(ref) for ref in refs} == before
    assert api.call("GET", "/v1/queues", token=admin).data["items"] == queues
    assert len([m for _, m in c.deps.mailer.sent if m.to == ["alice@customer-a.example"]]) == 2
