"""The agent's *New item* screen in Debian chromium: the type's own fields and the requester.

Given a ticket type with a required "Order number" field, an agent who picks that type sees the
field; the browser refuses to send the form without it (and so does the API, whose 422 lands next
to the field); with it and a chosen customer, the item is made with the answer and that requester.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e.portal_helpers import build_world, new_context, settle, sign_in_context

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def world(stack):
    w = build_world(stack.base, prefix="newitem")
    w.ids["order_type"] = w.admin.post(
        "/v1/item-types",
        {
            "name": "Hardware order",
            "kind": "ticket",
            "defaults": {"project_id": w.ids["incoming"]["id"]},
            "form": {"fields": [{"key": "order_number", "label": "Order number", "type": "text", "required": True}]},
        },
    )
    return w


def open_new_item(world: Any, browser: Any) -> Any:
    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids["agent"]["email"])
    page = ctx.new_page()
    page.goto(f"{world.app}#/new")
    page.get_by_role("form", name="New item").wait_for()
    settle(page)
    return page


def titled(world: Any, title: str) -> list[dict]:
    return [i for i in world.admin.get("/v1/items?kind=ticket&limit=200")["items"] if i["title"] == title]


def test_picking_a_type_shows_its_fields_and_a_missing_required_answer_creates_nothing(world, browser):
    # Given an agent on New item
    page = open_new_item(world, browser)
    form = page.get_by_role("form", name="New item")
    # When the agent picks the type with a required "Order number"
    form.get_by_label("Type").select_option(world.ids["order_type"]["id"])
    order = form.get_by_label("Order number")
    order.wait_for()
    # And submits a title without answering it
    form.get_by_label("Title").fill("Laptop without an order number")
    form.get_by_role("button", name="Create").click()
    settle(page)
    # Then the field says it is required and nothing was created
    assert order.get_attribute("aria-invalid") == "true"
    assert "required" in page.locator(f"#{order.get_attribute('id')}-error").inner_text().lower()
    assert titled(world, "Laptop without an order number") == []
    page.context.close()


def test_api_required_field_error_is_shown_next_to_the_field(world, browser):
    # Given an agent on New item with the order type picked, and the browser check bypassed
    page = open_new_item(world, browser)
    form = page.get_by_role("form", name="New item")
    form.get_by_label("Type").select_option(world.ids["order_type"]["id"])
    order = form.get_by_label("Order number")
    order.wait_for()
    page.evaluate("""() => {
      // Only the API can refuse now: pretend the browser check passed by sending a blank answer.
      const orig = window.fetch;
      window.fetch = (url, init) => {
        if (init && init.method === 'POST' && String(url).endsWith('/v1/items')) {
          const body = JSON.parse(init.body); body.fields = {order_number: ''};
          init = {...init, body: JSON.stringify(body)};
        }
        return orig(url, init);
      };
    }""")
    order.fill("temporary")
    form.get_by_label("Title").fill("Refused by the API")
    # When the form is sent and the API answers 422
    form.get_by_role("button", name="Create").click()
    page.get_by_role("alert").filter(has_text="invalid").first.wait_for()
    settle(page)
    # Then the API's message sits next to the field and nothing was created
    assert order.get_attribute("aria-invalid") == "true"
    assert "required" in page.locator(f"#{order.get_attribute('id')}-error").inner_text().lower()
    assert titled(world, "Refused by the API") == []
    page.context.close()


def test_answered_fields_and_a_chosen_customer_make_the_item(world, browser):
    # Given an agent on New item with the order type picked
    page = open_new_item(world, browser)
    form = page.get_by_role("form", name="New item")
    form.get_by_label("Type").select_option(world.ids["order_type"]["id"])
    form.get_by_label("Order number").fill("PO-4711")
    form.get_by_label("Title").fill("Laptop for Bob")
    # When the agent finds Bob by typing part of his email and creates the item
    form.get_by_label("Find requester").fill("bob@customer")
    requester = form.get_by_label("Requester", exact=True)
    assert requester.input_value() == world.ids["bob"]["id"]
    form.get_by_role("button", name="Create").click()
    page.wait_for_url("**#/items/*")
    settle(page)
    # Then the item exists with the answer and Bob as its requester
    [item] = titled(world, "Laptop for Bob")
    assert item["fields"] == {"order_number": "PO-4711"}
    assert item["requester"] == world.ids["bob"]["id"]
    page.context.close()


def test_a_type_without_fields_still_creates_as_before(world, browser):
    # Given an agent on New item picking the sign-up's support type (no fields of its own)
    page = open_new_item(world, browser)
    form = page.get_by_role("form", name="New item")
    form.get_by_label("Type").select_option(world.ids["support_type"]["id"])
    settle(page)
    form.get_by_label("Title").fill("Plain request")
    # When it is created without choosing a requester
    form.get_by_role("button", name="Create").click()
    page.wait_for_url("**#/items/*")
    settle(page)
    # Then the item exists with no answers and the agent as requester
    [item] = titled(world, "Plain request")
    assert item.get("fields") in ({}, None)
    assert item["requester"] == world.ids["agent"]["id"]
    page.context.close()
