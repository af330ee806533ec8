"""Inbound webhooks (issue 11): an admin's endpoint with a mapping; any JSON posted to its secret URL becomes an item.

Given the agency world and an item type with custom fields, an admin creates an endpoint whose mapping points into
the JSON a shop would send; the URL alone (no credential) is what the shop posts to.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integration.world import build_world

DELIVERY = {"webhook-id": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"}
AT = "2026-11-22T10:00:30.000Z"  # 30 s into a minute: Retry-After of the per-minute throttle is 30
SHOP = {
    "event": "order.failed",
    "order": {"id": "A-1001", "total": 42.5, "lines": [{"sku": "X-1"}]},
    "issue": {"summary": "Payment failed twice", "details": "Card declined; customer wants an invoice."},
    "customer": {"contact email": "Nina@Shop-Buyer.example"},
}
MAPPING = {
    "title": "$.issue.summary",
    "description": "$.issue.details",
    "requester": '$.customer["contact email"]',
    "fields": {"order_id": "$.order.id", "amount": "$.order.total", "first_sku": "$.order.lines[0].sku"},
}


@pytest.fixture
def world(container):
    container.deps.clock = lambda: AT
    return build_world(container.deps)


@pytest.fixture
def shop_type(api, world):
    form = {"fields": [{"key": "order_id", "type": "text", "label": "Order"},
                       {"key": "amount", "type": "number", "label": "Amount"},
                       {"key": "first_sku", "type": "text", "label": "SKU"}]}
    resp = api.call("POST", "/v1/item-types", {"name": "Shop problem", "kind": "ticket", "form": form},
                    token=world.token("admin"))
    assert resp.status_code == 201, resp.data
    return resp.data["id"]


def _create(api, world, type_id, mapping=None, **extra):
    body = {"name": "Shop", "type_id": type_id, "mapping": MAPPING if mapping is None else mapping, **extra}
    return api.call("POST", "/v1/inbound-webhooks", body, token=world.token("admin"))


def _post(api, url: str, body, headers=None):
    """A post as the sender makes it: the URL's path, no Authorization header."""
    path = url.split("://", 1)[1].split("/", 1)[1]
    return api.call("POST", "/" + path, body, headers=headers)


@pytest.fixture
def endpoint(api, world, shop_type):
    resp = _create(api, world, shop_type)
    assert resp.status_code == 201, resp.data
    return resp.data


def _item(api, world, ref):
    return api.call("GET", f"/v1/items/{ref}", token=world.token("admin")).data


def test_a_post_to_the_url_becomes_an_item_with_the_mapped_parts_and_activity_naming_the_endpoint(
    api, world, endpoint
):
    # Given an endpoint created by the admin (its answer carries the URL once)
    assert endpoint["url"].startswith("http") and "/v1/public/inbound/" in endpoint["url"]
    assert set(endpoint) >= {"id", "name", "type_id", "mapping", "url"}
    # When the shop posts its JSON to the URL, without any credential
    resp = _post(api, endpoint["url"], SHOP)
    # Then it is accepted with the new item's reference
    assert resp.status_code == 202, resp.data
    item = _item(api, world, resp.data["ref"])
    assert item["title"] == "Payment failed twice"
    assert item["description"] == "Card declined; customer wants an invoice."
    assert item["fields"] == {"order_id": "A-1001", "amount": 42.5, "first_sku": "X-1"}
    assert item["via"] == "webhook" and item["type_id"] == endpoint["type_id"]
    # The requester's address became a customer (found again by email, lower-cased)
    customers = api.call("GET", "/v1/customers?limit=200", token=world.token("admin")).data["items"]
    nina = next(c for c in customers if c["email"] == "nina@shop-buyer.example")
    assert item["requester"] == nina["id"]
    # The activity records the cause and names the endpoint
    activity = api.call("GET", f"/v1/items/{item['ref']}/activity", token=world.token("admin")).data["items"]
    created = next(a for a in activity if a["action"] == "created")
    assert created["cause"] == "webhook" and "Shop" in created["note"] and endpoint["id"] in created["note"]


def test_missing_optional_values_never_fail_and_a_missing_title_is_the_endpoint_name_and_time(api, world, endpoint):
    # When a document with none of the mapped paths arrives (even a bare array)
    for body in ({"something": "else"}, [1, 2, 3]):
        resp = _post(api, endpoint["url"], body)
        # Then an item is created all the same, titled by the endpoint's name and the time
        assert resp.status_code == 202, resp.data
        item = _item(api, world, resp.data["ref"])
        assert item["title"] == f"Shop {AT}" and item["description"] == "" and item["fields"] == {}
        assert item["requester"] is None


