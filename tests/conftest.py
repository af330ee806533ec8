"""Shared test setup: the Chalice app on sys.path and fake AWS credentials (nothing here reaches AWS)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
os.environ.setdefault("TANDEM_BACKEND", "memory")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Tandem")
os.environ.setdefault("POWERTOOLS_DEV", "false")

CORPUS = ROOT.parent / "shared" / "corpus"
