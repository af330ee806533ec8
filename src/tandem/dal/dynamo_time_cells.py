"""Time aggregates on the table (issue 13): cells of integer fields, each changed exactly once per stream event.

Like the queue counters (dal/dynamo_queues.py) the fields are named at run time (`m_approved_b`), which a PynamoDB
model cannot declare, so this module speaks to DynamoDB through the model's own low-level client. Keys: see
domain/time_cells.py and ACCESS_PATTERNS.md ("Time reports").
"""
from __future__ import annotations

from typing import Any

from tandem.dal import wire
from tandem.dal.dynamo_base import tkey
from tandem.dal.dynamo_once_tx import apply_once, client
from tandem.dal.table import Record
from tandem.domain.time_cells import CellKey
from tandem.domain.time_report import CellRead

KIND = "time_cell"
_OWN = ("pk", "sk", "kind", "v")


_client = client


def cell_pk(tenant_id: str, part: str) -> str:
    return f"{tkey(tenant_id)}#{part}"


def _update(table: str, tenant_id: str, key: CellKey, fields: dict[str, int]) -> dict[str, Any]:
    names = {f"#f{i}": name for i, name in enumerate(fields)}
    values: dict[str, Any] = {f":a{i}": {"N": str(amount)} for i, amount in enumerate(fields.values())}
    values.update({":kind": {"S": KIND}, ":v": {"S": key.value}})
    adds = ", ".join(f"#f{i} :a{i}" for i in range(len(fields)))
    return {"Update": {"TableName": table,
                       "Key": {"pk": {"S": cell_pk(tenant_id, key.part)}, "sk": {"S": key.sort}},
                       "UpdateExpression": f"SET #kind = :kind, #v = :v ADD {adds}",
                       "ExpressionAttributeNames": {**names, "#kind": "kind", "#v": "v"},
                       "ExpressionAttributeValues": values}}




def _fields(raw: dict[str, Any]) -> dict[str, int]:
    return {k: int(wire.deserialize(v)) for k, v in raw.items() if k not in _OWN and "N" in v}


def _key_condition(read: CellRead) -> tuple[str, dict[str, Any]]:
    values: dict[str, Any] = {}
    condition = "pk = :pk"
    if read.lo is not None and read.hi is not None:
        condition += " AND sk BETWEEN :lo AND :hi"
    elif read.lo is not None:
        condition += " AND sk >= :lo"
    elif read.hi is not None:
        condition += " AND sk <= :hi"
    if read.lo is not None:
        values[":lo"] = {"S": read.lo}
    if read.hi is not None:
        values[":hi"] = {"S": read.hi}
    return condition, values


class DynamoTimeCells:
    def apply(self, tenant_id: str, change_id: str, deltas: dict[CellKey, dict[str, int]]) -> bool:
        # A change touches at most 75 cells (two versions of a sheet): one transaction with its marker.
        table = Record.Meta.table_name
        cells = sorted(deltas.items(), key=lambda kv: (kv[0].part, kv[0].sort))
        updates = [_update(table, tenant_id, key, fields) for key, fields in cells]
        return apply_once(tenant_id, change_id, updates, tag="TREV", kind="time_change")

    def cells(self, tenant_id: str, read: CellRead) -> list[tuple[str, dict[str, int]]]:
        table, client = Record.Meta.table_name, _client()
        condition, values = _key_condition(read)
        values[":pk"] = {"S": cell_pk(tenant_id, read.part)}
        params: dict[str, Any] = {"TableName": table, "KeyConditionExpression": condition,
                                  "ExpressionAttributeValues": values}
        if read.value is not None:
            params["FilterExpression"] = "#v = :v"
            params["ExpressionAttributeNames"] = {"#v": "v"}
            values[":v"] = {"S": read.value}
        found: list[tuple[str, dict[str, int]]] = []
        while True:
            answer = client.query(**params)
            found += [(raw["sk"]["S"], _fields(raw)) for raw in answer.get("Items", [])]
            if not answer.get("LastEvaluatedKey"):
                return found
            params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def cell(self, tenant_id: str, key: CellKey) -> dict[str, int] | None:
        answer = _client().get_item(TableName=Record.Meta.table_name,
                                    Key={"pk": {"S": cell_pk(tenant_id, key.part)}, "sk": {"S": key.sort}})
        raw = answer.get("Item")
        return _fields(raw) if raw else None
