"""Planning screens of issue 13 in Debian chromium: the Gantt chart (drag a plan bar to move it, drag its end to
resize it, conflicts marked and listed, dependencies drawn) and the calendar (planned and actual shown apart in the
month and the week, drag a plan to reschedule it).

Given an agency tenant built through the public API with tasks planned in March 2031 (a window of its own, so the
current date never matters), each test drives the screens with the mouse through accessible names and checks the
result through the API. Any console error (a Content-Security-Policy refusal among them) fails the test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.portal_helpers import build_world, new_context, screenshot, settle, sign_in_context, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DAY_PX = 28  # static_portal/app/gantt.js: one day of the chart


def new_task(world: Any, title: str, **plan: Any) -> dict:
    types = world.admin.get("/v1/item-types")["items"]
    body = {"type_id": next(t["id"] for t in types if t["kind"] == "task"), "title": title,
            "project_id": world.ids["project1"]["id"], **plan}
    return world.admin.post("/v1/items", body)


@pytest.fixture(scope="module")
def world(stack):
    w = build_world(stack.base, prefix="plan")
    w.ids["design"] = new_task(w, "Design the flyer", planned_start="2031-03-05", planned_finish="2031-03-07")
    w.ids["print"] = new_task(w, "Print the flyer", planned_start="2031-03-06", planned_finish="2031-03-11",
                              predecessors=[w.ids["design"]["ref"]])
    w.ids["late"] = new_task(w, "Hang the posters", planned_start="2031-03-17", planned_finish="2031-03-18",
                             start_no_earlier_than="2031-03-19")
    w.ids["audit"] = new_task(w, "Audit the clinic", planned_start="2031-03-10", planned_finish="2031-03-12",
                              actual_start="2031-03-11", actual_finish="2031-03-13")
    w.ids["move_me"] = new_task(w, "Order the paper", planned_start="2031-03-04", planned_finish="2031-03-05")
    w.ids["banner"] = new_task(w, "Put up the banner", planned_start="2031-03-24", planned_finish="2031-03-25",
                               start_no_earlier_than="2031-03-26")
    return w


# Requests of the open pages that left the local stack: the screens and their vendored library work offline.
OFFSITE: list[str] = []


def open_app(world: Any, browser: Any, route: str) -> Any:
    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids["agent"]["email"])
    OFFSITE.clear()
    ctx.on("request", lambda r: OFFSITE.append(r.url) if not r.url.startswith((world.base, "data:")) else None)
    page = ctx.new_page()
    page.goto(f"{world.app}#{route}")
    page.get_by_role("heading", level=1).wait_for()
    settle(page)
    return page


def drag(page: Any, x: float, y: float, dx: float, dy: float = 0) -> None:
    """Press, move in small steps (as a hand does), release: what the pointer handlers and FullCalendar expect."""
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=8)
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()


def item(world: Any, key: str) -> dict:
    return world.admin.get(f"/v1/items/{world.ids[key]['ref']}")


def gantt(world: Any, browser: Any) -> Any:
    return open_app(world, browser, f"/gantt?project_id={world.ids['project1']['id']}&from=2031-03-03")


def bar(page: Any, world: Any, key: str) -> Any:
    return page.get_by_role("button", name=re.compile(rf"^{world.ids[key]['ref']} {world.ids[key]['title']},"))


# --------------------------------------------------------------------------- Gantt


def test_the_gantt_link_opens_the_chart_of_the_chosen_project(world, browser):
    # Given an agent on the item list
    page = open_app(world, browser, "/list")
    # When they follow the workspace's Gantt link and choose the project
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Gantt").click()
    page.get_by_role("combobox", name="Project").select_option(label="Project1")
    page.wait_for_url(re.compile(r"#/gantt\?.*project_id="))
    settle(page)
    # Then the chart of that project is shown (not "Page not found")
    assert page.get_by_role("heading", level=1).inner_text() == "Gantt chart"
    assert page.get_by_role("group", name=re.compile(r"^Gantt chart from ")).is_visible()
    page.context.close()


def test_dragging_a_bar_moves_its_plan_and_dragging_its_end_resizes_it(world, browser):
    page = gantt(world, browser)
    ref = world.ids["move_me"]["ref"]
    # When the agent drags "Order the paper" (4–5 March) three days to the right
    box = bar(page, world, "move_me").bounding_box()
    drag(page, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, 3 * DAY_PX)
    # Then the item is planned 7–8 March (read through the API)
    wait_for(lambda: item(world, "move_me")["planned_start"] == "2031-03-07")
    assert item(world, "move_me")["planned_finish"] == "2031-03-08"
    page.get_by_role("status").filter(has_text=f"{ref} planned 2031-03-07 to 2031-03-08").wait_for()
    settle(page)
    # When they drag the bar's right end two more days
    box = bar(page, world, "move_me").bounding_box()
    drag(page, box["x"] + box["width"] - 3, box["y"] + box["height"] / 2, 2 * DAY_PX)
    # Then only its finish moved
    wait_for(lambda: item(world, "move_me")["planned_finish"] == "2031-03-10")
    assert item(world, "move_me")["planned_start"] == "2031-03-07"
    screenshot(page, "gantt")
    assert OFFSITE == []
    page.context.close()


def test_the_gantt_marks_and_lists_conflicts_and_draws_dependencies(world, browser):
    page = gantt(world, browser)
    late, printing, design = (world.ids[k]["ref"] for k in ("late", "print", "design"))
    # Then the bar planned before its constraint is marked, and so is the one starting before its predecessor ends
    assert re.search(r"1 conflict$", bar(page, world, "late").get_attribute("aria-label").split(".")[0])
    assert "conflict" in bar(page, world, "late").get_attribute("class")
    assert "conflict" in bar(page, world, "print").get_attribute("class")
    assert "conflict" not in bar(page, world, "design").get_attribute("class")
    # And the list says why, in the API's words
    conflicts = page.get_by_role("list", name="Conflicts")
    late_line = conflicts.get_by_role("listitem").filter(has_text=late)
    assert "start no earlier than 2031-03-19" in late_line.inner_text()
    assert f"predecessor {design}" in conflicts.get_by_role("listitem").filter(has_text=printing).inner_text()
    # And the dependency Design → Print is drawn, marked broken
    arrow = page.locator(f"svg.gantt path.link[data-from='{design}'][data-to='{printing}']")
    assert arrow.count() == 1 and "broken" in arrow.get_attribute("class")
    page.context.close()


def test_moving_a_bar_after_its_constraint_clears_its_conflict_with_the_keyboard(world, browser):
    page = gantt(world, browser)
    ref = world.ids["banner"]["ref"]
    assert [c["code"] for c in api_conflicts(world, "banner")] == ["start_before_constraint"]
    # When the agent focuses the conflicting bar and presses → twice (24–25 → 26–27 March)
    bar(page, world, "banner").focus()
    page.keyboard.press("ArrowRight")
    page.get_by_role("status").filter(has_text=f"{ref} planned 2031-03-25").wait_for()
    settle(page)
    page.keyboard.press("ArrowRight")
    page.get_by_role("status").filter(has_text=f"{ref} planned 2031-03-26").wait_for()
    settle(page)
    # Then the plan respects the constraint and the conflict is gone from the chart and the API
    assert item(world, "banner")["planned_start"] == "2031-03-26"
    assert api_conflicts(world, "banner") == []
    assert "conflict" not in bar(page, world, "banner").get_attribute("class")
    page.context.close()


def api_conflicts(world: Any, key: str) -> list:
    return item(world, key)["conflicts"]


# --------------------------------------------------------------------------- calendar


def calendar(world: Any, browser: Any, view: str, date: str) -> Any:
    page = open_app(world, browser, f"/calendar?project_id={world.ids['project1']['id']}&view={view}&date={date}")
    page.locator(".fc-daygrid-body").wait_for()
    settle(page)
    return page


@pytest.mark.parametrize("view", ["month", "week"])
def test_the_calendar_shows_planned_and_actual_apart(world, browser, view):
    # Given "Audit the clinic", planned 10–12 March and really done 11–13 March
    page = calendar(world, browser, view, "2031-03-10")
    ref = world.ids["audit"]["ref"]
    # Then the calendar shows both, told apart by name and look
    planned = page.get_by_label(re.compile(rf"^Planned: {ref} Audit the clinic, planned 2031-03-10 to 2031-03-12"))
    actual = page.get_by_label(re.compile(rf"^Actual: {ref} Audit the clinic, .*done 2031-03-11 to 2031-03-13"))
    assert planned.count() == 1 and actual.count() == 1
    assert "plan" in planned.get_attribute("class").split() and "actual" in actual.get_attribute("class").split()
    # And the planned one starts on the 10th, the actual one on the 11th
    for event, day in ((planned, "2031-03-10"), (actual, "2031-03-11")):
        cell = page.locator(f"td.fc-day[data-date='{day}']").bounding_box()
        box = event.bounding_box()
        assert cell["x"] - 2 <= box["x"] <= cell["x"] + cell["width"], (day, box, cell)
    screenshot(page, f"calendar-{view}")
    assert OFFSITE == []  # FullCalendar came from our own origin and asked nothing of anyone else
    page.context.close()


def test_dragging_a_plan_on_the_calendar_reschedules_it(world, browser):
    page = calendar(world, browser, "month", "2031-03-01")
    ref = world.ids["design"]["ref"]
    before = item(world, "design")
    # When the agent drags the plan of "Design the flyer" one week down the month
    event = page.get_by_label(re.compile(rf"^Planned: {ref} ")).first
    box = event.bounding_box()
    start = page.locator(f"td.fc-day[data-date='{before['planned_start']}']").bounding_box()
    target = page.locator("td.fc-day[data-date='2031-03-12']").bounding_box()
    x, y = start["x"] + start["width"] / 2, box["y"] + box["height"] / 2
    drag(page, x, y, target["x"] - start["x"], target["y"] - start["y"])
    # Then its plan moved by seven days, keeping its length (read through the API)
    wait_for(lambda: item(world, "design")["planned_start"] == "2031-03-12")
    assert item(world, "design")["planned_finish"] == "2031-03-14"
    page.get_by_role("status").filter(has_text=f"{ref} planned 2031-03-12 to 2031-03-14").wait_for()
    page.context.close()


# --------------------------------------------------------------------------- the item view


def test_the_item_view_saves_predecessors_and_shows_the_conflict_they_make(world, browser):
    # Given "Book the venue" planned on 6 March and "Choose the venue" planned until 8 March
    choose = new_task(world, "Choose the venue", planned_start="2031-03-05", planned_finish="2031-03-08")
    book = new_task(world, "Book the venue", planned_start="2031-03-06", planned_finish="2031-03-06")
    page = open_app(world, browser, f"/items/{book['ref']}")
    plan = page.get_by_role("form", name="Plan")
    assert plan.get_by_label("Planned start").input_value() == "2031-03-06"
    # When the agent makes "Choose the venue" its predecessor
    plan.get_by_label("Predecessors").fill(choose["ref"].lower())
    plan.get_by_role("button", name="Save plan").click()
    # Then the API holds it, and the plan shows the conflict in the API's words
    wait_for(lambda: world.admin.get(f"/v1/items/{book['ref']}")["predecessors"] == [choose["ref"]])
    conflict = page.get_by_role("form", name="Plan").get_by_role("list", name="Conflicts")
    conflict.wait_for()
    assert f"predecessor {choose['ref']}" in conflict.inner_text()
    # And a plan that would end before it starts is refused on its field
    plan = page.get_by_role("form", name="Plan")
    plan.get_by_label("Planned finish").fill("2031-03-01")
    plan.get_by_role("button", name="Save plan").click()
    page.get_by_role("alert").filter(has_text="planned_finish must not be before planned_start").first.wait_for()
    assert world.admin.get(f"/v1/items/{book['ref']}")["planned_finish"] == "2031-03-06"
    page.context.close()
