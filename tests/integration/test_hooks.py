"""REST hooks end to end on the memory backend: subscribe, events from the stream, signed deliveries, retries on
timers, 410, unsubscribe, redelivered batches, giving up, polling, scopes, rule `call_webhook`.

The receiver is the memory backend's recording sender (runtime/memory_webhooks.py); signatures are checked with
the signer of domain/webhooks.py.
"""

from __future__ import annotations

import json

import pytest

from integration.test_notifications import pump
from integration.world import build_world
from tandem.domain.clock import iso, parse_iso
from tandem.runtime.handlers import run_timers

URL = "https://receiver.example/hook"


class Clock:
    def __init__(self, now: str) -> None:
        self.now = now

    def __call__(self) -> str:
        return self.now

    def advance(self, **delta: float) -> str:
        from datetime import timedelta

        self.now = iso(parse_iso(self.now) + timedelta(**delta))
        return self.now


@pytest.fixture
def world(api, container):
    clock = Clock("2026-03-02T09:00:00.000Z")
    container.deps.clock = clock
    w = build_world(container.deps)
    pump(container)  # the world's own events happened before any subscription
    container.deps.mailer.sent.clear()
    return w, clock, container.deps.webhooks


def _subscribe(api, w, event="item.created", url=URL, **extra):
    resp = api.call("POST", "/v1/hooks", {"target_url": url, "event": event, **extra}, token=w.token("admin"))
    assert resp.status_code == 201, resp.data
    return resp.data


def _new_item(api, w, title="Printer on fire"):
    body = {"type_id": w.ids["ticket_type"].id, "title": title, "requester": w.ids["cust_a"].id}
    resp = api.call("POST", "/v1/items", body, token=w.token("admin"))
    assert resp.status_code == 201, resp.data
    return resp.data["ref"]


def _verifies(secret: str, sent) -> bool:
    from tandem.domain.webhooks import verify

    return verify(secret, sent.headers, sent.body, now=int(sent.headers["webhook-timestamp"]))


def _fire(container, clock):
    return run_timers(container, now=clock.now)["fired"]


def test_a_new_item_is_delivered_once_signed_with_the_subscription_secret(api, container, world):
    w, clock, receiver = world
    # Given a subscription to item.created
    hook = _subscribe(api, w)
    assert hook["secret"].startswith("whsec_") and hook["event"] == "item.created" and hook["target_url"] == URL
    # When an item is created and the stream delivers the change
    ref = _new_item(api, w)
    pump(container)
    # Then exactly one POST reached the target, with Standard Webhooks headers that verify with the secret
    assert len(receiver.sent) == 1
    sent = receiver.sent[0]
    assert sent.url == URL and _verifies(hook["secret"], sent)
    assert sent.headers["webhook-id"].startswith("msg_")
    assert sent.headers["webhook-timestamp"] == str(int(parse_iso(clock.now).timestamp()))
    body = json.loads(sent.body)
    assert set(body) == {"id", "type", "created_at", "data"} and body["type"] == "item.created"
    assert body["data"]["ref"] == ref and body["data"]["title"] == "Printer on fire"
    # And the delivery log shows one successful attempt under the same webhook-id
    log = api.call("GET", f"/v1/hooks/{hook['id']}/deliveries", token=w.token("admin")).data["items"]
    assert [(d["id"], d["state"], [a["response_code"] for a in d["attempts"]]) for d in log] == [
        (sent.headers["webhook-id"], "succeeded", [200])
    ]
    assert log[0]["payload"] == body


