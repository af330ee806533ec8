"""The time screens of issue 13 in Debian chromium: the timer on an item, the prefilled draft a stop opens, the
timesheet week (#/time) and the approval queue (#/time/approvals).

Given an agency tenant built through the public API (tests/e2e/portal_helpers.py) with tickets assigned to the
agent, each test drives the workspace through accessible roles and labels and checks the result through the API.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.portal_helpers import ApiFailure, build_world, open_app, screenshot, settle

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def new_ticket(world: Any, title: str) -> dict:
    return world.admin.post("/v1/items", {
        "kind": "ticket", "type_id": world.ids["support_type"]["id"], "title": title,
        "requester": world.ids["alice"]["id"], "assignees": [f"user:{world.ids['agent']['id']}"],
    })


@pytest.fixture(scope="module")
def world(stack):
    w = build_world(stack.base, prefix="tm")
    w.ids["printer"] = new_ticket(w, "Printer needs a new drum")
    w.ids["vpn"] = new_ticket(w, "VPN certificate renewal")
    w.ids["laptop"] = new_ticket(w, "Laptop set-up for Carla")
    w.ids["backup"] = new_ticket(w, "Backup job reports errors")
    return w


def timer_card(page: Any) -> Any:
    return page.get_by_role("region", name=re.compile("^(Time|Timer)$"))


def sheets_of(client: Any, ref: str) -> list[dict]:
    return [s for s in client.get("/v1/timesheets?limit=200")["items"] if s["item_ref"] == ref]


def test_timer_stops_into_a_prefilled_draft_that_is_submitted_approved_and_shown_approved(world, browser):
    ref = world.ids["printer"]["ref"]
    agent = world.client("agent")
    # Given the agent on an item
    page = open_app(world, browser, f"/items/{ref}")
    card = timer_card(page)
    # When they start the timer, the clock runs
    card.get_by_role("button", name="Start timer").click()
    card.get_by_text("Running").wait_for()
    expect(card.get_by_role("timer")).to_have_text(re.compile(r"^0:00:(0[2-9]|[1-5]\d)$"), timeout=8000)
    assert agent.get("/v1/timers/current")["timer"]["state"] == "running"
    card.scroll_into_view_if_needed()
    screenshot(page, "time-timer")
    # Pause holds it, Resume runs it again
    card.get_by_role("button", name="Pause").click()
    card.get_by_text("Paused").wait_for()
    assert agent.get("/v1/timers/current")["timer"]["state"] == "paused"
    card.get_by_role("button", name="Resume").click()
    card.get_by_text("Running").wait_for()
    # When they stop it, the draft form opens prefilled from the API's draft: today (UTC), one started minute
    card.get_by_role("button", name="Stop").click()
    form = page.get_by_role("form", name=re.compile(rf"^Time on {ref}: stopped at 0:01"))
    form.wait_for()
    assert form.get_by_label("Date").input_value() == datetime.now(UTC).date().isoformat()
    assert form.get_by_label("Time spent").input_value() == "0:01"
    assert form.get_by_label("Billable").is_checked()
    assert agent.get("/v1/timers/current")["timer"] is None
    # And they add a note, % complete and a status change, and submit
    form.get_by_label("Time spent").fill("0:45")
    form.get_by_label("Note").fill("Replaced the drum")
    form.get_by_label("% complete").fill("80")
    form.get_by_label("Change status to").select_option(label="Resolved")
    screenshot(page, "time-draft")
    form.get_by_role("button", name="Submit").click()
    page.get_by_text("Time submitted for approval.").wait_for()
    settle(page)
    # Then the API holds one submitted sheet with those values, and the item took its status and % complete
    [sheet] = sheets_of(agent, ref)
    got = (sheet["state"], sheet["minutes"], sheet["note"], sheet["billable"])
    assert got == ("submitted", 45, "Replaced the drum", True)
    item = agent.get(f"/v1/items/{ref}")
    assert (item["status"], item["percent_complete"]) == ("resolved", 80)
    page.context.close()

    # When an admin approves it on the approval queue
    admin_page = open_app(world, browser, "/time/approvals", who="admin")
    row = admin_page.get_by_role("row").filter(has_text=ref)
    assert "Andy Agent" in row.inner_text() and "0:45" in row.inner_text() and "Replaced the drum" in row.inner_text()
    screenshot(admin_page, "time-approvals")
    row.get_by_role("button", name=re.compile(rf"^Approve 0:45 of Andy Agent on {ref}")).click()
    admin_page.get_by_text(re.compile("^Approved 0:45")).wait_for()
    settle(admin_page)
    assert admin_page.get_by_role("row").filter(has_text=ref).count() == 0
    approved = agent.get(f"/v1/timesheets/{sheet['id']}")
    assert (approved["state"], approved["decided_by"]) == ("approved", world.ids["admin"]["id"])
    admin_page.context.close()

    # Then the agent's week shows it approved, locked (no Edit), counted in the day and week totals
    week = open_app(world, browser, f"/time?week={sheet['date']}")
    sheet_row = week.locator(f"tr[data-id='{sheet['id']}']")
    assert sheet_row.get_by_text("Approved").is_visible()
    assert sheet_row.get_by_role("button", name=re.compile("^Edit")).count() == 0
    assert week.get_by_label("Week total").inner_text() == "0:45"
    screenshot(week, "time-week")
    week.context.close()


def test_a_second_timer_pauses_the_first_which_its_item_resumes_later(world, browser):
    first, second = world.ids["vpn"]["ref"], world.ids["laptop"]["ref"]
    agent = world.client("agent")
    # Given a timer running on one item
    page = open_app(world, browser, f"/items/{first}")
    timer_card(page).get_by_role("button", name="Start timer").click()
    timer_card(page).get_by_text("Running").wait_for()
    first_timer = agent.get("/v1/timers/current")["timer"]
    assert first_timer["item_ref"] == first
    # When the agent starts a timer on another item
    page.goto(f"{world.app}#/items/{second}")
    page.get_by_role("heading", name="Laptop set-up for Carla").wait_for()
    settle(page)
    card = timer_card(page)
    assert card.get_by_text(re.compile(rf"Your timer on {first} is running")).is_visible()
    card.get_by_role("button", name="Start timer").click()
    # Then the screen says the first one paused, and the API has the second running and the first not running
    card.get_by_role("status").filter(has_text=re.compile(rf"Your timer on {first} is paused")).wait_for()
    card.get_by_text("Running").wait_for()
    current = agent.get("/v1/timers/current")["timer"]
    assert (current["item_ref"], current["state"]) == (second, "running")
    with pytest.raises(ApiFailure) as refused:
        agent.post(f"/v1/timers/{first_timer['id']}/pause")  # only a running timer can be paused
    assert refused.value.status == 409
    # And the week screen shows the running timer with its controls
    page.goto(f"{world.app}#/time")
    page.get_by_role("heading", name="My time").wait_for()
    settle(page)
    week_card = timer_card(page)
    week_card.get_by_role("link", name=second).wait_for()
    week_card.get_by_role("button", name="Pause").click()
    week_card.get_by_text("Paused").wait_for()
    assert agent.get("/v1/timers/current")["timer"]["state"] == "paused"
    week_card.get_by_role("button", name="Stop").click()
    page.get_by_role("form", name=re.compile(rf"^Time on {second}")).get_by_role("button", name="Save draft").click()
    page.get_by_text("Time saved as a draft.").wait_for()
    settle(page)
    assert [s["state"] for s in sheets_of(agent, second)] == ["draft"]
    # And the first item's page offers its paused timer again: Resume runs it on
    page.goto(f"{world.app}#/items/{first}")
    settle(page)
    card = timer_card(page)
    card.get_by_text("Paused").wait_for()
    card.get_by_role("button", name="Resume").click()
    card.get_by_text("Running").wait_for()
    current = agent.get("/v1/timers/current")["timer"]
    assert (current["id"], current["state"]) == (first_timer["id"], "running")
    page.context.close()


def test_manual_time_is_added_edited_deleted_and_the_weeks_drafts_submitted(world, browser):
    ref = world.ids["backup"]["ref"]
    agent = world.client("agent")
    last_week = (date.today() - timedelta(days=7)).isoformat()
    page = open_app(world, browser, f"/time?week={last_week}")
    # When the agent adds time by hand, picking one of their items
    page.get_by_role("button", name="Add time").click()
    page.get_by_role("button", name=re.compile(rf"^{ref} Backup job")).click()
    form = page.get_by_role("form", name=re.compile(rf"^Time on {ref}"))
    form.get_by_label("Time spent").fill("1:30")
    form.get_by_label("Billable").uncheck()
    form.get_by_role("button", name="Save draft").click()
    page.get_by_text("Time saved as a draft.").wait_for()
    settle(page)
    [sheet] = sheets_of(agent, ref)
    assert (sheet["minutes"], sheet["billable"], sheet["state"]) == (90, False, "draft")
    # Then it lands in the week shown (its Monday, since today is not in it), totalled as h:mm
    monday = page.locator("tr.day-row").first.get_attribute("data-day")
    assert sheet["date"] == monday
    assert page.get_by_label("Week total").inner_text() == "1:30"
    # When they edit the draft's time, the change is saved
    page.get_by_role("button", name=re.compile(rf"^Edit time on {ref}")).click()
    edit = page.get_by_role("form", name=re.compile(rf"^Edit time on {ref}"))
    edit.get_by_label("Time spent").fill("2h")
    edit.get_by_role("button", name="Save changes").click()
    page.get_by_text("Time saved.").wait_for()
    settle(page)
    assert agent.get(f"/v1/timesheets/{sheet['id']}")["minutes"] == 120
    assert page.get_by_label("Week total").inner_text() == "2:00"
    # A second draft, then deleting it removes it
    page.get_by_role("button", name="Add time").click()
    page.get_by_role("button", name=re.compile(rf"^{ref} Backup job")).click()
    page.get_by_role("form", name=re.compile(rf"^Time on {ref}")).get_by_label("Time spent").fill("15")
    page.get_by_role("form", name=re.compile(rf"^Time on {ref}")).get_by_role("button", name="Save draft").click()
    page.get_by_text("Time saved as a draft.").wait_for()
    settle(page)
    extra = next(s for s in sheets_of(agent, ref) if s["id"] != sheet["id"])
    page.once("dialog", lambda d: d.accept())
    page.locator(f"tr[data-id='{extra['id']}']").get_by_role("button", name=re.compile("^Delete")).click()
    page.get_by_text("Time deleted.").wait_for()
    settle(page)
    assert [s["id"] for s in sheets_of(agent, ref)] == [sheet["id"]]
    # When they submit all drafts of the week, each is submitted
    page.get_by_role("button", name="Submit all drafts (1)").click()
    page.get_by_text("1 timesheet submitted for approval.").wait_for()
    settle(page)
    assert agent.get(f"/v1/timesheets/{sheet['id']}")["state"] == "submitted"
    assert page.locator(f"tr[data-id='{sheet['id']}']").get_by_text("Submitted").is_visible()
    page.context.close()


def test_a_plain_agent_gets_no_approvals_link_nor_approve_buttons_and_the_api_refuses(world, browser):
    agent = world.client("agent")
    # Given the agent has submitted time of their own
    sheet = agent.post("/v1/timesheets", {"item_ref": world.ids["vpn"]["ref"], "date": date.today().isoformat(),
                                          "minutes": 20})
    agent.post(f"/v1/timesheets/{sheet['id']}/submit")
    page = open_app(world, browser, "/time")
    nav = page.get_by_role("navigation", name="Workspace")
    # Then their bar links to their time but not to approvals
    assert nav.get_by_role("link", name="Time").is_visible()
    assert nav.get_by_role("link", name="Approvals").count() == 0
    # And the approval queue, opened by its address, offers no decision
    page.goto(f"{world.app}#/time/approvals")
    page.get_by_role("heading", name="Approvals").wait_for()
    settle(page)
    assert page.get_by_role("button", name=re.compile("^(Approve|Reject)")).count() == 0
    assert page.get_by_text("Nothing waits for your decision").is_visible()
    # And the API refuses the agent's approval of their own time
    with pytest.raises(ApiFailure) as refused:
        agent.post(f"/v1/timesheets/{sheet['id']}/approve")
    assert refused.value.status == 403
    page.context.close()


def test_an_admin_rejects_with_a_required_reason_the_agent_reads_it(world, browser):
    agent = world.client("agent")
    sheet = agent.post("/v1/timesheets", {"item_ref": world.ids["laptop"]["ref"], "date": date.today().isoformat(),
                                          "minutes": 600, "note": "Whole day"})
    agent.post(f"/v1/timesheets/{sheet['id']}/submit")
    page = open_app(world, browser, "/time/approvals", who="admin")
    assert page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Approvals").is_visible()
    row = page.locator(f"tr[data-id='{sheet['id']}']")
    row.get_by_role("button", name=re.compile("^Reject")).click()
    # When the admin rejects without a reason, the form asks for one and nothing is sent
    reject = row.get_by_role("form", name=re.compile("^Reject"))
    reject.get_by_role("button", name="Reject").click()
    reject.get_by_text("Say why, so the time can be corrected.").wait_for()
    assert agent.get(f"/v1/timesheets/{sheet['id']}")["state"] == "submitted"
    # With a reason, the sheet is rejected and carries it
    reject.get_by_label("Reason").fill("Ten hours on a laptop? Split it per day, please.")
    reject.get_by_role("button", name="Reject").click()
    page.get_by_text(re.compile("^Rejected 10:00")).wait_for()
    settle(page)
    got = agent.get(f"/v1/timesheets/{sheet['id']}")
    assert (got["state"], got["reason"]) == ("rejected", "Ten hours on a laptop? Split it per day, please.")
    page.context.close()
    # Then the agent's week shows the reason beside the rejected sheet, which they may edit again
    week = open_app(world, browser, "/time")
    sheet_row = week.locator(f"tr[data-id='{sheet['id']}']")
    assert "Split it per day" in sheet_row.inner_text()
    assert sheet_row.get_by_role("button", name=re.compile("^Edit")).is_visible()
    week.context.close()


def test_time_spent_on_the_item_shows_when_the_api_answers_it(world, browser):
    ref = world.ids["printer"]["ref"]
    try:
        spent = world.admin.get(f"/v1/items/{ref}/time")
    except ApiFailure as exc:
        assert exc.status == 404
        spent = None
    page = open_app(world, browser, f"/items/{ref}")
    line = timer_card(page).locator(".time-spent")
    if spent is None:
        # Before GET /v1/items/{ref}/time exists the line stays out, and the page has no error
        assert line.is_hidden()
    else:
        line.wait_for()
        assert line.inner_text().startswith(f"Time spent: {spent['minutes'] // 60}:{spent['minutes'] % 60:02d}")
    page.context.close()
