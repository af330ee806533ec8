"""Queue counters on the table: one record per counter, changed exactly once per stream event.

Counter fields are named at run time (`open@<project id>`), which a PynamoDB model cannot declare, so this
module speaks to DynamoDB through the model's own low-level client (same table, endpoint and credentials).
"""
from __future__ import annotations

import time
from typing import Any

from tandem.dal import wire
from tandem.dal.dynamo_base import tkey
from tandem.dal.dynamo_once_tx import apply_once, client
from tandem.dal.table import Record

PER_BATCH_GET = 100



def counter_key(tenant_id: str, counter: str) -> dict[str, Any]:
    return {"pk": {"S": f"{tkey(tenant_id)}#QC#{counter}"}, "sk": {"S": "QC"}}


_client = client


def _update(table: str, tenant_id: str, counter: str, fields: dict[str, int]) -> dict[str, Any]:
    names = {f"#f{i}": name for i, name in enumerate(fields)}
    values: dict[str, Any] = {f":v{i}": {"N": str(amount)} for i, amount in enumerate(fields.values())}
    values[":kind"] = {"S": "queue_counter"}
    adds = ", ".join(f"#f{i} :v{i}" for i in range(len(fields)))
    return {"Update": {"TableName": table, "Key": counter_key(tenant_id, counter),
                       "UpdateExpression": f"SET #kind = :kind ADD {adds}",
                       "ExpressionAttributeNames": {**names, "#kind": "kind"},
                       "ExpressionAttributeValues": values}}




class DynamoQueueCounters:
    def apply(self, tenant_id: str, change_id: str, deltas: dict[str, dict[str, int]]) -> bool:
        # A change touching more than 99 counters (an item with many assignees) takes several transactions.
        table = Record.Meta.table_name
        updates = [_update(table, tenant_id, counter, fields) for counter, fields in sorted(deltas.items())]
        return apply_once(tenant_id, change_id, updates, tag="QCEV", kind="queue_change")

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
                    record = {k: wire.deserialize(v) for k, v in raw.items()}
                    fields = {k: int(v) for k, v in record.items() if k not in ("pk", "sk", "kind")}
                    found[by_pk[record["pk"]]] = fields
                pending = answer.get("UnprocessedKeys") or {}
        return found
