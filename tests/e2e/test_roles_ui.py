"""Roles in the workspace (issue 15), in Debian chromium against the local stack: an admin creates a custom role of
private notes only on the Roles screen and gives it to an agent on the users screen; that agent's item page then
offers no public reply and no field changes (and the API refuses them), and a change of the role reaches the agent
without signing in again.

Every page is watched (tests/e2e/conftest.py): an uncaught script error or a console error fails the test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.portal_helpers import ApiFailure, build_world, open_app, screenshot, settle

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ROLE = "Private notes only"


@pytest.fixture(scope="module")
def world(stack):
    w = build_world(stack.base, prefix="roles")
    w.ids["item"] = w.admin.post("/v1/items", {"type_id": w.ids["support_type"]["id"], "title": "Printer on fire",
                                               "project_id": w.ids["project1"]["id"],
                                               "requester": w.ids["alice"]["id"]})
    return w


def create_role(page: Any) -> str:
    """On the Roles screen: a new role with the directory and private notes; returns its id (from the URL)."""
    form = page.get_by_role("form", name="New role")
    form.get_by_label("Name").fill(ROLE)
    form.get_by_label("Description").fill("Collaborators who write private notes")
    form.get_by_role("checkbox", name=re.compile(r"^directory\.read")).check()
    form.get_by_role("checkbox", name=re.compile(r"^items\.note")).check()
    form.get_by_role("button", name="Create role").click()
    page.get_by_role("heading", name=f"Role: {ROLE}").wait_for()
    settle(page)
    return page.url.rsplit("/", 1)[1]


def test_an_agent_given_a_role_of_private_notes_only_may_not_reply_publicly_or_change_fields(world, browser):
    andy, ref = world.ids["agent"], world.ids["item"]["ref"]
    # Given the admin on the Roles screen, where the five built-ins are listed read-only
    admin = open_app(world, browser, "/admin/roles", who="admin")
    roles = admin.get_by_role("table", name="Roles")
    for name in ("Admin", "Agent", "Light agent", "Project manager", "Billing"):
        assert roles.get_by_role("link", name=name, exact=True).is_visible()

    # When she creates a role of private notes only and gives it to Andy on his user page
    role_id = create_role(admin)
    assert admin.get_by_role("checkbox", name=re.compile(r"^items\.reply")).is_checked() is False
    screenshot(admin, "admin-role-editor")
    admin.goto(f"{world.app}#/admin/users/{andy['id']}")
    admin.get_by_role("heading", name="User: Andy Agent").wait_for()
    settle(admin)
    profile = admin.get_by_role("form", name="Profile")
    profile.get_by_label("Role").select_option(label=f"{ROLE} (custom, agent)")
    profile.get_by_role("button", name="Save profile").click()
    admin.get_by_text("Saved.").wait_for()
    assert world.admin.get(f"/v1/users/{andy['id']}")["role_id"] == role_id

    # Then Andy's item page offers a private note only: no public reply, no field form, no "Assign to me"
    page = open_app(world, browser, f"/items/{ref}", who="agent")
    composer = page.get_by_role("form", name="Write a message")
    assert composer.get_by_role("button", name="Add private note").is_visible()
    assert composer.get_by_label("Public reply (customer sees it, emailed)").count() == 0
    assert page.get_by_role("form", name="Item fields").count() == 0
    assert page.get_by_role("button", name="Assign to me").count() == 0
    composer.get_by_label("Message").fill("Checked the printer: it was the toner.")
    composer.get_by_role("button", name="Add private note").click()
    page.get_by_text("Private note added.").wait_for()
    screenshot(page, "item-private-notes-only")
    # and the API refuses what the page does not offer
    agent = world.client("agent")
    for refused in (lambda: agent.patch(f"/v1/items/{ref}", {"priority": "high"}),
                    lambda: agent.post(f"/v1/items/{ref}/messages", {"body": "hi", "visibility": "public"})):
        with pytest.raises(ApiFailure) as caught:
            refused()
        assert caught.value.status == 403
    notes = [m for m in world.admin.get(f"/v1/items/{ref}/messages")["items"] if m["author"] == andy["id"]]
    assert [(m["visibility"], m["body"]) for m in notes] == [("private", "Checked the printer: it was the toner.")]

    # When the admin grants public replies to the role, Andy's next page (same session) offers them
    world.admin.patch(f"/v1/roles/{role_id}", {"privileges": ["directory.read", "items.note", "items.reply"]})
    page.reload()
    page.get_by_role("heading", name="Printer on fire").wait_for()
    settle(page)
    assert page.get_by_role("form", name="Write a message").get_by_label(
        "Public reply (customer sees it, emailed)").is_visible()
    assert page.get_by_role("form", name="Item fields").count() == 0  # still no items.edit


def test_built_in_roles_are_read_only_on_their_page(world, browser):
    page = open_app(world, browser, "/admin/roles/billing", who="admin")
    page.get_by_role("heading", name="Role: Billing").wait_for()
    assert page.get_by_text("A built-in role: read-only.").is_visible()
    assert page.get_by_role("checkbox", name=re.compile(r"^time\.read_all")).is_checked()
    assert page.get_by_role("checkbox", name=re.compile(r"^time\.read_all")).is_disabled()
    assert page.get_by_role("button", name="Save role").count() == 0
