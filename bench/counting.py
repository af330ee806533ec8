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
        result = _ORIGINAL(self, operation, params)
        tally.record(operation, result, params)
        return result

    botocore.client.BaseClient._make_api_call = counted
    try:
        yield tally
    finally:
        botocore.client.BaseClient._make_api_call = _ORIGINAL
