"""The time report screen (`#/reports`, issue 13) in Debian chromium on the real local stack.

Given timesheets written through the API on two customers' tickets (the stream handler keeps the aggregates), the
screen shows each project's and organisation's time with the total, its CSV download carries the same numbers, an
organisation row links to its printable statement, and an agent sees only their own time.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from e2e.portal_helpers import build_world, new_context, screenshot, settle, sign_in_context, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture(scope="module")
def world(stack):
    w = build_world(stack.base, prefix="rep")
    item = {"kind": "ticket", "type_id": w.ids["support_type"]["id"]}
    w.ids["item_a"] = w.admin.post("/v1/items", {**item, "title": "Website copy", "requester": w.ids["alice"]["id"],
                                                 "project_id": w.ids["project1"]["id"]})
    w.ids["item_b"] = w.admin.post("/v1/items", {**item, "title": "VPN drops", "requester": w.ids["bob"]["id"],
                                                 "project_id": w.ids["project_b"]["id"]})
    agent = w.client("agent")
    sheets = [
        (w.admin, "item_a", "2026-03-02", 60, True),
        (agent, "item_a", "2026-03-04", 45, False),
        (w.admin, "item_b", "2026-03-10", 90, True),
        (agent, "item_b", "2026-04-02", 30, True),  # April: outside the report
    ]
    for client, item_key, day, minutes, billable in sheets:
        client.post("/v1/timesheets", {"item_ref": w.ids[item_key]["ref"], "date": day, "minutes": minutes,
                                       "billable": billable})
    # The aggregates follow the table's stream: wait until the month's report has all three March sheets
    wait_for(lambda: w.admin.get(f"/v1/reports/time?{MARCH}")["total"]["count"] == 3, timeout=30)
    return w


def open_reports(world: Any, browser: Any, query: str, who: str = "admin") -> Any:
    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids[who]["email"])
    page = ctx.new_page()
    page.goto(f"{world.app}#/reports?{query}")
    page.get_by_role("heading", name="Time reports").wait_for()
    settle(page)
    return page


def shown_rows(page: Any) -> dict[str, list[str]]:
    """Each body row's name → its hours, billable hours and count as shown."""
    rows = {}
    for tr in page.locator("table.report-table tbody tr").all():
        rows[tr.locator("th").inner_text()] = tr.locator("td").all_inner_texts()[:3]
    return rows


def test_the_screen_totals_each_project_and_its_csv_download_has_them(world, browser):
    # Given the admin on March's report by project
    page = open_reports(world, browser, f"group_by=project&{MARCH}")
    # Then each project shows its time as hours and minutes, and the total is the sum of the three sheets
    assert shown_rows(page) == {"Project1": ["1:45", "1:00", "2"], "Incoming tickets (B)": ["1:30", "1:30", "1"]}
    assert page.locator("tfoot td[data-total='minutes']").inner_text() == "3:15"
    assert page.locator("tfoot td[data-total='billable']").inner_text() == "2:30"
    screenshot(page, "time-report")
    # When they download the CSV
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    table = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    # Then it holds the same minutes per project and the total
    assert {r["name"]: int(r["minutes"]) for r in table} == {"Project1": 105, "Incoming tickets (B)": 90,
                                                             "Total": 195}
    assert [r["hours"] for r in table if r["name"] == "Total"] == ["3.25"]
    page.context.close()


def test_grouping_by_organisation_links_each_to_its_statement(world, browser):
    page = open_reports(world, browser, f"group_by=project&{MARCH}")
    # When the admin groups by organisation through the form
    page.get_by_label("Group by").select_option(label="Organisation")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_url(re.compile(r"group_by=organization"))
    page.locator("table.report-table th", has_text="Organisation").wait_for()
    settle(page)
    # Then each customer organisation has its time and a statement link for the same period
    assert shown_rows(page) == {"CustomerA": ["1:45", "1:00", "2"], "CustomerB": ["1:30", "1:30", "1"]}
    link = page.locator("table.report-table tbody tr", has_text="CustomerA").get_by_role("link", name="Statement")
    href = link.get_attribute("href")
    assert "from=2026-03-01" in href and "to=2026-03-31" in href and "format=html" in href
    # And the statement opens as a printable page with both of CustomerA's lines
    statement = page.context.new_page()
    statement.goto(world.base + href)
    assert statement.get_by_role("heading", name="Time statement: CustomerA").is_visible()
    assert statement.locator("tbody tr").count() == 2
    assert statement.locator("td[data-total='minutes']").inner_text() == "1:45"
    page.context.close()


def test_an_agent_sees_only_their_own_time(world, browser):
    page = open_reports(world, browser, f"group_by=user&{MARCH}", who="agent")
    assert shown_rows(page) == {"Andy Agent": ["0:45", "0:00", "1"]}
    assert page.get_by_text("Your own time.").is_visible()
    page.context.close()
