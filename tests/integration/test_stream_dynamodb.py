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
