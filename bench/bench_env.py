"""What every benchmark does before it imports the product: its import paths and a local-only AWS environment (fake
credentials, DynamoDB through PynamoDB), so no benchmark can reach a real account.

`TANDEM_BENCH_TREE` names another checkout of the product (bench/side_by_side.py extracts the commit before issue 16
there): its `src/`, `functions/` and `tests/` then come first, so the same measurement runs on that code."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL_AWS = {
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "TANDEM_BACKEND": "dynamodb", "POWERTOOLS_METRICS_NAMESPACE": "Tandem",
}


def code_root() -> Path:
    """The checkout whose product code is measured: this one, or the one TANDEM_BENCH_TREE names."""
    return Path(os.environ.get("TANDEM_BENCH_TREE") or ROOT)


def prepare(*paths: str, **env: str) -> Path:
    """`functions/`, `bench/` and the repository folders `paths` importable (from the measured checkout; `src/` too
    when it is not this one); LOCAL_AWS plus `env` set. The root of this checkout (where results are written)."""
    code = code_root()
    own = [] if code == ROOT else [str(code / "src")]
    sys.path[:0] = own + [str(code / "functions"), str(ROOT / "bench"), *(str(code / p) for p in paths)]
    os.environ.update({**LOCAL_AWS, **env})
    return ROOT
