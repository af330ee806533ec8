"""The real stream path on moto: DynamoDB stream records → on_table_change's batch handler → rules and mail.

Redelivering the same batch repeats nothing; a poison record is reported alone and the rest commit.
"""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def posting_writes(fail: bool = False):
    """The size of each BatchWriteItem request of search postings made inside the block (each raising when
    `fail`)."""
    import botocore.client

    original, sizes = botocore.client.BaseClient._make_api_call, []

    def counted(self, operation, params):
        if operation == "BatchWriteItem":
            writes = [w for ws in params["RequestItems"].values() for w in ws]
            keys = [(w.get("PutRequest", {}).get("Item") or w.get("DeleteRequest", {}).get("Key"))["pk"]["S"]
                    for w in writes]
            if all("#W#" in k for k in keys):
                sizes.append(len(writes))
                if fail:
                    raise RuntimeError("the search postings' write failed")
        return original(self, operation, params)

    botocore.client.BaseClient._make_api_call = counted
    try:
        yield sizes
    finally:
        botocore.client.BaseClient._make_api_call = original


def test_a_situations_field_rules_are_one_write_and_a_redelivered_batch_doubles_nothing(stack, monkeypatch):
    from integration.request_count import dynamodb_requests
    from integration.test_search_dynamodb import found

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
    with dynamodb_requests() as seen, posting_writes() as postings:
        assert c.process_stream_batch(copy.deepcopy(batch)) == {"batchItemFailures": []}
    # Then each item was changed by ONE write naming every rule in order, its tags in the rules' order
    # both items' rule writes in one shared transaction, the queue counts in another, each item's mail budget
    assert seen["TransactWriteItems"] == 1 + 1 + 2
    assert seen["GetItem"] <= 2  # people and done-markers come from the batch's reads
    assert len(postings) == 1 and postings[0] <= 25  # both items' search postings in one shared write
    later = drain(c, reader)  # the rules' own change events (nothing fires on them)

    def seen(ref):
        item = api.call("GET", f"/v1/items/{ref}", token=admin).data
        activity = api.call("GET", f"/v1/items/{ref}/activity?limit=200", token=admin).data["items"]
        notes = sorted(a["note"] for a in activity if a["cause"] == "rule")
        return item["version"], item["tags"], item["priority"], notes

    before = {ref: seen(ref) for ref in refs}
    queues = api.call("GET", "/v1/queues", token=admin).data["items"]
    hits = {q: found(api, admin, q) for q in ("one", "two", "alice")}
    assert sorted(hits["one"]) == [refs[0]] and sorted(hits["two"]) == [refs[1]] and set(refs) <= set(hits["alice"])
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
    assert {q: found(api, admin, q) for q in hits} == hits
    assert len([m for _, m in c.deps.mailer.sent if m.to == ["alice@customer-a.example"]]) == 2


def test_a_failed_shared_postings_write_brings_back_the_records_whose_postings_it_held(stack):
    from integration.test_search_dynamodb import found

    c, api, reader = stack
    w = build_world(c.deps)
    drain(c, reader)
    admin = w.token("admin")
    # Given a batch of two new tickets, and a search index whose writes fail this once
    refs = [api.call("POST", "/v1/items", {"type_id": w.ids["ticket_type"].id, "title": t}, token=admin).data["ref"]
            for t in ("Kettle", "Toaster")]
    batch = reader.batch()
    # When the stream delivers the batch
    with posting_writes(fail=True) as tried:
        result = c.process_stream_batch(copy.deepcopy(batch))
    assert tried == [tried[0]]  # one shared write, which failed
    # Then both tickets' records come back (their postings were in the failed write), none is lost silently
    item_records = {str(r["dynamodb"]["SequenceNumber"]) for r in batch["Records"]
                    if r["dynamodb"].get("NewImage", {}).get("kind", {}).get("S") == "item"}
    assert item_records and {f["itemIdentifier"] for f in result["batchItemFailures"]} >= item_records
    assert found(api, admin, "kettle") == []
    # And when the store answers again and the records are delivered again, the tickets are found
    failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    again = {**batch, "Records": [r for r in batch["Records"] if str(r["dynamodb"]["SequenceNumber"]) in failed]}
    assert c.process_stream_batch(copy.deepcopy(again)) == {"batchItemFailures": []}
    assert found(api, admin, "kettle") == [refs[0]] and found(api, admin, "toaster") == [refs[1]]