def test_a_repeated_webhook_id_answers_the_first_item_and_creates_nothing(api, world, endpoint):
    # Given a delivery with a webhook-id
    first = _post(api, endpoint["url"], SHOP, DELIVERY)
    before = api.call("GET", "/v1/items?limit=200", token=world.token("admin")).data["items"]
    # When the sender retries it, same id and body
    again = _post(api, endpoint["url"], SHOP, DELIVERY)
    after = api.call("GET", "/v1/items?limit=200", token=world.token("admin")).data["items"]
    # Then the same reference comes back and no item was added
    assert first.status_code == again.status_code == 202
    assert again.data["ref"] == first.data["ref"] and len(after) == len(before)
    # And the same id with another body is a client bug: 422 idempotency_mismatch
    other = _post(api, endpoint["url"], {**SHOP, "event": "order.paid"}, DELIVERY)
    assert other.status_code == 422 and other.data["error"]["code"] == "idempotency_mismatch"


def test_bad_json_is_400_and_a_huge_body_413(api, world, endpoint):
    # When the body is not JSON, or is 10 MB
    bad = _post(api, endpoint["url"], b'{"issue": ')
    huge = _post(api, endpoint["url"], b'{"issue": "' + b"x" * (10 * 1024 * 1024) + b'"}')
    # Then 400 and 413 in the error shape
    assert bad.status_code == 400 and bad.data["error"]["code"] == "bad_request"
    assert huge.status_code == 413 and huge.data["error"]["code"] == "too_large"


def test_an_oversized_title_is_422_naming_it_not_truncated(api, world, endpoint):
    # When the mapped title is longer than a title may be
    resp = _post(api, endpoint["url"], {**SHOP, "issue": {"summary": "x" * 501}})
    # Then nothing is created and the error names the title and the path it came from
    assert resp.status_code == 422
    assert resp.data["error"]["details"]["field"] == "title"
    assert resp.data["error"]["details"]["path"] == "$.issue.summary"


def test_a_value_that_does_not_fit_its_field_is_422_naming_the_field(api, world, endpoint):
    resp = _post(api, endpoint["url"], {**SHOP, "order": {"id": "A-1", "total": "lots"}})
    assert resp.status_code == 422 and resp.data["error"]["details"]["field"] == "fields.amount"
    bad_email = _post(api, endpoint["url"], {**SHOP, "customer": {"contact email": "not an address"}})
    assert bad_email.status_code == 422 and bad_email.data["error"]["details"]["field"] == "requester"


@pytest.mark.parametrize(("mapping", "field"), [
    ({"title": "issue.summary"}, "mapping.title"),
    ({"description": "$.a[x]"}, "mapping.description"),
    ({"requester": '$["unterminated'}, "mapping.requester"),
    ({"fields": {"priority": "$.p"}}, "mapping.fields.priority"),
    ({"fields": {"order_id": "$..id"}}, "mapping.fields.order_id"),
])
def test_an_invalid_mapping_is_422_naming_the_path(api, world, shop_type, mapping, field):
    resp = _create(api, world, shop_type, mapping=mapping)
    assert resp.status_code == 422, resp.data
    assert resp.data["error"]["details"]["field"] == field


def test_an_unknown_type_or_project_is_422(api, world):
    assert _create(api, world, "nope").data["error"]["details"]["field"] == "type_id"
    tid = world.ids["ticket_type"].id
    resp = _create(api, world, tid, mapping={}, project_id="nope")
    assert resp.status_code == 422 and resp.data["error"]["details"]["field"] == "project_id"


def test_unknown_rotated_and_deleted_urls_are_404(api, world, endpoint):
    admin = world.token("admin")
    url = endpoint["url"]
    assert _post(api, url + "x", SHOP).status_code == 404
    assert _post(api, url.rsplit(".", 1)[0] + ".wrong", SHOP).status_code == 404
    assert _post(api, "http://h/v1/public/inbound/garbage", SHOP).status_code == 404
    # When the admin rotates the URL
    rotated = api.call("POST", f"/v1/inbound-webhooks/{endpoint['id']}/rotate", token=admin)
    assert rotated.status_code == 200 and rotated.data["url"] != url
    # Then the old URL is 404 and the new one works
    assert _post(api, url, SHOP).status_code == 404
    assert _post(api, rotated.data["url"], SHOP).status_code == 202
    # And once deleted, the URL leads nowhere
    assert api.call("DELETE", f"/v1/inbound-webhooks/{endpoint['id']}", token=admin).status_code == 204
    assert _post(api, rotated.data["url"], SHOP).status_code == 404


