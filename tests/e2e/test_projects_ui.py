"""Projects in the workspace (issue 15), in Debian chromium against the local stack: asking to join a project and a
manager approving it, sharing several projects with several people in one dialog, and a project's folders.

Every page is watched (tests/e2e/conftest.py): an uncaught script error or a console error fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e.portal_helpers import PASSWORD, ApiFailure, build_world, open_app, outbox, screenshot, settle, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def world(stack):
    return build_world(stack.base, prefix="projects")


def _agent(world: Any, key: str, name: str) -> dict:
    email = f"{key}@{world.slug}.example"
    user = world.admin.post("/v1/users", {"email": email, "name": name, "role": "agent", "password": PASSWORD})
    world.ids[key] = user
    return user


def test_an_agent_asks_to_join_a_manager_approves_in_the_ui_and_the_agent_then_sees_its_items(world, browser):
    project = world.ids["project1"]
    # Given Jo, an agent in no project, and Max, an agent who manages Project1, which holds a ticket
    jo, max_ = _agent(world, "jo", "Jo Joiner"), _agent(world, "max", "Max Manager")
    world.admin.patch(f"/v1/projects/{project['id']}", {"managers": [max_["id"]]})
    item = world.admin.post("/v1/items", {"type_id": world.ids["support_type"]["id"], "title": "Brochure reprint",
                                          "project_id": project["id"], "requester": world.ids["alice"]["id"]})
    jo_api = world.client("jo")
    with pytest.raises(ApiFailure) as hidden:
        jo_api.get(f"/v1/items/{item['ref']}")
    assert hidden.value.status == 404

    # When Jo opens the projects screen and asks to join Project1
    page = open_app(world, browser, "/projects", who="jo")
    joinable = page.get_by_role("region", name="Projects you can join")
    joinable.get_by_role("button", name="Ask to join: Project1").click()
    joinable.get_by_role("status").filter(has_text="Request sent").wait_for()
    assert joinable.get_by_role("button", name="Request sent: Project1").is_disabled()

    # Then Max is told by mail (the stream of the local stack's table), finds the request and approves it
    def mailed(to: str, subject: str) -> bool:
        return any(m["to"] == [to] and m["subject"] == subject for m in outbox(world.base))

    wait_for(lambda: mailed(max_["email"], "Jo Joiner asks to join Project1"))
    manager = open_app(world, browser, f"/projects/{project['id']}", who="max")
    requests = manager.get_by_role("region", name="Join requests")
    requests.get_by_text("Jo Joiner").wait_for()
    screenshot(manager, "project-join-requests")
    requests.get_by_role("button", name="Approve Jo Joiner").click()
    manager.get_by_role("status").filter(has_text="Jo Joiner's request approved.").wait_for()
    assert manager.get_by_role("region", name="Join requests").get_by_text("No pending requests.").is_visible()

    # And Jo is a member: the API has him, and his item list of the project shows its ticket
    assert f"user:{jo['id']}" in world.admin.get(f"/v1/projects/{project['id']}")["members"]
    assert jo_api.get(f"/v1/items/{item['ref']}")["title"] == "Brochure reprint"
    listed = open_app(world, browser, f"/list?project_id={project['id']}", who="jo")
    listed.get_by_role("link", name="Brochure reprint").wait_for()
    requests_of_jo = jo_api.get(f"/v1/projects/{project['id']}/join-requests")["items"]
    assert [(r["state"], r["decided_by"]) for r in requests_of_jo] == [("approved", max_["id"])]
    wait_for(lambda: mailed(jo["email"], "Your request to join Project1 was approved"))
    notes = wait_for(lambda: jo_api.get("/v1/notifications")["items"])
    told = [(n["kind"], n["item_title"], n["project_id"]) for n in notes]
    assert told == [("join_approved", "Project1", project["id"])]


def test_an_admin_shares_three_projects_with_two_people_in_one_dialog(world, browser):
    # Given two agents in none of three projects
    pat, quinn = _agent(world, "pat", "Pat Partner"), _agent(world, "quinn", "Quinn Quill")
    names = ["Project1", "Incoming tickets (B)", "Incoming tickets"]
    ids = {p["name"]: p["id"] for p in world.admin.get("/v1/projects")["items"]}
    page = open_app(world, browser, "/admin/projects", who="admin")

    # When the admin opens "Share projects", picks the three projects and the two people as members, and shares
    page.get_by_role("button", name="Share projects").click()
    dialog = page.get_by_role("dialog", name="Share projects")
    dialog.get_by_label("Projects", exact=True).select_option(label=names)
    dialog.get_by_label("Members (users and teams)").select_option(label=["Pat Partner", "Quinn Quill"])
    screenshot(page, "projects-share-dialog")
    dialog.get_by_role("button", name="Share", exact=True).click()

    # Then the screen says what was added, and every project has both as members
    page.get_by_role("status").filter(has_text="Shared 3 projects: 6 memberships added.").wait_for()
    settle(page)
    for name in names:
        members = world.admin.get(f"/v1/projects/{ids[name]}")["members"]
        assert {f"user:{pat['id']}", f"user:{quinn['id']}"} <= set(members), (name, members)


def test_an_agent_files_an_item_in_a_sub_folder_and_the_list_shows_that_folders_items(world, browser):
    project = world.ids["project1"]
    ticket = world.ids["support_type"]["id"]
    filed = world.admin.post("/v1/items", {"type_id": ticket, "title": "Logo drafts", "project_id": project["id"]})
    world.admin.post("/v1/items", {"type_id": ticket, "title": "Unfiled request", "project_id": project["id"]})
    # When Andy (a member through his team) creates a folder and a sub-folder in the project's list
    page = open_app(world, browser, f"/list?project_id={project['id']}", who="agent")
    panel = page.get_by_role("region", name="Folders")
    panel.get_by_label("Folder name").fill("Design")
    panel.get_by_role("button", name="Create folder").click()
    panel.get_by_role("status").filter(has_text="Folder Design created.").wait_for()
    panel.get_by_label("Folder name").fill("Drafts")
    panel.get_by_label("Inside").select_option(label="Design")
    panel.get_by_role("button", name="Create folder").click()
    panel.get_by_role("status").filter(has_text="Folder Drafts created.").wait_for()

    # And files the first item in Drafts with the folder picker of its page
    item_page = open_app(world, browser, f"/items/{filed['ref']}", who="agent")
    item_page.get_by_label("Folder", exact=True).select_option(label="\u00a0\u00a0└ Drafts")
    item_page.get_by_role("button", name="Save changes").click()
    item_page.get_by_role("status").filter(has_text="Saved.").wait_for()
    folders = world.admin.get(f"/v1/projects/{project['id']}/folders")["items"]
    drafts = next(f for f in folders if f["name"] == "Drafts")
    assert world.admin.get(f"/v1/items/{filed['ref']}")["folder_id"] == drafts["id"]

    # Then the Drafts link of the list's folder tree lists that item only
    page = open_app(world, browser, f"/list?project_id={project['id']}", who="agent")
    page.get_by_role("navigation", name="Folders of this project").get_by_role("link", name="Drafts").click()
    page.get_by_role("link", name="Logo drafts").wait_for()
    settle(page)
    assert page.get_by_role("link", name="Unfiled request").count() == 0
    screenshot(page, "project-folders")
