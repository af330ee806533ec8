"""The admin names a project's managers on its page (issue 13), in Debian chromium against the local stack; the API
then has them, and the new manager decides the project's timesheets.

Every page is watched (tests/e2e/conftest.py): an uncaught script error or a console error fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e.portal_helpers import ApiFailure, build_world, new_context, screenshot, settle, sign_in_context

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def world(stack):
    return build_world(stack.base, prefix="managers")


def project_page(world: Any, browser: Any, project_id: str) -> Any:
    """The admin's page of one project, once its requests settled."""
    context = new_context(browser)
    sign_in_context(context, world.base, world.slug, world.ids["admin"]["email"])
    page = context.new_page()
    page.goto(f"{world.app}#/admin/projects/{project_id}")
    page.get_by_role("heading", name="Project: Project1").wait_for()
    settle(page)
    return page


def test_an_admin_makes_an_agent_the_manager_of_a_project_who_then_approves_its_time(world, browser):
    project_id = world.ids["project1"]["id"]
    andy = world.ids["agent"]
    path = f"/v1/projects/{project_id}"
    # Given Project1 without managers, and Andy (a member through his team) unable to decide on its time
    assert world.admin.get(path)["managers"] == []
    agent = world.client("agent")
    item = world.admin.post("/v1/items", {"type_id": world.ids["support_type"]["id"], "title": "Timed work",
                                          "project_id": project_id, "requester": world.ids["alice"]["id"]})
    sheet = world.admin.post("/v1/timesheets", {"item_ref": item["ref"], "date": "2026-03-02", "minutes": 25})
    world.admin.post(f"/v1/timesheets/{sheet['id']}/submit")
    with pytest.raises(ApiFailure) as refused:
        agent.post(f"/v1/timesheets/{sheet['id']}/approve")
    assert refused.value.status == 403
    page = project_page(world, browser, project_id)
    managers = page.get_by_role("region", name="Managers")
    assert managers.get_by_text("Nobody yet.").is_visible()

    # When the admin picks Andy in the Managers picker and adds him
    page.get_by_label("Add manager").select_option(label="Andy Agent")
    page.get_by_role("button", name="Add manager").click()
    page.get_by_role("status").filter(has_text="Andy Agent added.").wait_for()

    # Then the page lists him, the API has him as the project's only manager, and he approves the sheet
    assert page.get_by_role("region", name="Managers").get_by_text("Andy Agent").is_visible()
    assert world.admin.get(path)["managers"] == [andy["id"]]
    screenshot(page, "admin-project-managers")
    queue = agent.get("/v1/timesheets?state=submitted&approvable=true")["items"]
    assert [s["id"] for s in queue] == [sheet["id"]]
    assert agent.post(f"/v1/timesheets/{sheet['id']}/approve")["state"] == "approved"

    # When the admin removes him again, the API has no manager left
    page.get_by_role("button", name="Remove Andy Agent from managers").click()
    page.get_by_role("status").filter(has_text="Andy Agent removed.").wait_for()
    assert world.admin.get(path)["managers"] == []