def test_a_failed_delivery_is_retried_after_the_backoff_with_the_same_webhook_id(api, container, world):
    w, clock, receiver = world
    hook = _subscribe(api, w)
    receiver.script = [500]  # the first attempt fails, later ones succeed
    _new_item(api, w)
    pump(container)
    assert len(receiver.sent) == 1
    # When the timers run before the 5 s backoff has passed, nothing is sent
    assert _fire(container, clock) == {}
    # When they run after it, the retry goes out with the same webhook-id, signed afresh
    clock.advance(seconds=6)
    assert _fire(container, clock) == {"webhook": 1}
    first, retry = receiver.sent
    assert retry.headers["webhook-id"] == first.headers["webhook-id"] and retry.body == first.body
    assert _verifies(hook["secret"], retry)
    log = api.call("GET", f"/v1/hooks/{hook['id']}/deliveries", token=w.token("admin")).data["items"]
    assert log[0]["state"] == "succeeded" and [a["response_code"] for a in log[0]["attempts"]] == [500, 200]
    # And a later tick sends nothing more
    clock.advance(hours=30)
    assert _fire(container, clock) == {} and len(receiver.sent) == 2


def test_410_removes_the_subscription(api, container, world):
    w, clock, receiver = world
    hook = _subscribe(api, w)
    receiver.script = [410]
    _new_item(api, w)
    pump(container)
    assert [h["id"] for h in api.call("GET", "/v1/hooks", token=w.token("admin")).data["items"]] == []
    clock.advance(minutes=10)
    _fire(container, clock)
    _new_item(api, w, "another")
    pump(container)
    assert len(receiver.sent) == 1
    assert api.call("GET", f"/v1/hooks/{hook['id']}/deliveries", token=w.token("admin")).status_code == 404


def test_after_unsubscribing_nothing_more_is_sent_not_even_pending_retries(api, container, world):
    w, clock, receiver = world
    hook = _subscribe(api, w)
    receiver.script = [503]
    _new_item(api, w)
    pump(container)
    assert api.call("DELETE", f"/v1/hooks/{hook['id']}", token=w.token("admin")).status_code == 204
    clock.advance(minutes=1)
    _fire(container, clock)
    _new_item(api, w, "after unsubscribing")
    pump(container)
    assert len(receiver.sent) == 1


def test_a_redelivered_stream_batch_delivers_nothing_twice(api, container, world):
    w, clock, receiver = world
    _subscribe(api, w)
    _subscribe(api, w, "item.updated", url="https://receiver.example/updates")
    ref = _new_item(api, w)
    api.call("PATCH", f"/v1/items/{ref}", {"priority": "high"}, token=w.token("admin"))
    pump(container, twice=True)
    assert sorted(json.loads(s.body)["type"] for s in receiver.sent) == ["item.created", "item.updated"]
    assert len({s.headers["webhook-id"] for s in receiver.sent}) == 2


def test_a_delivery_failing_for_a_day_disables_the_hook_and_mails_the_admins_once(api, container, world):
    w, clock, receiver = world
    hook = _subscribe(api, w)
    receiver.default = 500
    _new_item(api, w)
    pump(container)
    # When every retry fails (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h), a tick coming a minute after each is due
    waits = []
    for _ in range(12):
        delivery = api.call("GET", f"/v1/hooks/{hook['id']}/deliveries", token=w.token("admin")).data["items"][0]
        if delivery["next_attempt_at"] is None:
            break
        waits.append(round((parse_iso(delivery["next_attempt_at"]) - parse_iso(clock.now)).total_seconds()))
        clock.now = delivery["next_attempt_at"]
        clock.advance(minutes=1)
        _fire(container, clock)
    assert waits == [5, 300, 1800, 7200, 18000, 36000, 86400]
    # Then eight attempts went out, all with one webhook-id, and the hook is disabled
    assert len(receiver.sent) == 8 and len({s.headers["webhook-id"] for s in receiver.sent}) == 1
    listed = api.call("GET", "/v1/hooks", token=w.token("admin")).data["items"]
    assert listed[0]["id"] == hook["id"] and listed[0]["enabled"] is False and listed[0]["disabled_reason"]
    # And the admin got one mail about it (the agency has one admin)
    mails = [m for _, m in container.deps.mailer.sent if "disabled" in m.subject]
    assert [m.to for m in mails] == [["admin@agency.example"]]
    # And a disabled hook receives nothing new
    _new_item(api, w, "while disabled")
    pump(container)
    assert len(receiver.sent) == 8


