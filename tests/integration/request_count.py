"""Counting AWS requests in tests (request budgets, batched reads and writes): one counter for every test."""

from __future__ import annotations

import contextlib
from collections import Counter


@contextlib.contextmanager
def dynamodb_requests():
    """Every AWS request made inside the block, by operation, refused ones too (the way bench/counting.py counts)."""
    import botocore.client

    original, seen = botocore.client.BaseClient._make_api_call, Counter()

    def counted(self, operation, params):
        seen[operation] += 1
        return original(self, operation, params)

    botocore.client.BaseClient._make_api_call = counted
    try:
        yield seen
    finally:
        botocore.client.BaseClient._make_api_call = original
