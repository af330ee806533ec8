"""Queue counters on the table: one record per counter, changed exactly once per stream event.

Counter fields are named at run time (`open@<project id>`), which a PynamoDB model cannot declare, so this
module speaks to DynamoDB through the model's own low-level client (same table, endpoint and credentials).
"""
from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import ClientError

from tandem.dal import wire
from tandem.dal.dynamo_base import tkey
from tandem.dal.dynamo_once_tx import PER_TRANSACTION, _marker, apply_once, client
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




def _pack(pending: list[tuple[str, dict[str, dict[str, int]]]]) -> list[tuple[str, dict[str, dict[str, int]]]]:
    """The first changes whose markers and merged counters fit one transaction (at least one change)."""
    group: list[tuple[str, dict[str, dict[str, int]]]] = []
    counters: set[str] = set()
    for change_id, deltas in pending:
        together = counters | set(deltas)
        if group and len(group) + 1 + len(together) > PER_TRANSACTION + 1:
            break
        group.append((change_id, deltas))
        counters = together
        if len(group) + len(counters) > PER_TRANSACTION:  # one change too big for a transaction: `apply` splits it
            break
    return group


def _write_group(tenant_id: str, group: list[tuple[str, dict[str, dict[str, int]]]]) -> None:
    """One transaction: every change's marker and the merged counter updates; changes whose marker exists are
    left out and the rest written again. A single change too large for one transaction goes through `apply`."""
    table = Record.Meta.table_name
    if len(group) == 1 and len(group[0][1]) >= PER_TRANSACTION:
        DynamoQueueCounters().apply(tenant_id, *group[0])
        return
    while group:
        merged: dict[str, dict[str, int]] = {}
        for _, deltas in group:
            for counter, fields in deltas.items():
                into = merged.setdefault(counter, {})
                for name, amount in fields.items():
                    into[name] = into.get(name, 0) + amount
        actions = [_marker(table, tenant_id, change_id, "QCEV", "queue_change") for change_id, _ in group]
        actions += [_update(table, tenant_id, counter, fields) for counter, fields in sorted(merged.items())]
        try:
            client().transact_write_items(TransactItems=actions)
            return
        except ClientError as exc:
            reasons = exc.response.get("CancellationReasons") or []
            counted = {i for i, r in enumerate(reasons[: len(group)]) if r.get("Code") == "ConditionalCheckFailed"}
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException" or not counted:
                raise
            group = [g for i, g in enumerate(group) if i not in counted]


class DynamoQueueCounters:
    def apply(self, tenant_id: str, change_id: str, deltas: dict[str, dict[str, int]]) -> bool:
        # A change touching more than 99 counters (an item with many assignees) takes several transactions.
        table = Record.Meta.table_name
        updates = [_update(table, tenant_id, counter, fields) for counter, fields in sorted(deltas.items())]
        return apply_once(tenant_id, change_id, updates, tag="QCEV", kind="queue_change")

    def apply_many(self, tenant_id: str, changes: list[tuple[str, dict[str, dict[str, int]]]]) -> dict[str, Exception]:
        """Changes packed into transactions of 100 actions: each change's marker (the one `apply` writes) and the
        changes' counter updates merged (one ADD per counter). A transaction cancelled by markers that exist
        (changes counted before) is written again without those changes; one that fails otherwise is split into
        single `apply` calls, so only the failing change fails."""
        failed: dict[str, Exception] = {}
        pending = list(changes)
        while pending:
            group = _pack(pending)
            pending = pending[len(group):]
            try:
                _write_group(tenant_id, group)
            except Exception:  # each alone: what fails again is the change's own failure
                for change_id, deltas in group:
                    try:
                        self.apply(tenant_id, change_id, deltas)
                    except Exception as exc:
                        failed[change_id] = exc
        return failed

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
