"""Saved views in the workspace (issue 13) in Debian chromium: saving the list as a private or shared view, who
sees which, the column chooser, grouping, CSV and XLSX downloads with exactly the view's columns, renaming,
changing a view's filters from the list, and deleting.

Given an agency tenant built through the public API with a few tickets and two agents of the support team (Andy
and Bea), each test drives the workspace through accessible roles and labels, and checks the result through the
API or in the downloaded file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import openpyxl
import pytest

from e2e.portal_helpers import PASSWORD, build_world, open_app, screenshot, settle

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def new_item(world: Any, title: str, **extra: Any) -> dict:
    body = {"kind": "ticket", "type_id": world.ids["support_type"]["id"], "title": title,
            "requester": world.ids["alice"]["id"], **extra}
    return world.admin.post("/v1/items", body)


@pytest.fixture(scope="module")
def world(stack):
    w = build_world(stack.base, prefix="views")
    bea = w.admin.post("/v1/users", {"email": "bea@agency.example", "name": "Bea Agent", "role": "agent",
                                     "password": PASSWORD})
    w.ids["bea"] = bea
    team = w.ids["team"]
    w.admin.patch(f"/v1/teams/{team['id']}", {"member_ids": [w.ids["agent"]["id"], bea["id"]]})
    w.ids["urgent"] = new_item(w, "Printer on fire", priority="urgent", due_date="2031-05-01")
    w.ids["low"] = new_item(w, "Mouse squeaks", priority="low")
    w.ids["urgent2"] = new_item(w, "Server room flooded", priority="urgent")
    return w


def save_list_as_view(page: Any, name: str, who_sees: str) -> None:
    """Fill the list's "Save view" form and wait for the new view's page."""
    form = page.get_by_role("form", name="Save view")
    form.get_by_label("View name").fill(name)
    form.get_by_label("Who sees it").select_option(label=who_sees)
    form.get_by_role("button", name="Save view").click()
    page.get_by_role("heading", name=name, level=1).wait_for()
    settle(page)


def views_of(world: Any, who: str) -> dict[str, dict]:
    return {v["name"]: v for v in world.client(who).get("/v1/views?limit=200")["items"]}


def new_view(world: Any, name: str, **fields: Any) -> dict:
    return world.client("agent").post("/v1/views", {"name": name, **fields})


def header(page: Any) -> list[str]:
    return page.locator("table.view-table thead th").all_inner_texts()


# --------------------------------------------------------------------------- sharing


def test_a_shared_view_is_seen_by_another_agent_and_a_private_one_is_not(world, browser):
    # Given Andy on the item list narrowed to tickets
    page = open_app(world, browser, "/list")
    page.get_by_role("form", name="Filters").get_by_label("Kind").select_option(label="Tickets")
    page.wait_for_url(re.compile(r"kind=ticket"))
    settle(page)
    # When he saves it as a view everyone sees, and the plain list as a view only he sees
    save_list_as_view(page, "Tickets for all", "Everyone")
    page.goto(f"{world.app}#/list")
    settle(page)
    save_list_as_view(page, "Andy's own list", "Only me")
    # Then the API stores one shared view with the list's filter and one private view
    mine = views_of(world, "agent")
    assert (mine["Tickets for all"]["shared"], mine["Tickets for all"]["filters"]) == (True, {"kind": "ticket"})
    assert mine["Andy's own list"]["shared"] is False
    page.context.close()

    # When Bea, in the same team, opens the list
    bea = open_app(world, browser, "/list", who="bea")
    views = bea.get_by_role("region", name="Views")
    # Then she sees the shared view, marked shared with its owner, and not the private one
    shared = views.get_by_role("listitem").filter(has=bea.get_by_role("link", name="Tickets for all"))
    assert "Shared by Andy Agent" in shared.inner_text()
    assert views.get_by_role("link", name="Andy's own list").count() == 0
    screenshot(bea, "workspace-views-section")
    # And she can open it but not change it
    shared.get_by_role("link", name="Tickets for all").click()
    bea.get_by_role("heading", name="Tickets for all", level=1).wait_for()
    settle(bea)
    settings = bea.get_by_role("form", name="View settings")
    assert settings.get_by_role("button", name="Save changes").count() == 0
    assert settings.get_by_role("button", name="Delete view").count() == 0
    assert settings.get_by_role("button", name="Save as new view").is_visible()
    # And the private view's address does not open it for her
    private_id = mine["Andy's own list"]["id"]
    bea.goto(f"{world.app}#/views/{private_id}")
    bea.get_by_role("heading", name="View not found").wait_for()
    bea.context.close()


def test_a_view_shared_with_a_team_is_listed_for_its_members_only(world, browser):
    # Given a view Andy shares with a team Bea is not in
    other = world.admin.post("/v1/teams", {"name": "Night shift", "member_ids": [world.ids["agent"]["id"]]})
    page = open_app(world, browser, "/list")
    save_list_as_view(page, "Night shift queue", "Team: Night shift")
    assert views_of(world, "agent")["Night shift queue"]["team_id"] == other["id"]
    assert page.get_by_text("Shared with team Night shift").first.is_visible()
    page.context.close()
    # Then Bea does not see it listed
    bea = open_app(world, browser, "/list", who="bea")
    assert bea.get_by_role("region", name="Views").get_by_role("link", name="Night shift queue").count() == 0
    bea.context.close()


# --------------------------------------------------------------------------- columns and export


def test_chosen_columns_are_shown_and_exported_exactly_to_csv_and_xlsx(world, browser, tmp_path):
    view = new_view(world, "Due dates", filters={"kind": "ticket"})
    page = open_app(world, browser, f"/views/{view['id']}")
    settings = page.get_by_role("form", name="View settings")
    columns = settings.get_by_role("group", name="Columns")
    # When Andy hides two columns, adds the due date and the project, moves the due date before the project
    columns.get_by_label("Assignees", exact=True).uncheck()
    columns.get_by_label("Last activity", exact=True).uncheck()
    columns.get_by_label("Project", exact=True).check()
    columns.get_by_label("Due date", exact=True).check()
    columns.get_by_role("button", name="Move Due date up").click()
    settings.get_by_role("button", name="Save changes").click()
    page.get_by_role("status").filter(has_text="View saved.").wait_for()
    settle(page)
    # Then the view has those columns in that order, and the table shows them
    expected = ["ref", "title", "status", "priority", "due_date", "project_id"]
    assert world.client("agent").get(f"/v1/views/{view['id']}")["columns"] == expected
    assert header(page) == ["Ref", "Title", "Status", "Priority", "Due date", "Project"]
    screenshot(page, "workspace-saved-view")

    # When the view is exported to CSV
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Export CSV").click()
    download = csv_download.value
    # Then the file is named after the view and its header is exactly the view's columns
    assert download.suggested_filename == "Due dates.csv"
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows[0] == expected
    by_ref = {r[0]: r for r in rows[1:]}
    assert by_ref[world.ids["urgent"]["ref"]][4] == "2031-05-01"

    # When it is exported to XLSX
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Export XLSX").click()
    download = xlsx_download.value
    assert download.suggested_filename == "Due dates.xlsx"
    target = tmp_path / "view.xlsx"
    download.save_as(target)
    # Then the sheet's header row is the view's columns too
    sheet = openpyxl.load_workbook(target).active
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == expected
    assert len(table) == len(rows)
    page.get_by_role("status").filter(has_text="Downloaded Due dates.xlsx.").wait_for()
    page.context.close()


def test_grouping_shows_a_heading_per_group_with_its_items(world, browser):
    view = new_view(world, "By priority", filters={"kind": "ticket"}, columns=["ref", "title"])
    page = open_app(world, browser, f"/views/{view['id']}")
    # When Andy groups the view by priority
    settings = page.get_by_role("form", name="View settings")
    settings.get_by_label("Group by").select_option(label="Priority")
    settings.get_by_role("button", name="Save changes").click()
    page.get_by_role("status").filter(has_text="View saved.").wait_for()
    settle(page)
    # Then each priority has a heading naming it and its count, above exactly its items
    assert world.client("agent").get(f"/v1/views/{view['id']}")["group_by"] == "priority"
    urgent = page.get_by_role("rowheader", name=re.compile(r"^Priority: Urgent \(\d+\)$"))
    low = page.get_by_role("rowheader", name=re.compile(r"^Priority: Low \(\d+\)$"))
    urgent.wait_for()
    low.wait_for()
    urgent_refs = page.locator("tbody[data-group='urgent'] td.ref").all_inner_texts()
    assert {world.ids["urgent"]["ref"], world.ids["urgent2"]["ref"]} <= set(urgent_refs)
    assert world.ids["low"]["ref"] not in urgent_refs
    assert urgent.inner_text().strip().endswith(f"({len(urgent_refs)})")
    assert world.ids["low"]["ref"] in page.locator("tbody[data-group='low'] td.ref").all_inner_texts()
    screenshot(page, "workspace-view-grouped")
    page.context.close()


# --------------------------------------------------------------------------- rename, filters, delete


def test_the_owner_renames_changes_the_filters_of_and_deletes_a_view(world, browser):
    view = new_view(world, "Scratch", filters={"kind": "ticket"}, shared=True)
    page = open_app(world, browser, f"/views/{view['id']}")
    # When Andy renames it
    settings = page.get_by_role("form", name="View settings")
    settings.get_by_label("View name").fill("Urgent tickets")
    settings.get_by_role("button", name="Save changes").click()
    page.get_by_role("heading", name="Urgent tickets", level=1).wait_for()
    settle(page)
    assert world.client("agent").get(f"/v1/views/{view['id']}")["name"] == "Urgent tickets"
    # And changes its filters in the list, then saves them to the view
    page.get_by_role("link", name="Change filters").click()
    page.wait_for_url(re.compile(rf"view={view['id']}"))
    settle(page)
    filters = page.get_by_role("form", name="Filters")
    assert filters.get_by_label("Kind").input_value() == "ticket"
    filters.get_by_label("Assignee").select_option(label="Andy Agent")
    filters.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"assignee=user"))
    settle(page)
    page.get_by_role("region", name="Views").get_by_role("button", name="Save filters to “Urgent tickets”").click()
    page.get_by_role("heading", name="Urgent tickets", level=1).wait_for()
    settle(page)
    stored = world.client("agent").get(f"/v1/views/{view['id']}")
    assert stored["filters"] == {"kind": "ticket", "assignee": f"user:{world.ids['agent']['id']}"}
    # When he deletes it, confirming
    settings = page.get_by_role("form", name="View settings")
    settings.get_by_role("button", name="Delete view").click()
    settings.get_by_role("button", name="Yes, delete the view").click()
    page.get_by_role("heading", name="Items").wait_for()
    settle(page)
    # Then it is gone from the API and from the Views section
    assert "Urgent tickets" not in views_of(world, "agent")
    assert page.get_by_role("region", name="Views").get_by_role("link", name="Urgent tickets").count() == 0
    page.context.close()


def test_filters_saved_in_the_browser_before_views_become_private_views(world, browser):
    # Given a filter Andy saved in this browser's storage before views existed (My items, by priority)
    tenant = world.client("agent").get("/v1/me")["tenant"]["id"]
    key = f"tandem.savedFilters.{tenant}"
    page = open_app(world, browser, "/list")
    old = [{"name": "Old urgent", "params": {"queue": "mine", "sort": "-priority"}}]
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, json.dumps(old)])
    page.reload()
    settle(page)
    # When he turns it into a view
    views = page.get_by_role("region", name="Views")
    views.get_by_text("1 filter was saved in this browser only").wait_for()
    views.get_by_role("button", name="Turn them into private views").click()
    views.get_by_role("link", name="Old urgent").wait_for()
    settle(page)
    # Then it is a private view of the same list, and the browser keeps no copy
    stored = views_of(world, "agent")["Old urgent"]
    assert (stored["shared"], stored["sort"], stored["filters"]["assignee"]) == (False, "-priority", "me")
    assert page.evaluate("k => localStorage.getItem(k)", key) is None
    assert views.get_by_role("button", name="Turn them into private views").count() == 0
    page.context.close()