def test_polling_lists_recent_events_newest_first_in_the_delivery_shape(api, container, world):
    w, clock, receiver = world
    clock.advance(minutes=1)
    newest = _new_item(api, w, "newest")
    resp = api.call("GET", "/v1/hooks/events/item.created", token=w.token("admin"))
    assert resp.status_code == 200
    items = resp.data["items"]
    assert items and all(set(e) == {"id", "type", "created_at", "data"} for e in items)
    assert items[0]["data"]["ref"] == newest and all(e["type"] == "item.created" for e in items)
    assert len({e["id"] for e in items}) == len(items)
    assert [e["created_at"] for e in items] == sorted((e["created_at"] for e in items), reverse=True)
    # And the delivered payload of the same event carries the same id (Zapier deduplicates on it)
    _subscribe(api, w)
    pump(container)
    messages = api.call("GET", "/v1/hooks/events/message.created", token=w.token("admin")).data["items"]
    assert {e["type"] for e in messages} == {"message.created"} and len(messages) >= 2
    assert api.call("GET", "/v1/hooks/events/item.nonsense", token=w.token("admin")).status_code == 404


def test_the_polled_and_the_delivered_payload_share_their_id(api, container, world):
    w, clock, receiver = world
    _subscribe(api, w)
    clock.advance(minutes=1)
    ref = _new_item(api, w)
    pump(container)
    polled = api.call("GET", "/v1/hooks/events/item.created", token=w.token("admin")).data["items"][0]
    delivered = json.loads(receiver.sent[0].body)
    assert polled["data"]["ref"] == ref and polled["id"] == delivered["id"] and polled == delivered


def test_polled_change_events_have_the_delivered_keys_with_an_empty_previous(api, container, world):
    w, clock, receiver = world
    # Given an item whose status changed while hooks on both change events listened
    _subscribe(api, w, "item.updated")
    _subscribe(api, w, "item.status_changed", url="https://status.example/in")
    ref = _new_item(api, w)
    clock.advance(minutes=1)
    resp = api.call("PATCH", f"/v1/items/{ref}", {"status": "open"}, token=w.token("admin"))
    assert resp.status_code == 200, resp.data
    pump(container)
    for kind in ("item.updated", "item.status_changed"):
        delivered = next(json.loads(s.body) for s in receiver.sent if json.loads(s.body)["type"] == kind)
        assert delivered["data"]["previous"]["status"] == "new"
        # When Zapier polls the same event
        polled = api.call("GET", f"/v1/hooks/events/{kind}", token=w.token("admin")).data["items"]
        same = next(e for e in polled if e["id"] == delivered["id"])
        # Then it has the delivery's keys; the old values are not kept, so `previous` is empty
        assert set(same["data"]) == set(delivered["data"]) and same["data"]["previous"] == {}


def test_private_messages_reach_staff_scope_hooks_only(api, container, world):
    w, clock, receiver = world
    staff = _subscribe(api, w, "message.created", url="https://staff.example/in")
    customer = _subscribe(api, w, "message.created", url="https://customer.example/in", scope="customer")
    assert staff["scope"] == "staff" and customer["scope"] == "customer"
    ref = w.ids["item_a"].ref
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "internal", "visibility": "private"}, token=w.token("admin"))
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "hello", "visibility": "public"}, token=w.token("admin"))
    pump(container)
    got = sorted((s.url, json.loads(s.body)["data"]["body"]) for s in receiver.sent)
    assert got == [
        ("https://customer.example/in", "hello"),
        ("https://staff.example/in", "hello"),
        ("https://staff.example/in", "internal"),
    ]


def test_status_change_is_its_own_event_with_the_previous_status(api, container, world):
    w, clock, receiver = world
    _subscribe(api, w, "item.status_changed")
    ref = w.ids["item_a"].ref
    api.call("PATCH", f"/v1/items/{ref}", {"priority": "high"}, token=w.token("admin"))
    api.call("PATCH", f"/v1/items/{ref}", {"status": "waiting"}, token=w.token("admin"))
    pump(container)
    assert len(receiver.sent) == 1
    data = json.loads(receiver.sent[0].body)["data"]
    assert data["status"] == "waiting" and data["previous"]["status"] != "waiting"


