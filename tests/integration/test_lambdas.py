"""Every Lambda of the one Chalice app is invoked the way AWS invokes it (chalice.test.Client)."""

from __future__ import annotations

import json

from chalice.test import Client

from app import app
from integration.mailbox import compose, ses_event
from integration.world import build_world


def test_api_handler_answers_health(api):
    assert api.call("GET", "/v1/health").data == {"status": "ok", "checks": {"table": "ok", "attachments": "ok"}}


def test_on_ses_receipt_ingests_the_stored_mail(container):
    build_world(container.deps)
    raw = compose(sender="dana@club.example", to="support@agency.tandem.local", subject="Via Lambda", body="Hi")
    event = ses_event(raw, ["support@agency.tandem.local"], ses_id="lambda-1")
    container.inbound_blobs().put("inbound/lambda-1", raw, "message/rfc822")
    with Client(app) as client:
        result = client.lambda_.invoke("on_ses_receipt", event)
    assert result.payload["outcomes"][0]["result"] == "created"


def test_on_table_change_reports_partial_failures(container):
    build_world(container.deps)
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/tandem/stream/x",
        "dynamodb": {
            "SequenceNumber": "111",
            "ApproximateCreationDateTime": 1_700_000_000,
            "NewImage": {"pk": {"S": "x"}, "sk": {"S": "ITEM"}, "kind": {"S": "item"}, "data": {"S": "{broken"}},
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }
    ignored = json.loads(json.dumps(record))
    ignored.update(
        eventID="2",
        dynamodb={
            **record["dynamodb"],
            "SequenceNumber": "112",
            "NewImage": {"pk": {"S": "y"}, "sk": {"S": "CLAIM"}, "kind": {"S": "claim"}},
        },
    )
    with Client(app) as client:
        result = client.lambda_.invoke("on_table_change", {"Records": [record, ignored]})
    assert result.payload == {"batchItemFailures": [{"itemIdentifier": "111"}]}


def test_on_tick_runs_the_timers(container):
    build_world(container.deps)
    event = {
        "version": "0",
        "id": "tick",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-11-22T10:00:00Z",
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/tick"],
        "detail": {},
    }
    with Client(app) as client:
        result = client.lambda_.invoke("on_tick", event)
    assert result.payload == {"fired": {}}
