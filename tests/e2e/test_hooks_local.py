"""REST hooks against the real local stack (started with TANDEM_ALLOW_PRIVATE_WEBHOOKS=1, timers every 2 s) and a
real receiver on 127.0.0.1 that verifies every signature with the signer of domain/webhooks.py.

Acceptance 1 of issue 11: subscribe → create an item → one signed delivery; 500 → a retry with the same
`webhook-id`; 410 → subscription removed; unsubscribe → nothing more. Then the workspace's Hooks screen in
chromium: the delivery log and its Redeliver button.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from e2e.portal_helpers import (
    build_world,
    chromium,
    new_context,
    sign_in_context,
    start_stack,
    stop_stack,
    wait_for,
)

pytestmark = [pytest.mark.e2e]


class Receiver:
    """Answers each POST from `script` (then 200), keeping (headers, body, signature verified)."""

    def __init__(self) -> None:
        self.secret = ""
        self.got: list[tuple[dict[str, str], bytes, bool]] = []
        self.script: list[int] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                from tandem.domain.webhooks import verify

                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with outer.lock:
                    ok = bool(outer.secret) and verify(outer.secret, headers, body, now=time.time())
                    outer.got.append((headers, body, ok))
                    status = outer.script.pop(0) if outer.script else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def of_type(self, kind: str) -> list[tuple[dict[str, str], Any, bool]]:
        with self.lock:
            return [(h, json.loads(b), ok) for h, b, ok in self.got if json.loads(b)["type"] == kind]


@pytest.fixture(scope="module")
def stack():
    s = start_stack(extra_env={"TANDEM_ALLOW_PRIVATE_WEBHOOKS": "1", "TANDEM_TIMER_INTERVAL": "2"})
    yield s
    stop_stack(s)


@pytest.fixture(scope="module")
def world(stack):
    return build_world(stack.base, prefix="hooks")


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def _item(w, title: str) -> str:
    types = w.admin.get("/v1/item-types")["items"]
    ticket = next(t for t in types if t["kind"] == "ticket")
    return w.admin.post("/v1/items", {"type_id": ticket["id"], "title": title})["ref"]


def _subscribe(w, receiver: Receiver) -> dict:
    hook = w.admin.post("/v1/hooks", {"target_url": receiver.url, "event": "item.created"})
    receiver.secret = hook["secret"]
    return hook


def test_signed_delivery_retry_gone_and_unsubscribe_on_the_local_stack(world, receiver):
    w = world
    # Given a subscription of a receiver on 127.0.0.1
    hook = _subscribe(w, receiver)
    # When an item is created, Then one delivery arrives and its signature verifies
    ref = _item(w, "Hooked on the local stack")
    got = wait_for(lambda: [g for g in receiver.of_type("item.created") if g[1]["data"]["ref"] == ref], 30)
    assert len(got) == 1 and got[0][2], got
    # When the receiver answers 500, Then the retry (after ~5 s, on a timers tick) carries the same webhook-id
    receiver.script = [500]
    ref2 = _item(w, "Retried")

    def attempts():
        return [g for g in receiver.of_type("item.created") if g[1]["data"]["ref"] == ref2]

    first, retry = wait_for(lambda: attempts() if len(attempts()) >= 2 else None, 60)[:2]
    assert first[0]["webhook-id"] == retry[0]["webhook-id"] and retry[2]
    log = w.admin.get(f"/v1/hooks/{hook['id']}/deliveries")["items"]
    mine = next(d for d in log if d["id"] == first[0]["webhook-id"])
    assert [a["response_code"] for a in mine["attempts"]] == [500, 200] and mine["state"] == "succeeded"
    # When the receiver answers 410, Then the subscription is removed
    receiver.script = [410]
    _item(w, "Gone")
    wait_for(lambda: not w.admin.get("/v1/hooks")["items"], 30)
    # When a new subscription is deleted, Then nothing more arrives
    again = _subscribe(w, receiver)
    w.admin.call("DELETE", f"/v1/hooks/{again['id']}")
    before = len(receiver.got)
    _item(w, "After unsubscribing")
    time.sleep(6)
    assert len(receiver.got) == before


@pytest.mark.browser
def test_the_hooks_screen_shows_the_delivery_log_and_redelivers(stack, world, receiver):
    w = world
    with chromium() as browser:
        context = new_context(browser)
        sign_in_context(context, w.base, w.slug, w.ids["admin"]["email"])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{w.app}#/admin/hooks")
        # When the admin subscribes the receiver through the form, Then the secret is shown once
        page.get_by_label("Target URL").fill(receiver.url)
        page.get_by_role("button", name="Subscribe").click()
        notice = page.get_by_role("status").filter(has_text="whsec_")
        notice.wait_for()
        receiver.secret = "whsec_" + notice.inner_text().split("whsec_", 1)[1].strip()
        ref = _item(w, "Seen in the log")
        wait_for(lambda: [g for g in receiver.of_type("item.created") if g[1]["data"]["ref"] == ref], 30)
        # When the admin opens the delivery log and presses Redeliver, Then the receiver gets it again, same id
        card = page.locator("li[data-hook]").filter(has_text=receiver.url)
        card.get_by_role("button", name="Delivery log").click()
        row = card.locator("tr[data-delivery]").first
        row.wait_for()
        delivery_id = row.get_attribute("data-delivery")
        before = len(receiver.got)
        row.get_by_role("button", name="Redeliver").click()
        page.get_by_role("status").filter(has_text="Redelivered").wait_for()
        assert len(receiver.got) == before + 1 and receiver.got[-1][0]["webhook-id"] == delivery_id
        assert receiver.got[-1][2]  # signed with the secret the screen showed
        assert not errors, errors
        context.close()
