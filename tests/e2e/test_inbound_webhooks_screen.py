"""The workspace's inbound webhooks screen in Debian chromium against the real local stack.

Given an agency tenant with a "Shop problem" item type, the admin builds an endpoint on the screen (mapping with a
live preview of the item a sample JSON would become), copies the URL shown once, and a post to that URL becomes an
item; rotating gives a new URL and the old one stops working; deleting removes the endpoint.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from e2e.portal_helpers import (
    build_world,
    chromium,
    new_context,
    screenshot,
    sign_in_context,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _post(url: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def test_admin_creates_an_endpoint_with_a_preview_posts_to_it_rotates_and_deletes(stack):
    world = build_world(stack.base, prefix="inb")
    form = {"fields": [{"key": "order_id", "type": "text", "label": "Order"}]}
    world.admin.post("/v1/item-types", {"name": "Shop problem", "kind": "ticket", "form": form})
    errors: list[str] = []
    with chromium() as browser:
        ctx = new_context(browser)
        sign_in_context(ctx, world.base, world.slug, world.ids["admin"]["email"])
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: d.accept())  # rotate and delete ask for confirmation
        page.goto(f"{world.app}#/admin/inbound")
        page.get_by_role("heading", name="Inbound webhooks").wait_for()

        # When the admin fills the form, the preview shows the item the sample JSON would become
        new = page.get_by_role("form", name="New inbound webhook")
        new.get_by_label("Name").fill("Shop")
        new.get_by_label("Item type").select_option(label="Shop problem")
        new.get_by_label("Title path").fill("$.issue.summary")
        new.get_by_label("Requester email path").fill('$.customer["contact email"]')
        new.get_by_label("Field “Order” path").fill("$.order.id")
        preview = new.get_by_label("Preview of the item")
        assert '"title": "Payment failed"' in preview.text_content()
        assert '"order_id": "A-1001"' in preview.text_content()
        assert '"requester": "buyer@example.com"' in preview.text_content()
        # A path the API would refuse is named in the preview before anything is sent
        new.get_by_label("Title path").fill("issue.summary")
        assert "title: must start with $" in preview.text_content()
        new.get_by_label("Title path").fill("$.issue.summary")
        new.get_by_role("button", name="Create endpoint").click()

        # Then the URL is shown once, with a copy button
        url_input = page.get_by_label("URL of Shop", exact=True)
        url_input.wait_for()
        url = url_input.input_value()
        assert "/v1/public/inbound/" in url
        page.get_by_role("button", name="Copy").click()
        page.get_by_role("button", name="Copied").wait_for()
        screenshot(page, "inbound-webhooks")

        # And posting the sample to it creates the mapped item
        status, body = _post(url, {"issue": {"summary": "Payment failed"}, "order": {"id": "A-1001"},
                                   "customer": {"contact email": "buyer@example.com"}})
        assert status == 202, body
        item = world.admin.get(f"/v1/items/{body['ref']}")
        assert item["title"] == "Payment failed" and item["fields"] == {"order_id": "A-1001"}

        # When the admin rotates the URL, the old one is 404 and the new one works
        row = page.get_by_role("row", name=re.compile("Shop"))
        assert url.rsplit(".", 1)[1] not in row.text_content() + (row.locator("input").input_value())
        row.get_by_role("button", name="Rotate the URL of Shop").click()
        rotated = page.get_by_label("URL of Shop", exact=True)
        page.wait_for_function("u => document.querySelector('[aria-label=\"URL of Shop\"]')?.value !== u", arg=url)
        new_url = rotated.input_value()
        assert new_url != url
        assert _post(url, {"issue": {"summary": "x"}})[0] == 404
        assert _post(new_url, {"issue": {"summary": "x"}})[0] == 202

        # And deleting removes the row and the URL
        page.get_by_role("button", name="Delete Shop").click()
        page.get_by_text("Shop deleted.").wait_for()
        assert page.get_by_role("row", name=re.compile("Shop")).count() == 0
        assert _post(new_url, {"issue": {"summary": "x"}})[0] == 404
        ctx.close()
    assert not errors, errors