def test_unsafe_targets_are_refused_at_subscription_and_in_rules(api, container, world):
    w, clock, receiver = world
    admin = w.token("admin")
    for url in ("http://127.0.0.1/x", "http://169.254.169.254/latest", "http://[::1]/", "http://localhost:8000/"):
        resp = api.call("POST", "/v1/hooks", {"target_url": url, "event": "item.created"}, token=admin)
        assert resp.status_code == 422 and resp.data["error"]["details"]["field"] == "target_url", (url, resp.data)
    assert api.call("POST", "/v1/hooks", {"target_url": "ftp://x.example/", "event": "item.created"},
                    token=admin).status_code == 422
    rule = {"name": "Meta", "trigger": "item_created",
            "actions": [{"type": "call_webhook", "url": "http://169.254.169.254/latest/meta-data"}]}
    resp = api.call("POST", "/v1/rules", rule, token=admin)
    assert resp.status_code == 422 and resp.data["error"]["details"]["field"] == "actions[0].url"


def test_rotation_signs_with_both_secrets_for_a_day(api, container, world):
    w, clock, receiver = world
    hook = _subscribe(api, w)
    rotated = api.call("POST", f"/v1/hooks/{hook['id']}/rotate-secret", token=w.token("admin")).data
    assert rotated["secret"] != hook["secret"]
    _new_item(api, w)
    pump(container)
    assert _verifies(hook["secret"], receiver.sent[0]) and _verifies(rotated["secret"], receiver.sent[0])
    clock.advance(hours=25)
    _new_item(api, w, "a day later")
    pump(container)
    assert _verifies(rotated["secret"], receiver.sent[1]) and not _verifies(hook["secret"], receiver.sent[1])


def test_redeliver_makes_one_more_attempt_with_the_same_webhook_id(api, container, world):
    w, clock, receiver = world
    hook = _subscribe(api, w)
    _new_item(api, w)
    pump(container)
    delivery = api.call("GET", f"/v1/hooks/{hook['id']}/deliveries", token=w.token("admin")).data["items"][0]
    resp = api.call("POST", f"/v1/hooks/{hook['id']}/deliveries/{delivery['id']}/redeliver", token=w.token("admin"))
    assert resp.status_code == 200
    assert [(a["n"], a["manual"]) for a in resp.data["attempts"]] == [(1, False), (2, True)]
    assert [s.headers["webhook-id"] for s in receiver.sent] == [delivery["id"]] * 2
    missing = f"/v1/hooks/{hook['id']}/deliveries/msg_nope/redeliver"
    assert api.call("POST", missing, token=w.token("admin")).status_code == 404


def test_call_webhook_is_delivered_signed_with_the_tenant_rules_secret(api, container, world):
    w, clock, receiver = world
    admin = w.token("admin")
    rule = {"name": "Tell the ERP", "trigger": "item_created",
            "actions": [{"type": "call_webhook", "url": "https://erp.example/tandem", "event": "ticket.new"}]}
    assert api.call("POST", "/v1/rules", rule, token=admin).status_code == 201
    secret = api.call("POST", "/v1/hooks/rules/rotate-secret", token=admin).data["secret"]
    pump(container)
    ref = _new_item(api, w)
    pump(container, twice=True)
    assert len(receiver.sent) == 1
    sent = receiver.sent[0]
    assert sent.url == "https://erp.example/tandem" and _verifies(secret, sent)
    body = json.loads(sent.body)
    assert body["type"] == "ticket.new" and body["data"]["item"]["ref"] == ref
    assert body["data"]["rule"] == 'rule "Tell the ERP"'
    log = api.call("GET", "/v1/hooks/rules/deliveries", token=admin).data["items"]
    assert [d["state"] for d in log] == ["succeeded"]
    # The rules channel is not a subscription of its own
    assert api.call("GET", "/v1/hooks", token=admin).data["items"] == []
