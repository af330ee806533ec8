"""Count AWS requests (and items read) by operation, for every botocore client in the process."""
from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import botocore.client

_ORIGINAL = botocore.client.BaseClient._make_api_call


class Tally:
    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.items_read = 0
        self.items_written = 0  # puts and deletes of BatchWriteItem / TransactWriteItems / PutItem / DeleteItem

    def record(self, operation: str, result: Any, params: dict | None = None) -> None:
        self.requests[operation] += 1
        if params is not None:
            self.items_written += _written(operation, params)
        if operation == "GetItem":
            self.items_read += 1 if result.get("Item") else 0
        elif operation in ("Query", "Scan"):
            self.items_read += int(result.get("ScannedCount", result.get("Count", 0)))
        elif operation == "BatchGetItem":
            self.items_read += sum(len(v) for v in result.get("Responses", {}).values())
        elif operation == "TransactGetItems":
            self.items_read += len(result.get("Responses", []))

    def summary(self) -> str:
        return ", ".join(f"{op} {n}" for op, n in sorted(self.requests.items())) or "none"


def _written(operation: str, params: dict) -> int:
    if operation == "BatchWriteItem":
        return sum(len(v) for v in params.get("RequestItems", {}).values())
    if operation == "TransactWriteItems":
        return len(params.get("TransactItems", []))
    return 1 if operation in ("PutItem", "DeleteItem", "UpdateItem") else 0


@contextlib.contextmanager
def counting() -> Iterator[Tally]:
    """Every botocore API call made inside the block is tallied (boto3 and PynamoDB clients alike)."""
    tally = Tally()

    def counted(self: Any, operation: str, params: dict) -> Any:
        try:
            result = _ORIGINAL(self, operation, params)
        except Exception:  # a refused request (a cancelled transaction, a failed condition) is a request too
            tally.record(operation, {}, None)
            raise
        tally.record(operation, result, params)
        return result

    botocore.client.BaseClient._make_api_call = counted
    try:
        yield tally
    finally:
        botocore.client.BaseClient._make_api_call = _ORIGINAL


def on_moto_api(table_name: str, measure_with: Any, *args: Any) -> Any:
    """Run `measure_with(client, container, *args)` against the real API (chalice's test client) on an in-process
    moto table: the set-up every request-counting bench shares. Password hashing is cheap here (signing in many
    users is set-up, not what is measured)."""
    from chalice.test import Client
    from moto import mock_aws

    with mock_aws():
        from tandem.dal import table
        from tandem.runtime import wiring
        from tandem.runtime.settings import read_settings

        table.configure(table_name, host=None, region="us-east-1")
        table.create_table()
        container = wiring.build(read_settings(), password_costs={"time_cost": 1, "memory_cost": 1024,
                                                                 "parallelism": 1})
        wiring.use(container)
        from app import app

        with Client(app) as client:
            return measure_with(client, container, *args)


def call(client: Any, method: str, path: str, token: str, body: dict | None = None) -> dict:
    """One API request through Chalice's test client as `token`; a failure stops the bench (counts of a failed
    request mean nothing)."""
    import json

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    fn = getattr(client.http, method.lower())
    resp = fn(path, headers=headers, body=json.dumps(body)) if body is not None else fn(path, headers=headers)
    assert resp.status_code < 300, (method, path, resp.status_code, resp.body[:300])
    return json.loads(resp.body)