def test_reads_never_show_the_secret_and_another_tenant_cannot_see_the_endpoint(api, world, endpoint, container):
    admin = world.token("admin")
    secret = endpoint["url"].rsplit(".", 1)[1]
    listed = api.call("GET", "/v1/inbound-webhooks", token=admin)
    read = api.call("GET", f"/v1/inbound-webhooks/{endpoint['id']}", token=admin)
    assert {e["id"] for e in listed.data["items"]} == {endpoint["id"], world.ids["inbound_webhook"].id}
    assert secret not in listed.body.decode() and secret not in read.body.decode()
    assert read.data["url"] is None and read.data["url_hint"].endswith("…")
    # Another tenant's admin
    other = api.call("POST", "/v1/auth/login", {"tenant": "otherco", "email": "admin@other.example",
                                                 "password": "correct horse battery"}).data["token"]
    assert api.call("GET", f"/v1/inbound-webhooks/{endpoint['id']}", token=other).status_code == 404
    assert api.call("PATCH", f"/v1/inbound-webhooks/{endpoint['id']}", {"name": "x"}, token=other).status_code == 404
    assert api.call("GET", "/v1/inbound-webhooks", token=other).data["items"] == []


def test_patch_replaces_the_mapping_and_checks_it_against_the_type(api, world, endpoint):
    admin = world.token("admin")
    path = f"/v1/inbound-webhooks/{endpoint['id']}"
    ok = api.call("PATCH", path, {"mapping": {"title": "$.event"}}, token=admin)
    assert ok.status_code == 200 and ok.data["mapping"]["title"] == "$.event" and ok.data["mapping"]["fields"] == {}
    assert _item(api, world, _post(api, endpoint["url"], SHOP).data["ref"])["title"] == "order.failed"
    # Moving to a type without the mapped field is refused
    bad = api.call("PATCH", path, {"type_id": world.ids["ticket_type"].id,
                                   "mapping": {"fields": {"order_id": "$.order.id"}}}, token=admin)
    assert bad.status_code == 422 and bad.data["error"]["details"]["field"] == "mapping.fields.order_id"


def test_posts_beyond_the_endpoints_rate_are_429_with_retry_after(api, world, endpoint, container):
    # Given a limit of 3 posts a minute per endpoint
    deps = container.deps
    deps.settings = replace(deps.settings, throttle=replace(deps.settings.throttle, inbound_webhook_per_minute=3))
    statuses = [_post(api, endpoint["url"], SHOP).status_code for _ in range(4)]
    # Then the fourth is refused with the seconds left in the minute
    assert statuses == [202, 202, 202, 429]
    last = _post(api, endpoint["url"], SHOP)
    assert last.headers["retry-after"] == "30" and last.data["error"]["code"] == "too_many_requests"


def test_an_idempotency_key_repeat_of_create_answers_without_the_secret(api, world, shop_type):
    admin = world.token("admin")
    body = {"name": "Shop", "type_id": shop_type}
    first = api.call("POST", "/v1/inbound-webhooks", body, token=admin, headers={"Idempotency-Key": "k1"})
    again = api.call("POST", "/v1/inbound-webhooks", body, token=admin, headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201
    assert again.data["id"] == first.data["id"] and first.data["url"] and again.data["url"] is None


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
RAW = st.one_of(
    JSON_VALUES.map(json.dumps),
    st.fixed_dictionaries({"issue": st.fixed_dictionaries({"summary": JSON_VALUES, "details": JSON_VALUES}),
                           "order": st.fixed_dictionaries({"id": JSON_VALUES, "total": JSON_VALUES}),
                           "customer": st.fixed_dictionaries({"contact email": JSON_VALUES})}).map(json.dumps),
    st.sampled_from(['"\\ud800"', '{"issue": {"summary": "\\udfff"}}', "1e999", "[" * 5000 + "]" * 5000]),
    st.binary(max_size=40),
).map(lambda b: b if isinstance(b, bytes) else b.encode("utf-8", "surrogatepass"))


def test_whatever_is_posted_to_the_url_the_answer_is_never_a_server_error(api, world, endpoint, container):
    # Given no throttle in the way
    deps = container.deps
    deps.settings = replace(deps.settings, throttle=replace(deps.settings.throttle, inbound_webhook_per_minute=10**9))

    # When hypothesis posts arbitrary JSON, JSON shaped like the mapping with any values, and not-JSON
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(RAW)
    def post(raw):
        resp = _post(api, endpoint["url"], raw)
        # Then each answer is an accepted item or a 4xx in the error shape
        assert resp.status_code in (202, 400, 413, 422), (resp.status_code, resp.body[:300])
        if resp.status_code != 202:
            assert set(resp.data) == {"error"} and resp.data["error"]["code"]

    post()
