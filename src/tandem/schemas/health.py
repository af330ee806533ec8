"""The health check's answer, alone in its module: a cold API Lambda's GET /v1/health imports nothing more."""

from __future__ import annotations

from msgspec import Struct


class Health(Struct, kw_only=True):
    status: str
    checks: dict[str, str] = {}
