"""Property tests of request decoding: whatever JSON (or not-JSON) reaches any route, the answer is a 4xx in the
error shape or a success — never a 500.

Given the agency world and an admin's token, when hypothesis sends arbitrary JSON, deep nesting, lone surrogates,
huge strings and wrong types to every operation with a body, then no answer is a server error.
"""

from __future__ import annotations

import json

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integration.conftest import FAST_ARGON2, Api
from integration.world import build_world
from tandem.runtime import wiring
from tandem.runtime.settings import read_settings


def _ops():
    import app  # noqa: F401
    from api.ops import OPS

    return [o for o in OPS if o.body is not None]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
WEIRD_TEXT = st.sampled_from(['"\\ud800"', '"\\udfff x"', '"' + "é" * 70_000 + '"', '"\\u0000"', "1e999", "-0"])


def _field_names(model) -> list[str]:
    return [f.encode_name for f in msgspec.structs.fields(model)]


def bodies(model) -> st.SearchStrategy[bytes]:
    """Raw bodies: any JSON, the model's own fields with any values, weird literals in its fields, deep nesting."""
    names = _field_names(model) or ["x"]
    fitted = st.dictionaries(st.sampled_from(names), JSON_VALUES, max_size=len(names)).map(json.dumps)
    weird = st.tuples(st.sampled_from(names), WEIRD_TEXT).map(lambda kv: '{{"{}": {}}}'.format(*kv))
    deep = st.integers(min_value=10, max_value=5000).map(lambda n: f'{{"{names[0]}": ' + "[" * n + "]" * n + "}")
    return st.one_of(JSON_VALUES.map(json.dumps), fitted, weird, deep, st.binary(max_size=40)).map(
        lambda b: b if isinstance(b, bytes) else b.encode("utf-8", "surrogatepass")
    )


@pytest.fixture(scope="module")
def world_api():
    c = wiring.build(read_settings(), password_costs=FAST_ARGON2)
    wiring.use(c)
    from chalice.test import Client

    from app import app
    from tandem.local.gateway import greedy

    w = build_world(c.deps)
    with Client(app) as client:
        greedy(client.http._local_gateway, app)
        yield Api(client), w
    wiring.use(None)


def _path(template: str, w) -> str:
    values = {
        "{ref}": w.ids["item_a"].ref,
        "{slug}": "agency",
        "{type_id}": w.ids["ticket_type"].id,
        "{id}": w.ids["rule"].id,
        "{macro_id}": w.ids["macro"].id,
        "{attachment_id}": w.ids["attachment"].id,
    }
    for k, v in values.items():
        template = template.replace(k, v)
    return template


@pytest.mark.parametrize("op", _ops(), ids=lambda o: f"{o.method} {o.path}")
def test_no_body_makes_a_route_fail_with_a_server_error(world_api, op):
    api, w = world_api
    path = _path(op.path, w)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(raw=bodies(op.body))
    def check(raw: bytes) -> None:
        resp = api.call(op.method, path, raw, token=w.token("admin"))
        assert resp.status_code < 500, (resp.status_code, raw[:200], resp.body[:300])
        if resp.status_code >= 400:
            assert set(resp.data) == {"error"}, resp.body[:300]

    check()
