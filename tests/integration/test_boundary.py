"""The error contract at the boundary: unknown routes, wrong methods, unreadable, oversized and invalid input.

Given the agency world, when a client sends what the API cannot take, then it answers the right 4xx in the error
shape — never a 500, never a truncation, never an echo of the credential.
"""

from __future__ import annotations

import pytest

from integration.world import build_world
from tandem.domain.limits import BODY_BYTES, DEPTH, TITLE


def _error(resp, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.body[:300])
    assert set(resp.data) == {"error"} and {"code", "message", "details"} <= set(resp.data["error"])
    if code:
        assert resp.data["error"]["code"] == code
    return resp.data["error"]


@pytest.mark.parametrize("path", ["/v1/nope", "/v1/items/T-1/nope", "/v1/a/b/c/d/e/f"])
def test_an_unknown_route_is_404_in_the_error_shape_without_echoing_the_token(api, container, path):
    w = build_world(container.deps)
    resp = api.call("GET", path, token=w.token("admin"))
    _error(resp, 404, "not_found")
    assert w.token("admin") not in resp.body.decode()


def test_a_wrong_method_is_405_with_allow(api, container):
    w = build_world(container.deps)
    err = _error(api.call("DELETE", "/v1/me", token=w.token("admin")), 405, "method_not_allowed")
    resp = api.call("PUT", "/v1/items", {}, token=w.token("admin"))
    _error(resp, 405)
    assert set(resp.headers["allow"].split(", ")) == {"GET", "POST"}
    assert err["details"]["allow"] == ["GET"]


