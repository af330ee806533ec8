"""What every benchmark does before it imports the product: its import paths and a local-only AWS environment (fake
credentials, DynamoDB through PynamoDB), so no benchmark can reach a real account."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL_AWS = {
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "TANDEM_BACKEND": "dynamodb", "POWERTOOLS_METRICS_NAMESPACE": "Tandem",
}


def prepare(*paths: str, **env: str) -> Path:
    """`functions/`, `bench/` and the repository folders `paths` importable; LOCAL_AWS plus `env` set. The root."""
    sys.path[:0] = [str(ROOT / p) for p in ("functions", "bench", *paths)]
    os.environ.update({**LOCAL_AWS, **env})
    return ROOT
