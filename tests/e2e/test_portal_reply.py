"""A customer's reply in the portal moves a waiting ticket the way an email reply does (one rule of the domain).

Given a ticket an agent put in "Waiting on customer", when its requester answers in the portal (a real browser),
then the ticket leaves the waiting category, and the activity says the customer's reply moved it."""

from __future__ import annotations

import pytest

from e2e.portal_helpers import build_world, new_context, settle, sign_in_context, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def world(stack):
    return build_world(stack.base, prefix="reply")


def test_portal_reply_moves_a_waiting_ticket_out_of_waiting(world, browser):
    item = world.admin.post(
        "/v1/items",
        {"kind": "ticket", "type_id": world.ids["support_type"]["id"], "title": "Printer on fire",
         "requester": world.ids["alice"]["id"]},
    )
    waiting = world.admin.patch(f"/v1/items/{item['ref']}", {"status": "waiting"})
    assert waiting["status_category"] == "waiting"

    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids["alice"]["email"])
    page = ctx.new_page()
    page.goto(f"{world.portal}#/items/{item['ref']}")
    form = page.get_by_role("form", name="Reply")
    form.get_by_label("Your reply").fill("It is out now, thanks.")
    form.get_by_role("button", name="Send reply").click()
    page.get_by_text("Reply sent.").wait_for()
    settle(page)

    after = wait_for(lambda: (i := world.admin.get(f"/v1/items/{item['ref']}"))["status_category"] != "waiting" and i)
    assert after["status"] != "waiting"
    assert after["status_category"] == "open"
    ctx.close()
