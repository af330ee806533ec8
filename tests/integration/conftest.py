"""API tests through chalice.test.Client on a fresh in-memory container per test."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from tandem.runtime import wiring
from tandem.runtime.settings import read_settings

FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@dataclass
class Api:
    """A thin JSON client over chalice.test.Client."""

    client: Any

    def call(
        self, method: str, path: str, body: Any = None, token: str | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        raw = json.dumps(body) if body is not None and not isinstance(body, str | bytes) else body
        fn = getattr(self.client.http, method.lower())
        resp = fn(path, headers=h, body=raw) if raw is not None else fn(path, headers=h)
        try:
            resp.data = json.loads(resp.body) if resp.body else None
        except ValueError:  # an HTML page
            resp.data = None
        resp.headers = {k.lower(): v for k, v in resp.headers.items()}
        return resp


@pytest.fixture
def container():
    c = wiring.build(read_settings(), password_costs=FAST_ARGON2)
    wiring.use(c)
    yield c
    wiring.use(None)


@pytest.fixture
def api(container):
    from chalice.test import Client

    from app import app
    from tandem.local.gateway import greedy

    with Client(app) as client:
        greedy(client.http._local_gateway, app)  # unknown deep paths reach our 404, as on API Gateway
        yield Api(client)
