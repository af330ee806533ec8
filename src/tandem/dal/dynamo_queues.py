"""Queue counters on the table: one record per counter, changed exactly once per stream event.

Counter fields are named at run time (`open@<project id>`), which a PynamoDB model cannot declare, so this
module speaks to DynamoDB through the model's own low-level client (same table, endpoint and credentials).
"""
from __future__ import annotations

import time
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from tandem.dal.dynamo_base import tkey
from tandem.dal.table import Record

MARKER_TTL = 3 * 24 * 3600  # longer than a stream keeps a record (24 h): a redelivery always finds its marker
PER_TRANSACTION = 99  # TransactWriteItems takes 100 actions: the marker and this many counters
PER_BATCH_GET = 100

_deserializer = TypeDeserializer()


def counter_key(tenant_id: str, counter: str) -> dict[str, Any]:
    return {"pk": {"S": f"{tkey(tenant_id)}#QC#{counter}"}, "sk": {"S": "QC"}}


def _client() -> Any:
    return Record._get_connection().connection.client


def _update(table: str, tenant_id: str, counter: str, fields: dict[str, int]) -> dict[str, Any]:
    names = {f"#f{i}": name for i, name in enumerate(fields)}
    values: dict[str, Any] = {f":v{i}": {"N": str(amount)} for i, amount in enumerate(fields.values())}
    values[":kind"] = {"S": "queue_counter"}
    adds = ", ".join(f"#f{i} :v{i}" for i in range(len(fields)))
    return {"Update": {"TableName": table, "Key": counter_key(tenant_id, counter),
                       "UpdateExpression": f"SET #kind = :kind ADD {adds}",
                       "ExpressionAttributeNames": {**names, "#kind": "kind"},
                       "ExpressionAttributeValues": values}}


def _marker(table: str, tenant_id: str, change_id: str) -> dict[str, Any]:
    item = {"pk": {"S": f"{tkey(tenant_id)}#QCEV#{change_id}"}, "sk": {"S": "QCEV"}, "kind": {"S": "queue_change"},
            "expires_at": {"N": str(int(time.time()) + MARKER_TTL)}}
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


def _already_applied(exc: ClientError) -> bool:
    """The transaction was cancelled because its marker (always the first action) exists."""
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons") or []
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


class DynamoQueueCounters:
    def apply(self, tenant_id: str, change_id: str, deltas: dict[str, dict[str, int]]) -> bool:
        table, client = Record.Meta.table_name, _client()
        counters = sorted(deltas.items())
        applied = False
        # Up to 99 counters ride with the marker in one transaction; a change touching more (an item with many
        # assignees) takes several, each with its own marker, so each part still happens once.
        for part, start in enumerate(range(0, len(counters), PER_TRANSACTION)):
            marker = change_id if part == 0 else f"{change_id}#{part}"
            chunk = counters[start:start + PER_TRANSACTION]
            actions = [_marker(table, tenant_id, marker)]
            actions += [_update(table, tenant_id, counter, fields) for counter, fields in chunk]
            try:
                client.transact_write_items(TransactItems=actions)
                applied = True
            except ClientError as exc:
                if not _already_applied(exc):
                    raise
        return applied

    def replace(self, tenant_id: str, counters: dict[str, dict[str, int]]) -> None:
        table, client = Record.Meta.table_name, _client()
        for counter, fields in sorted(counters.items()):
            item = {**counter_key(tenant_id, counter), "kind": {"S": "queue_counter"}}
            item.update({name: {"N": str(amount)} for name, amount in fields.items()})
            client.put_item(TableName=table, Item=item)

    def read(self, tenant_id: str, counters: list[str]) -> dict[str, dict[str, int]]:
        table, client = Record.Meta.table_name, _client()
        by_pk = {counter_key(tenant_id, c)["pk"]["S"]: c for c in dict.fromkeys(counters)}
        keys = [{"pk": {"S": pk}, "sk": {"S": "QC"}} for pk in by_pk]
        found: dict[str, dict[str, int]] = {}
        for start in range(0, len(keys), PER_BATCH_GET):
            pending: dict[str, Any] = {table: {"Keys": keys[start:start + PER_BATCH_GET]}}
            for attempt in range(100):
                if not pending:
                    break
                time.sleep(0.05 * attempt)  # unprocessed keys mean throttling: back off a little more each time
                answer = client.batch_get_item(RequestItems=pending)
                for raw in answer.get("Responses", {}).get(table, []):
                    record = {k: _deserializer.deserialize(v) for k, v in raw.items()}
                    fields = {k: int(v) for k, v in record.items() if k not in ("pk", "sk", "kind")}
                    found[by_pk[record["pk"]]] = fields
                pending = answer.get("UnprocessedKeys") or {}
        return found
