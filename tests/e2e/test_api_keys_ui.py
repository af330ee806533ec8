"""The workspace's API keys screen in Debian chromium against the real local stack.

Given an agency admin signed in, when they create a key with a scope, then the key is shown once (with a copy
button and the warning), it works as a bearer credential, the list never shows it again, and revoking it (after
a confirmation) stops it.
"""

from __future__ import annotations

import pytest

from e2e.portal_helpers import (
    ApiFailure,
    Client,
    build_world,
    new_context,
    settle,
    sign_in_context,
)
from e2e.test_portal import Watch, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def world(stack):
    return build_world(stack.base, prefix="keys")


def test_admin_creates_sees_once_and_revokes_an_api_key(world, browser):
    context = new_context(browser)
    sign_in_context(context, world.base, world.slug, world.ids["admin"]["email"])
    watch = Watch()
    page = open_page(context, f"{world.app}#/admin/keys", watch)
    settle(page)
    # When the admin creates a key with the items:read scope
    page.get_by_label("Name").fill("Zapier")
    page.get_by_label("items:read", exact=False).check()
    page.get_by_role("button", name="Create key").click()
    shown = page.get_by_test_id("new-key")
    shown.wait_for()
    # Then the key is shown once, with a copy button and the warning
    key = page.get_by_role("textbox", name="API key", exact=True).input_value()
    assert key.startswith("tdk_")
    assert "you will not see it again" in shown.inner_text()
    page.get_by_role("button", name="Copy key").click()
    page.get_by_role("status").filter(has_text="cop").first.wait_for()
    # and it works as a credential with the name it was given
    assert Client(world.base, key).get("/v1/auth/test") == {"tenant": world.slug, "name": "Zapier"}
    # When the page is opened again, the list shows the key's prefix, never the key
    page.goto(f"{world.app}#/admin/types")
    page.goto(f"{world.app}#/admin/keys")
    settle(page)
    row = page.locator("tr", has_text="Zapier")
    row.wait_for()
    assert key not in page.content()
    assert "items:read" in row.inner_text()
    # When the admin revokes it (and confirms), then it stops working
    row.get_by_role("button", name="Revoke key Zapier").click()
    page.get_by_text("Key “Zapier” revoked.").wait_for()
    assert any("Revoke" in d for d in watch.dialogs)
    with pytest.raises(ApiFailure) as failure:
        Client(world.base, key).get("/v1/auth/test")
    assert failure.value.status == 401
    assert not watch.errors
    context.close()
