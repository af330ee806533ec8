"""Make moto's TransactWriteItems cost O(items written) instead of O(table size).

moto snapshots every table a transaction touches with `copy.deepcopy` — once per transaction item — so
that it can roll back; with a few thousand records each transaction takes hundreds of milliseconds,
which makes the local stack (and any benchmark on moto) measure the emulator, not Tandem. This keeps
moto's own transaction logic and rollback semantics but snapshots only the records the transaction
touches (and the stream records it appended). Local development and benchmarks only: AWS has no such cost.
"""

from __future__ import annotations

import copy
from typing import Any

_installed = False


class _NoTableCopy:
    """Stands in for the `copy` module inside moto's DynamoDB backend: tables are not copied, all else is."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def deepcopy(self, obj: Any, memo: Any = None) -> Any:
        return obj if isinstance(obj, self._table_type) else copy.deepcopy(obj, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _key_of(table: Any, op_type: str, op: dict) -> tuple[Any, Any]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    attrs = op["Item"] if op_type == "Put" else op["Key"]
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _snapshot(backend: Any, transact_items: list[dict]) -> tuple[list[tuple], dict[str, int]]:
    records, streams = [], {}
    for entry in transact_items:
        op_type, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        if table is None or op_type not in ("Put", "Delete", "Update", "ConditionCheck"):
            continue
        hash_value, range_value = _key_of(table, op_type, op)
        records.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
        if table.stream_shard is not None:
            streams.setdefault(table.name, len(table.stream_shard.items))
    return records, streams


def _restore(backend: Any, records: list[tuple], streams: dict[str, int]) -> None:
    for table, hash_value, range_value, old in reversed(records):
        bucket = table.items[hash_value] if table.range_key_attr else table.items
        key = range_value if table.range_key_attr else hash_value
        if old is None:
            bucket.pop(key, None)
        else:
            bucket[key] = old
    for name, length in streams.items():
        del backend.tables[name].stream_shard.items[length:]


def install() -> None:
    """Patch moto's DynamoDB backend in this process (idempotent)."""
    global _installed
    if _installed:
        return
    import moto.dynamodb.models as models
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items
    models.copy = _NoTableCopy(Table)  # type: ignore[attr-defined]

    def transact_write_items(self: Any, transact_items: list[dict]) -> None:
        records, streams = _snapshot(self, transact_items)
        try:
            original(self, transact_items)
        except Exception:
            _restore(self, records, streams)
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items
    _installed = True
