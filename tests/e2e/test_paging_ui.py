""""Load more" in the workspace list, the portal's "My requests" and the widget, in Debian chromium.

Given more items than one page (60, pages of 50), each list shows the first page, one click adds
exactly the next page with no row twice, and then the button is gone.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e.portal_helpers import build_world, new_context, settle, sign_in_context

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TOTAL = 60


@pytest.fixture(scope="module")
def world(stack):
    w = build_world(stack.base, prefix="paging")
    for n in range(TOTAL):
        w.admin.post(
            "/v1/items",
            {"kind": "ticket", "type_id": w.ids["support_type"]["id"], "title": f"Paged request {n:02d}",
             "requester": w.ids["alice"]["id"]},
        )
    return w


def page_to_the_end(page: Any, rows: Any) -> None:
    """First page of 50, one click for the last 10, no duplicates, no button left."""
    more = page.get_by_role("button", name="Load more")
    rows.nth(49).wait_for()
    settle(page)
    assert rows.count() == 50
    assert more.is_visible()
    more.click()
    rows.nth(TOTAL - 1).wait_for()
    settle(page)
    refs = rows.evaluate_all("rs => rs.map(r => r.textContent)")
    assert len(refs) == TOTAL
    assert len(set(refs)) == TOTAL, "a row was shown twice"
    assert not more.is_visible()
    assert more.count() == 0 or more.is_hidden()


def test_workspace_list_pages_to_the_end_without_duplicates(world, browser):
    # Given an agent signed in to the workspace with 60 items to see
    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids["agent"]["email"])
    page = ctx.new_page()
    # When the item list opens and "Load more" is clicked once
    page.goto(f"{world.app}#/list")
    # Then the 60 items are there once each and nothing more is offered
    page_to_the_end(page, page.locator("table.items-table tbody td.ref"))
    ctx.close()


def test_portal_my_requests_pages_to_the_end_without_duplicates(world, browser):
    # Given Alice, the requester of the 60 items, signed in to the portal
    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids["alice"]["email"])
    page = ctx.new_page()
    # When "My requests" opens and "Load more" is clicked once
    page.goto(f"{world.portal}#/requests")
    # Then each request is listed once and the button is gone
    section = page.get_by_role("region", name="Requests I made")
    page_to_the_end(page, section.locator("ul.items > li .ref"))
    ctx.close()


def test_widget_my_requests_pages_to_the_end_without_duplicates(world, browser):
    # Given Alice signed in, opening the widget's panel page
    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids["alice"]["email"])
    page = ctx.new_page()
    # When its "My requests" opens and "Load more" is clicked once
    page.goto(f"{world.base}/v1/public/{world.slug}/widget#/requests")
    # Then the same holds in the widget
    section = page.get_by_role("region", name="Requests I made")
    page_to_the_end(page, section.locator("ul.items > li .ref"))
    ctx.close()
