"""Module switches in the browser (issue 15): an admin switches each module off in Admin → Settings, its screens
and nav entries leave the workspace (and the portal's or widget's tabs), its addresses say it is off; switched on
again, everything is back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.portal_helpers import build_world, new_context, open_app, screenshot, settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(stack):
    return build_world(stack.base, require_login=False, prefix="mods")


def _switch(page, label: str, on: bool) -> None:
    """Flip one switch of the Modules form and save it."""
    form = page.get_by_role("form", name="Modules")
    form.get_by_role("switch", name=label).set_checked(on)
    form.get_by_role("button", name="Save modules").click()
    # Saved once the screen is drawn again with its message (its tabs follow the switches)
    expect(page.get_by_role("form", name="Modules").get_by_text("Modules saved.")).to_be_visible()
    expect(page.get_by_role("form", name="Modules").get_by_role("switch", name=label)).to_be_checked(checked=on)


def _links(nav, *names: str, count: int) -> None:
    for name in names:
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_count(count)


def _says_off(page, world, route: str, sentence: str) -> None:
    page.goto(f"{world.app}#{route}")
    page.get_by_text(sentence).wait_for()


# What each module takes away: (its switch, workspace nav links, admin tabs, a route and what that route says).
MODULES = [
    ("Tasks", ("Gantt", "Calendar"), (), "/gantt", "Tasks are switched off"),
    ("Time tracking", ("Time", "Reports"), (), "/time", "Time tracking is switched off"),
    ("Integrations", (), ("Hooks", "Inbound webhooks", "API keys"), "/admin/keys", "Integrations are switched off"),
    ("Customer portal", (), ("Portal settings",), "/admin/portal", "The customer portal is switched off"),
    ("Knowledge base", ("Knowledge base",), (), "/kb", "The knowledge base is switched off"),
]


@pytest.mark.parametrize(("label", "nav_links", "tabs", "route", "sentence"), MODULES, ids=[m[0] for m in MODULES])
def test_a_module_switched_off_leaves_the_workspace_and_comes_back_when_on(world, browser, label, nav_links, tabs,
                                                                          route, sentence):
    page = open_app(world, browser, "/admin/modules", who="admin")
    workspace = page.get_by_role("navigation", name="Workspace")
    admin_tabs = page.get_by_role("navigation", name="Admin sections")
    _links(workspace, *nav_links, count=1)
    _links(admin_tabs, *tabs, count=1)
    if label == "Tasks":
        screenshot(page, "admin-modules")
    # When the admin switches the module off in the Modules screen
    _switch(page, label, False)
    # Then its nav links and admin tabs are gone, and its address says it is switched off
    _links(workspace, *nav_links, count=0)
    _links(page.get_by_role("navigation", name="Admin sections"), *tabs, count=0)
    _says_off(page, world, route, sentence)
    screenshot(page, f"module-off-{label.lower().replace(' ', '-')}")
    # When it is switched on again, everything is back
    page.goto(f"{world.app}#/admin/modules")
    _switch(page, label, True)
    _links(workspace, *nav_links, count=1)
    _links(page.get_by_role("navigation", name="Admin sections"), *tabs, count=1)
    page.goto(f"{world.app}#{route}")
    settle(page)
    assert page.get_by_text(sentence).count() == 0
    page.context.close()


def test_tasks_off_leaves_only_tickets_in_the_kind_pickers(world, browser):
    page = open_app(world, browser, "/admin/modules", who="admin")
    _switch(page, "Tasks", False)
    try:
        page.goto(f"{world.app}#/new")
        kind = page.get_by_role("form", name="New item").get_by_label("Kind")
        expect(kind.locator("option")).to_have_count(1)
        assert kind.locator("option").inner_text() == "Ticket"
        _says_off(page, world, "/list?kind=task", "Tasks are switched off")
    finally:
        page.goto(f"{world.app}#/admin/modules")
        _switch(page, "Tasks", True)
    page.goto(f"{world.app}#/new")
    expect(page.get_by_role("form", name="New item").get_by_label("Kind").locator("option")).to_have_count(2)
    page.context.close()


def test_live_chat_switched_on_adds_its_nav_entry_and_off_removes_it(world, browser):
    page = open_app(world, browser, "/admin/modules", who="admin")
    workspace = page.get_by_role("navigation", name="Workspace")
    _links(workspace, "Chats", count=0)
    _switch(page, "Live chat", True)
    expect(workspace.get_by_role("link", name="Chats")).to_have_count(1)
    _switch(page, "Live chat", False)
    expect(workspace.get_by_role("link", name="Chats")).to_have_count(0)
    page.context.close()


def test_the_portal_and_the_widget_follow_the_switches(world, browser):
    admin = world.admin
    visitor = new_context(browser).new_page()
    try:
        # Given the portal off and live chat on
        admin.patch("/v1/settings", {"modules": {"portal": False, "chat": True}})
        # Then the portal says it is not available, and the widget keeps only its Chat tab
        visitor.goto(world.portal)
        visitor.get_by_text("This help desk's portal is not available").wait_for()
        visitor.goto(f"{world.base}/v1/public/{world.slug}/widget")
        tabs = visitor.get_by_role("navigation", name="Portal")
        expect(tabs.get_by_role("link", name="Chat")).to_have_count(1)
        _links(tabs, "New request", "Help", count=0)
        screenshot(visitor, "module-off-portal-widget")
        # Given the portal on again and the knowledge base off
        admin.patch("/v1/settings", {"modules": {"portal": True, "chat": False, "knowledge_base": False}})
        visitor.goto(f"{world.base}/v1/public/{world.slug}/widget")
        tabs = visitor.get_by_role("navigation", name="Portal")
        # Then the widget's forms are back, without Help and Chat
        expect(tabs.get_by_role("link", name="New request")).to_have_count(1)
        _links(tabs, "Help", "Chat", count=0)
        # And with everything on, the Help tab is back
        admin.patch("/v1/settings", {"modules": {"knowledge_base": True}})
        visitor.goto(world.portal)
        _links(visitor.get_by_role("navigation", name="Portal"), "Help centre", count=1)
    finally:
        admin.patch("/v1/settings", {"modules": {"portal": True, "chat": False, "knowledge_base": True}})
        visitor.context.close()
