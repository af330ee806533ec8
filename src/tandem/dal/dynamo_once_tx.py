"""Counter updates applied exactly once per stream change: each TransactWriteItems carries a marker Put conditional
on its absence, so a redelivered change is cancelled whole. Queue counters and time cells both count this way."""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import ClientError

from tandem.dal.dynamo_base import tkey
from tandem.dal.table import Record

MARKER_TTL = 3 * 24 * 3600  # longer than a stream keeps a record (24 h): a redelivery always finds its marker
PER_TRANSACTION = 99  # TransactWriteItems takes 100 actions: the marker and this many updates


def client() -> Any:
    return Record._get_connection().connection.client


def _marker(table: str, tenant_id: str, change_id: str, tag: str, kind: str) -> dict[str, Any]:
    item = {"pk": {"S": f"{tkey(tenant_id)}#{tag}#{change_id}"}, "sk": {"S": tag}, "kind": {"S": kind},
            "expires_at": {"N": str(int(time.time()) + MARKER_TTL)}}
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


def _already_applied(exc: ClientError) -> bool:
    """The transaction was cancelled because its marker (always the first action) exists."""
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons") or []
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


def apply_once(tenant_id: str, change_id: str, updates: list[dict[str, Any]], *, tag: str, kind: str) -> bool:
    """Run `updates` (TransactWriteItems actions) once for `change_id`; True when any part was applied now. More
    than PER_TRANSACTION updates take several transactions, each with its own marker, so each part happens once."""
    table, applied = Record.Meta.table_name, False
    for part, start in enumerate(range(0, len(updates), PER_TRANSACTION)):
        marker = change_id if part == 0 else f"{change_id}#{part}"
        actions = [_marker(table, tenant_id, marker, tag, kind), *updates[start:start + PER_TRANSACTION]]
        try:
            client().transact_write_items(TransactItems=actions)
            applied = True
        except ClientError as exc:
            if not _already_applied(exc):
                raise
    return applied
