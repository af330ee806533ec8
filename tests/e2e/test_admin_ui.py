"""The admin screens in Debian chromium against the local stack: project access for a new agent, a rule built
with pickers that routes real mail by the sender's domain, editing and deleting rules, macros and SLA policies
through their forms, deactivating a user, teams, and moving projects between portfolios.

Every page is watched (tests/e2e/conftest.py): an uncaught script error or a console error fails the test.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from e2e.portal_helpers import (
    PASSWORD,
    ApiFailure,
    Client,
    build_world,
    new_context,
    screenshot,
    send_mail,
    settle,
    sign_in_context,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def world(stack):
    w = build_world(stack.base, prefix="admin")
    w.smtp = stack.smtp
    return w


OPENED: list[Any] = []


@pytest.fixture(autouse=True)
def close_contexts():
    """The browser profiles a test opened are closed after it."""
    yield
    while OPENED:
        OPENED.pop().close()


def open_as(world: Any, browser: Any, email: str, route: str) -> Any:
    """A page of the workspace at `route`, signed in as `email`, once its requests settled."""
    ctx = new_context(browser)
    OPENED.append(ctx)
    sign_in_context(ctx, world.base, world.slug, email)
    page = ctx.new_page()
    page.goto(f"{world.app}#{route}")
    page.locator("main h1").first.wait_for()
    settle(page)
    return page


def admin_page(world: Any, browser: Any, route: str) -> Any:
    return open_as(world, browser, world.ids["admin"]["email"], route)


def new_agent(world: Any, name: str) -> dict:
    email = f"{name.split()[0].lower()}-{secrets.token_hex(2)}@agency.example"
    return world.admin.post("/v1/users", {"email": email, "name": name, "role": "agent", "password": PASSWORD})


def new_item(world: Any, title: str, project_id: str) -> dict:
    body = {"kind": "ticket", "type_id": world.ids["support_type"]["id"], "title": title, "project_id": project_id,
            "requester": world.ids["alice"]["id"]}
    return world.admin.post("/v1/items", body)


def signed_in(world: Any, email: str) -> Client:
    return Client(world.base).as_user(world.slug, email)


def rules_named(world: Any, name: str) -> list[dict]:
    return [r for r in world.admin.get("/v1/rules")["items"] if r["name"] == name]


# --------------------------------------------------------------------------- (a) access in two clicks


def test_a_new_agent_given_project_access_through_the_ui_then_sees_its_items(world, browser):
    # Given a new agent and an item in Project1, which the agent cannot see
    nina = new_agent(world, "Nina Newcomer")
    title = f"Only for Project1 {secrets.token_hex(2)}"
    new_item(world, title, world.ids["project1"]["id"])
    assert signed_in(world, nina["email"]).get("/v1/items")["items"] == []
    agent = open_as(world, browser, nina["email"], "/list")
    assert agent.get_by_role("link", name=title).count() == 0

    # When the admin opens Nina's page from the users list, picks Project1 and clicks Give access
    admin = admin_page(world, browser, "/admin/users")
    admin.get_by_role("link", name="Nina Newcomer").click()
    admin.get_by_role("heading", name="User: Nina Newcomer").wait_for()
    settle(admin)
    admin.get_by_label("Give access to project").select_option(label="Project1 (CustomerA)")
    admin.get_by_role("button", name="Give access").click()
    admin.get_by_role("status").filter(has_text="may now work in Project1").wait_for()

    # Then Project1 names her, and her own browser shows the item after a reload
    members = world.admin.get(f"/v1/projects/{world.ids['project1']['id']}")["members"]
    assert f"user:{nina['id']}" in members
    assert admin.get_by_role("button", name="Remove access to Project1").is_visible()
    screenshot(admin, "admin-user-access")
    agent.reload()
    agent.get_by_role("link", name=title).wait_for()


# --------------------------------------------------------------------------- (b) a rule made of pickers routes mail


def build_rule_with_pickers(page: Any, name: str, domain: str, project: str, assignee: str) -> None:
    page.get_by_role("link", name="New rule").click()
    form = page.get_by_role("form", name="Rule")
    form.wait_for()
    settle(page)
    form.get_by_label("Name").fill(name)
    form.get_by_label("When").select_option(label="An email arrives (new item or reply)")
    form.get_by_role("button", name="Add condition").click()
    condition = form.get_by_role("group", name="Condition 1")
    condition.get_by_label("Field").select_option(label="Sender's email domain")
    condition.get_by_label("Operator").select_option(label="is")
    condition.get_by_label("Value").fill(domain)
    form.get_by_role("button", name="Add action").click()
    form.get_by_role("group", name="Action 1").get_by_label("Action", exact=True).select_option(label="Move to project")
    form.get_by_role("group", name="Action 1").get_by_label("Project").select_option(label=project)
    form.get_by_role("button", name="Add action").click()
    form.get_by_role("group", name="Action 2").get_by_label("Action", exact=True).select_option(label="Assign to")
    form.get_by_role("group", name="Action 2").get_by_label("Assignee").select_option(label=assignee)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "admin-rule-editor")
    form.get_by_role("button", name="Save rule").click()
    page.get_by_role("heading", name="Rules", exact=True).wait_for()
    settle(page)


def mailed_item(world: Any, subject: str) -> dict:
    def found() -> dict | None:
        items = world.admin.get("/v1/items?kind=ticket&limit=200")["items"]
        return next((i for i in items if i["title"] == subject), None)

    return wait_for(found, timeout=30)


def test_a_rule_built_with_pickers_routes_mail_by_the_senders_domain(world, browser):
    # Given a rule made only with pickers: mail from example.com goes to Project1, assigned to Andy Agent
    admin = admin_page(world, browser, "/admin/rules")
    build_rule_with_pickers(admin, "Route example.com", "example.com", "Project1", "Andy Agent")
    [rule] = rules_named(world, "Route example.com")
    assert rule["conditions"] == {"all": [{"field": "sender.domain", "op": "equals", "value": "example.com"}]}
    card = admin.get_by_role("listitem", name="Route example.com")
    assert "Sender's email domain is example.com" in card.inner_text()
    assert "Move to project Project1" in card.inner_text() and "Assign to Andy Agent" in card.inner_text()

    # When mail arrives over SMTP from example.com, and from another domain
    inbound = world.ids["support_type"]["inbound_address"]
    routed, other = f"Printer jam {secrets.token_hex(2)}", f"Lost password {secrets.token_hex(2)}"
    send_mail(world.smtp, sender="Carla <carla@example.com>", to=inbound, subject=routed, text="It jams.")
    send_mail(world.smtp, sender="Dave <dave@elsewhere.example>", to=inbound, subject=other, text="Help.")

    # Then the example.com mail lands in Project1 with Andy; the other keeps the type's default project
    agent_ref = f"user:{world.ids['agent']['id']}"
    item = wait_for(lambda: (i := mailed_item(world, routed)) and i["project_id"] == world.ids["project1"]["id"] and i)
    wait_for(lambda: world.admin.get(f"/v1/items/{item['ref']}")["assignees"] == [agent_ref])
    unrouted = mailed_item(world, other)
    assert unrouted["project_id"] != world.ids["project1"]["id"]
    assert agent_ref not in unrouted["assignees"]


# --------------------------------------------------------------------------- (c) edit and delete


def test_a_rule_is_edited_with_its_pickers_and_then_deleted(world, browser):
    # Given a rule made through the API: urgent items get the tag "hot"
    rule = world.admin.post("/v1/rules", {
        "name": "Tag urgent", "trigger": "item_created",
        "conditions": {"all": [{"field": "priority", "op": "equals", "value": "urgent"}]},
        "actions": [{"type": "add_tag", "value": "hot"}],
    })
    admin = admin_page(world, browser, "/admin/rules")
    # When the admin edits it: the priority becomes High and the tag "warm"
    admin.get_by_role("link", name="Edit Tag urgent").click()
    form = admin.get_by_role("form", name="Rule")
    form.wait_for()
    settle(admin)
    condition = form.get_by_role("group", name="Condition 1")
    assert condition.get_by_label("Field").input_value() == "priority"
    condition.get_by_label("Value").select_option(label="High")
    form.get_by_role("group", name="Action 1").get_by_label("Tag").fill("warm")
    form.get_by_role("button", name="Save rule").click()
    admin.get_by_role("heading", name="Rules", exact=True).wait_for()
    settle(admin)
    # Then the API has the new definition and the list says it in words
    saved = world.admin.get(f"/v1/rules/{rule['id']}")
    assert saved["conditions"] == {"all": [{"field": "priority", "op": "equals", "value": "high"}]}
    assert saved["actions"] == [{"type": "add_tag", "value": "warm"}]
    assert "Priority is High" in admin.get_by_role("listitem", name="Tag urgent").inner_text()

    # When the admin deletes it, confirming in place
    admin.get_by_role("button", name="Delete Tag urgent").click()
    admin.get_by_role("button", name="Yes, delete Tag urgent").click()
    admin.get_by_role("status").filter(has_text="Rule Tag urgent deleted.").wait_for()
    # Then it is gone from the list and from the API
    assert admin.get_by_role("listitem", name="Tag urgent").count() == 0
    assert rules_named(world, "Tag urgent") == []


def test_rules_are_reordered_from_the_list(world, browser):
    # Given two rules at the end of the order, "Runs first" before "Runs second"
    for name in ("Runs first", "Runs second"):
        world.admin.post("/v1/rules", {"name": name, "trigger": "item_created",
                                       "actions": [{"type": "add_tag", "value": name.split()[1]}]})
    admin = admin_page(world, browser, "/admin/rules")
    # When the admin moves "Runs second" up
    admin.get_by_role("button", name="Move Runs second up").click()
    admin.get_by_role("status").filter(has_text="Order saved.").wait_for()
    # Then the API evaluates it first, and the list shows it first
    names = [r["name"] for r in world.admin.get("/v1/rules")["items"]]
    assert names.index("Runs second") < names.index("Runs first")
    headings = admin.get_by_role("listitem").locator("h3").all_inner_texts()
    assert [h.split(". ", 1)[1] for h in headings if "Runs" in h] == ["Runs second", "Runs first"]


def test_a_failing_rule_shows_its_last_error_in_the_list_and_in_its_editor(world, browser):
    # Given a rule that sets a task's status, and a ticket it applies to: the run fails
    marker = f"brk-{secrets.token_hex(2)}"
    rule = world.admin.post("/v1/rules", {
        "name": "Broken on tickets", "trigger": "item_created",
        "conditions": {"all": [{"field": "title", "op": "contains", "value": marker}]},
        "actions": [{"type": "set_status", "value": "in_progress"}],
    })
    new_item(world, f"Ticket {marker}", world.ids["project1"]["id"])
    error = wait_for(lambda: world.admin.get(f"/v1/rules/{rule['id']}")["last_error"])
    # When the admin opens the rules, Then the rule's card says why its last run failed
    admin = admin_page(world, browser, "/admin/rules")
    card = admin.get_by_role("listitem", name="Broken on tickets")
    assert "Last run failed" in card.get_by_role("alert").inner_text() and error in card.inner_text()
    # And so does its editor
    card.get_by_role("link", name="Edit Broken on tickets").click()
    admin.get_by_role("form", name="Rule").wait_for()
    assert error in admin.get_by_role("alert").first.inner_text()
    world.admin.call("DELETE", f"/v1/rules/{rule['id']}")


def test_a_missing_value_is_named_next_to_its_picker_and_nothing_is_saved(world, browser):
    # Given a new rule with a condition whose value is left empty
    admin = admin_page(world, browser, "/admin/rules/new")
    form = admin.get_by_role("form", name="Rule")
    form.get_by_label("Name").fill("Half done")
    form.get_by_role("button", name="Add condition").click()
    form.get_by_role("group", name="Condition 1").get_by_label("Field").select_option(label="Status")
    # When it is saved
    form.get_by_role("button", name="Save rule").click()
    # Then the value picker says what is missing and no rule exists
    value = form.get_by_role("group", name="Condition 1").get_by_label("Value")
    assert value.get_attribute("aria-invalid") == "true"
    assert rules_named(world, "Half done") == []


# --------------------------------------------------------------------------- (d) macros and SLA policies


def test_a_macro_and_an_sla_policy_are_made_edited_and_deleted_through_their_forms(world, browser):
    # Given the admin on the macros screen
    page = admin_page(world, browser, "/admin/macros")
    # When a macro "Escalate" is made of two picked actions
    page.get_by_role("link", name="New macro").click()
    form = page.get_by_role("form", name="Macro")
    form.wait_for()
    settle(page)
    form.get_by_label("Name").fill("Escalate")
    form.get_by_role("button", name="Add action").click()
    form.get_by_role("group", name="Action 1").get_by_label("Action", exact=True).select_option(label="Set priority")
    form.get_by_role("group", name="Action 1").get_by_label("Priority").select_option(label="Urgent")
    form.get_by_role("button", name="Add action").click()
    form.get_by_role("group", name="Action 2").get_by_label("Action", exact=True).select_option(label="Add tag")
    form.get_by_role("group", name="Action 2").get_by_label("Tag").fill("escalated")
    form.get_by_role("button", name="Save macro").click()
    page.get_by_role("link", name="Escalate").wait_for()
    # Then the API has it with both actions, in order
    [macro] = [m for m in world.admin.get("/v1/macros")["items"] if m["name"] == "Escalate"]
    assert macro["actions"] == [{"type": "set_priority", "value": "urgent"}, {"type": "add_tag", "value": "escalated"}]
    # When it is edited: the tag action moves first and its tag changes
    page.get_by_role("link", name="Escalate").click()
    form = page.get_by_role("form", name="Macro")
    form.get_by_role("group", name="Action 2").get_by_label("Tag").fill("escalated-now")
    form.get_by_role("button", name="Move action 2 up").click()
    form.get_by_role("button", name="Save macro").click()
    page.get_by_role("link", name="Escalate").wait_for()
    # Then the API has the new order and tag
    assert world.admin.get(f"/v1/macros/{macro['id']}")["actions"] == [
        {"type": "add_tag", "value": "escalated-now"}, {"type": "set_priority", "value": "urgent"}]

    # When an SLA policy for urgent items is made: 1 h first response, 8 h resolution, around the clock
    page.get_by_role("link", name="SLA policies").click()
    page.get_by_role("link", name="New SLA policy").click()
    form = page.get_by_role("form", name="SLA policy")
    form.wait_for()
    settle(page)
    form.get_by_label("Name").fill("Urgent around the clock")
    form.get_by_label("First response within (hours)").fill("1")
    form.get_by_label("Resolution within (hours)").fill("8")
    form.get_by_label("Around the clock (every hour of a working day counts)").check()
    form.get_by_label("Saturday").check()
    form.get_by_label("Sunday").check()
    form.get_by_label("Priorities").select_option(label="Urgent")
    form.get_by_role("button", name="Save SLA policy").click()
    page.get_by_role("link", name="Urgent around the clock").wait_for()
    # Then the API has the targets in minutes, the calendar and what it applies to
    [policy] = [p for p in world.admin.get("/v1/sla-policies")["items"] if p["name"] == "Urgent around the clock"]
    assert (policy["first_response_minutes"], policy["resolution_minutes"]) == (60, 480)
    assert policy["calendar"]["working_days"] == [0, 1, 2, 3, 4, 5, 6]
    assert (policy["calendar"]["start"], policy["calendar"]["end"]) == ("00:00", "24:00")
    assert policy["match"]["priorities"] == ["urgent"]
    assert "first response 1 h, resolution 8 h" in page.get_by_role("table", name="SLA policies").inner_text()
    # When its first response target is edited, Then the API has it
    page.get_by_role("link", name="Urgent around the clock").click()
    form = page.get_by_role("form", name="SLA policy")
    assert form.get_by_label("First response within (hours)").input_value() == "1"
    form.get_by_label("First response within (hours)").fill("0.5")
    form.get_by_role("button", name="Save SLA policy").click()
    page.get_by_role("link", name="Urgent around the clock").wait_for()
    assert world.admin.get(f"/v1/sla-policies/{policy['id']}")["first_response_minutes"] == 30
    # When the macro and the policy are deleted from their lists, Then they are gone
    page.get_by_role("button", name="Delete Urgent around the clock").click()
    page.get_by_role("button", name="Yes, delete Urgent around the clock").click()
    page.get_by_role("status").filter(has_text="SLA policy Urgent around the clock deleted.").wait_for()
    page.get_by_role("link", name="Macros").click()
    page.get_by_role("button", name="Delete Escalate").click()
    page.get_by_role("button", name="Yes, delete Escalate").click()
    page.get_by_role("status").filter(has_text="Macro Escalate deleted.").wait_for()
    assert all(m["name"] != "Escalate" for m in world.admin.get("/v1/macros")["items"])
    assert all(p["name"] != "Urgent around the clock" for p in world.admin.get("/v1/sla-policies")["items"])


# --------------------------------------------------------------------------- (e) deactivate, teams, projects


def test_a_deactivated_user_cannot_sign_in_until_reactivated(world, browser):
    # Given an agent who can sign in
    olga = new_agent(world, "Olga Leaving")
    assert signed_in(world, olga["email"]).get("/v1/me")["email"] == olga["email"]
    admin = admin_page(world, browser, f"/admin/users/{olga['id']}")
    # When the admin deactivates her
    admin.get_by_role("button", name="Deactivate user").click()
    admin.get_by_role("status").filter(has_text="is deactivated").wait_for()
    # Then the API says so and her password no longer signs her in
    assert world.admin.get(f"/v1/users/{olga['id']}")["active"] is False
    with pytest.raises(ApiFailure):
        signed_in(world, olga["email"])
    # When she is reactivated, she may sign in again
    admin.get_by_role("button", name="Reactivate user").click()
    admin.get_by_role("status").filter(has_text="may sign in again").wait_for()
    assert signed_in(world, olga["email"]).get("/v1/me")["email"] == olga["email"]


def test_profile_and_team_membership_are_edited_on_the_users_page(world, browser):
    # Given an agent in no team
    pia = new_agent(world, "Pia Profile")
    admin = admin_page(world, browser, f"/admin/users/{pia['id']}")
    # When the admin renames her, makes her an admin and puts her in Customer support
    profile = admin.get_by_role("form", name="Profile")
    profile.get_by_label("Name").fill("Pia Promoted")
    profile.get_by_label("Role").select_option(label="Admin")
    profile.get_by_role("button", name="Save profile").click()
    admin.get_by_role("heading", name="User: Pia Promoted").wait_for()
    settle(admin)
    teams = admin.get_by_role("form", name="Teams")
    teams.get_by_label("Customer support").check()
    teams.get_by_role("button", name="Save teams").click()
    admin.get_by_role("status").filter(has_text="Teams saved.").wait_for()
    # Then the API has both changes
    user = world.admin.get(f"/v1/users/{pia['id']}")
    assert (user["name"], user["role"]) == ("Pia Promoted", "admin")
    assert pia["id"] in world.admin.get(f"/v1/teams/{world.ids['team']['id']}")["member_ids"]


def test_the_users_list_loads_a_page_at_a_time_without_repeats(world, browser):
    # Given more users than one page of 50
    for n in range(52):
        email = f"bulk{n}-{secrets.token_hex(2)}@agency.example"
        world.admin.post("/v1/users", {"email": email, "name": f"Bulk {n:02}"})
    total = len(world.admin.get("/v1/users?limit=200")["items"])
    admin = admin_page(world, browser, "/admin/users")
    rows = admin.get_by_role("table", name="Users").locator("tbody tr")
    # When the first page shows, Then it holds 50 and offers more
    assert rows.count() == 50
    more = admin.get_by_role("button", name="Load more users")
    # When the rest is loaded, Then every user shows once and nothing more is offered
    while more.is_visible():
        more.click()
        settle(admin)
    names = rows.locator("td:first-child").all_inner_texts()
    assert len(names) == total == len(set(zip(names, rows.locator("td:nth-child(2)").all_inner_texts(), strict=True)))


def test_teams_are_created_renamed_and_their_members_changed(world, browser):
    page = admin_page(world, browser, "/admin/teams")
    # When the admin creates a team with Andy, renames it and adds then removes Ada
    form = page.get_by_role("form", name="New team")
    form.get_by_label("Name").fill("Night shift")
    form.get_by_label("Members").select_option(label="Andy Agent")
    form.get_by_role("button", name="Create team").click()
    card = page.get_by_role("region", name="Team Night shift")
    card.wait_for()
    card.get_by_label("Team name").fill("Late shift")
    card.get_by_role("button", name="Rename").click()
    card = page.get_by_role("region", name="Team Late shift")
    card.wait_for()
    card.get_by_label("Add member").select_option(label="Ada Admin")
    card.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("status").filter(has_text="Ada Admin joined Late shift.").wait_for()
    card = page.get_by_role("region", name="Team Late shift")
    card.get_by_role("button", name="Remove Andy Agent from Late shift").click()
    page.get_by_role("status").filter(has_text="Andy Agent left Late shift.").wait_for()
    # Then the API has the renamed team with Ada only
    [team] = [t for t in world.admin.get("/v1/teams")["items"] if t["name"] == "Late shift"]
    assert team["member_ids"] == [world.ids["admin"]["id"]]


def test_portfolios_and_projects_are_created_moved_and_shared(world, browser):
    page = admin_page(world, browser, "/admin/projects")
    # When the admin creates a portfolio and a project outside it, then moves the project into it
    page.get_by_role("form", name="New portfolio").get_by_label("Name").fill("Clinics")
    page.get_by_role("button", name="Create portfolio").click()
    page.get_by_role("region", name="Clinics").wait_for()
    page.get_by_role("form", name="New project").get_by_label("Name").fill("North clinic")
    page.get_by_role("button", name="Create project").click()
    page.get_by_role("status").filter(has_text="Project North clinic created.").wait_for()
    page.get_by_label("Portfolio of North clinic").select_option(label="Clinics")
    page.get_by_role("form", name="Move North clinic").get_by_role("button", name="Move").click()
    page.get_by_role("region", name="Clinics").get_by_role("link", name="North clinic", exact=True).wait_for()
    # And gives the support team access and Alice (a customer) a follow, from the project's page
    page.get_by_role("link", name="North clinic", exact=True).click()
    page.get_by_role("heading", name="Project: North clinic").wait_for()
    settle(page)
    page.get_by_label("Add member").select_option(label="Team Customer support")
    page.get_by_role("button", name="Add member").click()
    page.get_by_role("status").filter(has_text="Team Customer support added.").wait_for()
    page.get_by_label("Add follower").select_option(label="Alice A (customer)")
    page.get_by_role("button", name="Add follower").click()
    page.get_by_role("status").filter(has_text="Alice A added.").wait_for()
    # Then the API has the project in Clinics with the team and the follower
    [portfolio] = [p for p in world.admin.get("/v1/portfolios")["items"] if p["name"] == "Clinics"]
    [project] = [p for p in world.admin.get("/v1/projects")["items"] if p["name"] == "North clinic"]
    assert project["portfolio_id"] == portfolio["id"]
    assert project["members"] == [f"team:{world.ids['team']['id']}"]
    assert project["followers"] == [world.ids["alice"]["id"]]