def test_unreadable_bodies_are_400(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    for raw in (b"{", b'{"title": "\\ud800"}', b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000):
        _error(api.call("POST", "/v1/items", raw, token=admin), 400, "bad_request")
    deep = '{"fields": ' * (DEPTH + 1) + "1" + "}" * (DEPTH + 1)
    _error(api.call("POST", "/v1/items", deep, token=admin), 400, "bad_request")


def test_an_oversized_body_is_413_before_anything_else(api, container):
    w = build_world(container.deps)
    body = '{"title": "' + "x" * BODY_BYTES + '"}'
    _error(api.call("POST", "/v1/items", body, token=w.token("admin")), 413, "too_large")


def test_an_overlong_title_is_refused_not_truncated(api, container):
    w = build_world(container.deps)
    type_id = w.ids["ticket_type"].id
    resp = api.call("POST", "/v1/items", {"type_id": type_id, "title": "x" * (TITLE + 1)}, token=w.token("admin"))
    err = _error(resp, 422, "validation_error")
    assert err["details"]["errors"][0]["field"] == "title"
    ok = api.call("POST", "/v1/items", {"type_id": type_id, "title": "x" * TITLE}, token=w.token("admin"))
    assert ok.status_code == 201 and len(ok.data["title"]) == TITLE


def test_validation_lists_every_bad_field(api, container):
    w = build_world(container.deps)
    body = {"type_id": 7, "title": "", "tags": "urgent", "percent_complete": 101, "colour": "red"}
    err = _error(api.call("POST", "/v1/items", body, token=w.token("admin")), 422, "validation_error")
    fields = {e["field"] for e in err["details"]["errors"]}
    assert fields == {"type_id", "title", "tags", "percent_complete", "colour"}


@pytest.mark.parametrize(
    "path,body",
    [
        ("/v1/users", {}),
        ("/v1/teams", {}),
        ("/v1/organizations", {}),
        ("/v1/portfolios", {}),
        ("/v1/customers", {"email": ["not", "a", "string"]}),
        ("/v1/projects", {"name": {"nested": True}}),
    ],
)
def test_empty_or_mistyped_creates_are_422(api, container, path, body):
    w = build_world(container.deps)
    _error(api.call("POST", path, body, token=w.token("admin")), 422, "validation_error")


def test_anonymous_routes_refuse_bad_input_with_4xx(api, container):
    build_world(container.deps)
    _error(api.call("POST", "/v1/signup", {"organization": 1}), 422)
    _error(api.call("POST", "/v1/auth/login", {"tenant": "agency", "email": "a@b.example", "password": ["x"]}), 422)
    _error(api.call("POST", "/v1/public/agency/magic-link", {"email": "x" * 1000}), 422)
    _error(api.call("POST", "/v1/public/agency/forms/x", {"fields": "nope"}), 422)
    _error(api.call("POST", "/v1/auth/magic-link/redeem", b'{"token": "\\udfff"}'), 400)


def test_a_bad_query_parameter_is_422_naming_it(api, container):
    w = build_world(container.deps)
    err = _error(api.call("GET", "/v1/items?limit=0", token=w.token("admin")), 422)
    assert err["details"]["errors"][0]["field"] == "limit"
    _error(api.call("GET", "/v1/items?limit=abc", token=w.token("admin")), 422)
    _error(api.call("GET", "/v1/items?cursor=forged", token=w.token("admin")), 400)


def test_custom_answers_that_would_outgrow_one_record_are_413_not_a_server_error(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    form = {"fields": [{"key": f"f{n}", "label": f"F{n}", "type": "long_text"} for n in range(60)]}
    t = api.call("POST", "/v1/item-types", {"name": "Big", "kind": "ticket", "form": form}, token=admin).data
    item = api.call("POST", "/v1/items", {"type_id": t["id"], "title": "big"}, token=admin).data
    statuses = []
    for batch in range(6):  # each request is within its limits; together they would not fit one record
        answers = {f"f{n}": "é" * 9_000 for n in range(batch * 10, batch * 10 + 10)}
        statuses.append(api.call("PATCH", f"/v1/items/{item['ref']}", {"fields": answers}, token=admin).status_code)
    assert statuses[0] == 200 and statuses[-1] == 413, statuses


def test_a_retried_reply_with_the_same_idempotency_key_is_stored_once(api, container):
    # Attack: the client times out and posts the same reply again
    w = build_world(container.deps)
    admin, ref = w.token("admin"), w.ids["item_a"].ref
    key = {"Idempotency-Key": "reply-1"}
    first = api.call("POST", f"/v1/items/{ref}/messages", {"body": "On it."}, token=admin, headers=key)
    again = api.call("POST", f"/v1/items/{ref}/messages", {"body": "On it."}, token=admin, headers=key)
    assert first.status_code == again.status_code == 201 and first.data["id"] == again.data["id"]
    bodies = [m["body"] for m in api.call("GET", f"/v1/items/{ref}/messages", token=admin).data["items"]]
    assert bodies.count("On it.") == 1
    other = api.call("POST", f"/v1/items/{ref}/messages", {"body": "Something else"}, token=admin, headers=key)
    _error(other, 422, "idempotency_mismatch")


def test_the_same_idempotency_key_with_another_body_is_422_on_every_create(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    key = {"Idempotency-Key": "org-1"}
    first = api.call("POST", "/v1/organizations", {"name": "Alpha"}, token=admin, headers=key)
    again = api.call("POST", "/v1/organizations", {"name": "Alpha"}, token=admin, headers=key)
    assert first.status_code == again.status_code == 201 and first.data["id"] == again.data["id"]
    _error(api.call("POST", "/v1/organizations", {"name": "Beta"}, token=admin, headers=key), 422,
           "idempotency_mismatch")
    type_id = w.ids["ticket_type"].id
    ikey = {"Idempotency-Key": "item-1"}
    made = api.call("POST", "/v1/items", {"type_id": type_id, "title": "A"}, token=admin, headers=ikey)
    assert made.status_code == 201
    _error(api.call("POST", "/v1/items", {"type_id": type_id, "title": "B"}, token=admin, headers=ikey), 422,
           "idempotency_mismatch")
