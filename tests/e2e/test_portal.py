"""The portal, the widget and the agent workspace in Debian chromium against the real local stack.

Given a fresh agency tenant built through the public API (tests/e2e/portal_helpers.py), each test
drives the static pages the way customers and agents do: SPEC S3 (form with a due date → board drag
→ the customer sees the status), S4 (customer B never reaches customer A's work), private notes,
the widget on a plain page, and hostile content that must execute nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import pytest

from e2e.portal_helpers import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Client,
    build_world,
    new_context,
    outbox,
    screenshot,
    send_mail,
    settle,
    sign_in_context,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def world(stack):
    return build_world(stack.base)


@dataclass
class Watch:
    """Everything a page did that it must not: uncaught errors and dialogs (alert/confirm/prompt)."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    confirm: bool = True

    def attach(self, page: Any) -> Any:
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(d: Any) -> None:
            self.dialogs.append(f"{d.type}: {d.message}")
            d.accept() if self.confirm else d.dismiss()

        page.on("dialog", on_dialog)
        return page


def open_page(context: Any, url: str, watch: Watch | None = None) -> Any:
    page = context.new_page()
    if watch:
        watch.attach(page)
    page.goto(url)
    return page


def customer_item(world, who: str, title: str, **extra) -> dict:
    """An item requested by a customer, created by the admin through the API."""
    body = {
        "kind": "ticket",
        "type_id": world.ids["support_type"]["id"],
        "title": title,
        "requester": world.ids[who]["id"],
        **extra,
    }
    return world.admin.post("/v1/items", body)


# --------------------------------------------------------------------------- S3


def test_s3_form_with_due_date_board_drag_and_customer_sees_status(world, browser):
    # Given Alice signed in to the portal with her password
    watch = Watch()
    alice_ctx = new_context(browser)
    page = open_page(alice_ctx, world.portal, watch)
    page.get_by_role("heading", name=re.compile("Sign in")).wait_for()
    pw = page.locator("form[aria-labelledby=pw-title]")
    pw.get_by_label("Email").fill(world.ids["alice"]["email"])
    pw.get_by_label("Password").fill(PASSWORD)
    pw.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My requests").wait_for()
    assert page.locator(".topbar").get_by_text("Alice A").is_visible()

    # When she opens the marketing form and sends it empty, the browser names every missing field
    page.get_by_role("link", name="New request").click()
    assert page.get_by_role("heading", name="Surveys").is_visible()  # surveys are listed apart
    page.get_by_role("link", name="Marketing request").click()
    form = page.get_by_role("form", name="Marketing request")
    form.get_by_role("button", name="Send request").click()
    for label in ("Subject", "Clinic location", "Number of flyers", "Needed by"):
        assert form.get_by_label(label).get_attribute("aria-invalid") == "true", label
    assert form.get_by_text("This field is required.").count() == 4

    # And the API's own check speaks too: a field the admin made required meanwhile is reported
    mtype = world.ids["marketing_type"]
    fields = mtype["form"]["fields"] + [
        {"key": "budget_code", "label": "Budget code", "type": "text", "required": True}
    ]
    world.admin.patch(f"/v1/item-types/{mtype['id']}", {"form": {"fields": fields}})
    try:
        form.get_by_label("Subject").fill("Flyers for the spring campaign")
        form.get_by_label("Clinic location").select_option("North clinic")
        form.get_by_label("Number of flyers").fill("250")
        form.get_by_label("Needed by").fill("2031-05-20")
        form.get_by_role("button", name="Send request").click()
        page.get_by_role("alert").filter(has_text="budget_code").wait_for()
        # A reload shows the new field; the browser then asks for it, and the request goes through
        page.reload()
        form = page.get_by_role("form", name="Marketing request")
        form.get_by_label("Subject").fill("Flyers for the spring campaign")
        form.get_by_label("Clinic location").select_option("North clinic")
        form.get_by_label("Number of flyers").fill("250")
        form.get_by_label("Needed by").fill("2031-05-20")
        form.get_by_label("Budget code").fill("MKT-7")
        form.get_by_role("button", name="Send request").click()
        page.wait_for_url(re.compile(r"#/items/"))
    finally:
        world.admin.patch(f"/v1/item-types/{mtype['id']}", {"form": {"fields": mtype["form"]["fields"]}})
    ref = page.url.rsplit("/", 1)[-1]
    page.get_by_role("heading", name="Flyers for the spring campaign").wait_for()
    item = world.admin.get(f"/v1/items/{ref}")
    assert item["due_date"] == "2031-05-20" and item["kind"] == "task"
    assert item["requester"] == world.ids["alice"]["id"]
    assert item["fields"]["copies"] == 250 and item["fields"]["location"] == "North clinic"
    assert page.locator(f'[data-status="{item["status"]}"]').first.is_visible()

    # When the agent drags its card to "In progress" on the board
    agent_ctx = new_context(browser)
    agent = open_page(agent_ctx, world.app, watch)
    agent.get_by_label("Help desk (tenant)").fill(world.slug)
    agent.get_by_label("Email").fill(world.ids["agent"]["email"])
    agent.get_by_label("Password").fill(PASSWORD)
    agent.get_by_role("button", name="Sign in").click()
    agent.get_by_role("heading", name="Items").wait_for()
    agent.goto(f"{world.app}#/board?kind=task")
    card = agent.locator(f'.kcard[data-ref="{ref}"]')
    card.wait_for()
    card_text = card.inner_text()
    assert "Flyers for the spring campaign" in card_text and "0%" in card_text and "Normal" in card_text
    agent.drag_and_drop(f'.kcard[data-ref="{ref}"]', '.kcol[data-status="in_progress"]')
    agent.get_by_text(f"{ref} moved to In progress.").wait_for()
    assert agent.locator(f'.kcol[data-status="in_progress"] .kcard[data-ref="{ref}"]').count() == 1
    assert world.admin.get(f"/v1/items/{ref}")["status"] == "in_progress"

    # Then the customer sees the new status
    page.reload()
    badge = page.locator('.badge.status[data-status="in_progress"]')
    badge.wait_for()
    assert badge.inner_text() == "In progress"
    page.get_by_role("link", name="My requests").click()
    row = page.locator(f'li[data-ref="{ref}"]')
    row.wait_for()
    assert "In progress" in row.inner_text()
    assert not watch.errors and not watch.dialogs
    alice_ctx.close()
    agent_ctx.close()


# --------------------------------------------------------------------------- S4


def test_s4_customer_b_cannot_reach_customer_a_items(world, browser):
    # Given an item of Alice in Project1 (which Bob does not follow) and one of Bob
    secret = customer_item(world, "alice", "Alice confidential campaign", project_id=world.ids["project1"]["id"])
    world.admin.post(
        f"/v1/items/{secret['ref']}/messages", {"body": "Public answer for Alice only", "visibility": "public"}
    )
    mine = customer_item(world, "bob", "Bob's own request", project_id=world.ids["project_b"]["id"])
    watch = Watch()
    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids["bob"]["email"])

    # When Bob looks through the portal
    page = open_page(ctx, f"{world.portal}#/requests", watch)
    page.locator(f'li[data-ref="{mine["ref"]}"]').wait_for()
    page.get_by_role("region", name="Project: Incoming tickets (B)").wait_for()
    settle(page)
    # Then nothing of Alice's appears, not even Project1
    content = page.content()
    assert "Alice confidential campaign" not in content and "Project1" not in content

    # And typing the URL of Alice's item tells him only that there is nothing to see
    for ref in (secret["ref"], secret["id"]):
        page.goto(f"{world.portal}#/items/{ref}")
        page.get_by_role("heading", name="Request not found").wait_for()
        assert "Alice confidential campaign" not in page.content()
        assert "Public answer for Alice only" not in page.content()
    status = page.evaluate(f"fetch('/v1/items/{secret['ref']}').then(r => r.status)")
    assert status == 404
    status = page.evaluate(f"fetch('/v1/items/{secret['ref']}/messages').then(r => r.status)")
    assert status == 404

    # And the agents' workspace sends him back to his portal without loading anything
    page.goto(f"{world.app}#/items/{secret['ref']}")
    page.get_by_role("heading", name="This is the agents' workspace").wait_for()
    assert "Alice confidential campaign" not in page.content()

    # And Alice, who follows Project1, does see it
    alice = new_context(browser)
    sign_in_context(alice, world.base, world.slug, world.ids["alice"]["email"])
    apage = open_page(alice, f"{world.portal}#/items/{secret['ref']}", watch)
    apage.get_by_role("heading", name="Alice confidential campaign").wait_for()
    assert not watch.errors and not watch.dialogs
    ctx.close()
    alice.close()


# --------------------------------------------------------------------------- private notes


def test_private_note_never_appears_in_the_customer_view(world, browser):
    item = customer_item(world, "alice", "Question about invoices")
    watch = Watch()
    agent_ctx = new_context(browser)
    sign_in_context(agent_ctx, world.base, world.slug, world.ids["agent"]["email"])
    agent = open_page(agent_ctx, f"{world.app}#/items/{item['ref']}", watch)
    agent.get_by_role("heading", name="Question about invoices").wait_for()
    composer = agent.get_by_role("form", name="Write a message")

    # Given the agent writes a private note mentioning a colleague through the autocomplete
    composer.get_by_label("Private note (staff only)").check()
    text = composer.get_by_label("Message")
    text.fill("INTERNAL ONLY: she is on the old price list, ask ")
    text.press_sequentially("@ad")
    option = agent.get_by_role("listbox", name="People and teams to mention").get_by_role(
        "option", name=re.compile("Ada Admin")
    )
    option.wait_for()
    text.press("Enter")
    assert "@admin " in text.input_value()
    composer.get_by_role("button", name="Add private note").click()
    agent.get_by_text("Private note added.").wait_for()
    # And a public reply
    composer.get_by_label("Public reply (customer sees it, emailed)").check()
    text.fill("Your invoice is on its way.")
    composer.get_by_role("button", name="Send public reply").click()
    agent.get_by_text("Reply sent.").wait_for()
    agent.locator(".message.private").filter(has_text="INTERNAL ONLY").wait_for()
    assert agent.locator(".message.private .badge.private").count() == 1
    notes = world.admin.get(f"/v1/items/{item['ref']}/messages")["items"]
    private = next(m for m in notes if m["visibility"] == "private")
    assert private["mentions"] == [f"user:{world.ids['admin']['id']}"]

    # When Alice opens her request
    alice = new_context(browser)
    sign_in_context(alice, world.base, world.slug, world.ids["alice"]["email"])
    page = open_page(alice, f"{world.portal}#/items/{item['ref']}", watch)
    page.get_by_text("Your invoice is on its way.").wait_for()
    # Then the public reply is there and the private note nowhere (page, API answers)
    assert "INTERNAL ONLY" not in page.content()
    messages = page.evaluate(f"fetch('/v1/items/{item['ref']}/messages').then(r => r.text())")
    assert "INTERNAL ONLY" not in messages
    # Nor in the mail Alice was sent
    for mail in outbox(world.base):
        if world.ids["alice"]["email"] in str(mail.get("to")):
            assert "INTERNAL ONLY" not in (mail.get("text") or "") + (mail.get("html") or "")
    assert not watch.errors and not watch.dialogs
    agent_ctx.close()
    alice.close()


# --------------------------------------------------------------------------- magic link


def test_magic_link_sign_in_through_the_outbox(world, browser):
    ctx = new_context(browser)
    watch = Watch()
    page = open_page(ctx, world.portal, watch)
    magic = page.locator("form[aria-labelledby=ml-title]")
    magic.get_by_label("Email").fill(world.ids["alice"]["email"])
    magic.get_by_role("button", name="Email me a sign-in link").click()
    magic.get_by_text("a sign-in link is on its way").wait_for()

    def link() -> str | None:
        for mail in outbox(world.base):
            if world.ids["alice"]["email"] in str(mail.get("to")):
                m = re.search(r"https?://\S+?token=[\w.\-~%]+", mail.get("text") or "")
                if m and f"/portal/{world.slug}/" in m.group(0):
                    return m.group(0)
        return None

    url = wait_for(link, timeout=20)
    page.goto(url)
    page.get_by_role("heading", name="My requests").wait_for()
    assert "token=" not in page.url  # the single-use token does not linger in the address bar
    assert page.locator(".topbar").get_by_text("Alice A").is_visible()
    assert page.evaluate("document.cookie") == ""  # the session cookie is HttpOnly: scripts never see it
    assert page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)") == "{}{}"
    assert not watch.errors
    ctx.close()


# --------------------------------------------------------------------------- widget


def test_widget_opens_on_a_plain_page_and_submits_a_form(stack, browser):
    # Given a help desk that takes anonymous requests
    anon = Client(stack.base)
    slug = f"wdg-{secrets.token_hex(3)}"
    signup = anon.post(
        "/v1/signup",
        {
            "organization": "Clinic group",
            "slug": slug,
            "email": f"admin@{slug}.example",
            "name": "Admin",
            "password": PASSWORD,
        },
    )
    admin = Client(stack.base, signup["token"])
    admin.patch("/v1/settings", {"portal": {"require_login": False}})
    watch = Watch()
    ctx = new_context(browser)
    page = ctx.new_page()
    watch.attach(page)

    # The page as shipped embeds the widget of the demo tenant with one script tag
    page.goto(f"{stack.base}/widget-demo.html")
    page.get_by_role("button", name="Help").click()
    assert page.locator("iframe[data-tandem-widget=frame]").get_attribute("src").endswith("/v1/public/demo/widget")

    # When the same page names our help desk instead
    def rewrite(route: Any) -> None:
        html = route.fetch().text().replace('data-tenant="demo"', f'data-tenant="{slug}"')
        route.fulfill(body=html, content_type="text/html")

    page.route("**/widget-demo.html", rewrite)
    page.reload()
    button = page.get_by_role("button", name="Help")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    frame = page.frame_locator("iframe[data-tandem-widget=frame]")
    frame.get_by_role("link", name="Support request").click()
    form = frame.get_by_role("form", name="Support request")
    form.get_by_label("Your email").fill("visitor@clinic-north.example")
    form.get_by_label("Subject").fill("Widget: projector in room 2")
    form.get_by_label("Details").fill("It shows only blue.")
    form.get_by_role("button", name="Send request").click()
    thanks = frame.get_by_role("heading", name="Thank you")
    thanks.wait_for()

    # Then the request exists, filed by the visitor
    items = admin.get("/v1/items?kind=ticket")["items"]
    filed = next(i for i in items if i["title"] == "Widget: projector in room 2")
    assert filed["via"] == "web"
    customers = admin.get("/v1/customers")["items"]
    assert any(c["id"] == filed["requester"] and c["email"] == "visitor@clinic-north.example" for c in customers)
    page.keyboard.press("Escape")  # focus is inside the panel: the page asks widget.js to close it
    page.locator('[data-tandem-widget=button][aria-expanded="false"]').wait_for()
    assert page.locator("[data-tandem-widget=panel]").is_hidden()
    assert not watch.errors and not watch.dialogs
    ctx.close()


# --------------------------------------------------------------------------- hostile content

PWN = "window.__pwned=1;alert(1)"
PAYLOADS = [
    f"<script>{PWN}</script>",
    f'<img src=x onerror="{PWN}">',
    f'<a href="javascript:{PWN}">click me</a>',
    f'<svg onload="{PWN}"><script>{PWN}</script></svg>',
    f'"><iframe src="javascript:top.__pwned=1"></iframe><b onmouseover="{PWN}">hover</b>',
    f"javascript:{PWN}",
]
HOSTILE = " ".join(PAYLOADS)


def assert_clean(page: Any, watch: Watch) -> None:
    settle(page)
    page.mouse.move(200, 300)
    page.mouse.move(400, 500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\" i], [onerror], [onload]').length") == 0
    # Mail HTML only ever lives in frames sandboxed without scripts
    sandboxes = page.evaluate("[...document.querySelectorAll('iframe')].map(f => f.getAttribute('sandbox'))")
    assert all(s == "" for s in sandboxes), sandboxes
    assert not watch.dialogs, watch.dialogs
    assert not watch.errors, watch.errors


def test_hostile_content_executes_nothing_in_portal_or_workspace(stack, browser):
    w = build_world(stack.base, prefix="evil")
    admin = w.admin
    # Given hostile branding, titles, descriptions, messages, form answers…
    admin.patch(
        "/v1/settings",
        {
            "portal": {
                "branding": {
                    "name": f'Evil <img src=x onerror="{PWN}">',
                    "logo_url": f"javascript:{PWN}",
                    "color": "red;}",
                }
            }
        },
    )
    api_item = customer_item(w, "alice", f"API {HOSTILE}", description=HOSTILE)
    admin.post(f"/v1/items/{api_item['ref']}/messages", {"body": HOSTILE, "visibility": "public"})
    admin.post(f"/v1/items/{api_item['ref']}/messages", {"body": f"private {HOSTILE}", "visibility": "private"})
    alice = w.client("alice")
    form_ref = alice.post(
        f"/v1/public/{w.slug}/forms/{w.ids['marketing_type']['id']}",
        {
            "title": f"Form {PAYLOADS[1]}",
            "description": HOSTILE,
            "fields": {"location": "North clinic", "copies": 1, "due_date": "2031-01-01"},
            "due_date": "2031-01-01",
        },
    )["ref"]
    alice.post(f"/v1/items/{api_item['ref']}/messages", {"body": f"customer says {HOSTILE}", "visibility": "public"})
    # …and a mail to the help desk's inbound address carrying the same in its subject and HTML part
    mail_ref = None
    if stack.smtp:
        send_mail(
            stack.smtp,
            sender="alice@customer-a.example",
            to=w.ids["support_type"]["inbound_address"],
            subject=f"Mail {PAYLOADS[0]}",
            text=f"plain {HOSTILE}",
            html=f"<html><body><p>mail</p>{HOSTILE}<math><mtext><table><mglyph><style><img src=x "
            f'onerror="{PWN}"></style></mglyph></table></mtext></math><p>bye</p></body></html>',
        )

        def arrived() -> str | None:
            rows = admin.get(f"/v1/items?requester={w.ids['alice']['id']}")["items"]
            return next((i["ref"] for i in rows if i["title"].startswith("Mail ")), None)

        mail_ref = wait_for(arrived, timeout=30)
    refs = [api_item["ref"], form_ref] + ([mail_ref] if mail_ref else [])

    watch = Watch()
    # Then the portal shows it all as text and runs nothing
    ctx = new_context(browser)
    sign_in_context(ctx, w.base, w.slug, w.ids["alice"]["email"])
    page = open_page(ctx, f"{w.portal}#/requests", watch)
    page.locator(f'li[data-ref="{api_item["ref"]}"]').wait_for()
    assert "<script>" in page.locator(f'li[data-ref="{api_item["ref"]}"]').inner_text()  # shown, as text
    assert page.locator(".topbar .brand").inner_text().startswith("Evil <img")
    assert_clean(page, watch)
    for ref in refs:
        page.goto(f"{w.portal}#/items/{ref}")
        page.locator(".conversation, .muted").first.wait_for()
        for details in page.locator("details").all():
            details.locator("summary").click()
        assert_clean(page, watch)
    ctx.close()

    # And so does the workspace: list, board, tree and every item (formatted mail opened)
    ctx = new_context(browser)
    sign_in_context(ctx, w.base, w.slug, w.ids["admin"]["email"])
    page = open_page(ctx, f"{w.app}#/list", watch)
    page.locator(f'tr[data-ref="{api_item["ref"]}"]').wait_for()
    assert_clean(page, watch)
    for kind in ("ticket", "task"):
        page.goto(f"{w.app}#/board?kind={kind}")
        page.locator(".board[data-ready=true]").wait_for()
        assert_clean(page, watch)
    for ref in refs:
        page.goto(f"{w.app}#/items/{ref}")
        page.locator(".conversation, p.muted").first.wait_for()
        for details in page.locator("details").all():
            details.locator("summary").click()
        assert_clean(page, watch)
        page.goto(f"{w.app}#/items/{ref}?tab=activity")
        page.locator("ol.activity, p.muted").first.wait_for()
        assert_clean(page, watch)
    if mail_ref:
        page.goto(f"{w.app}#/items/{mail_ref}")
        frame = page.locator("iframe.mail-html")
        if frame.count():
            assert frame.first.get_attribute("sandbox") == ""
    ctx.close()


# --------------------------------------------------------------------------- screenshots


def test_screenshots_of_portal_board_and_item(world, browser):
    item = customer_item(
        world,
        "alice",
        "Poster for the open day",
        project_id=world.ids["project1"]["id"],
        due_date="2031-04-01",
        priority="high",
    )
    world.admin.post(
        f"/v1/items/{item['ref']}/messages",
        {"body": "Hi Alice, we will send a draft on Monday.", "visibility": "public"},
    )
    world.admin.post(
        f"/v1/items/{item['ref']}/messages", {"body": "Remember: use the new logo.", "visibility": "private"}
    )
    world.admin.patch(
        f"/v1/items/{item['ref']}", {"percent_complete": 40, "assignees": [f"user:{world.ids['agent']['id']}"]}
    )
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        cust = new_context(browser, viewport)
        sign_in_context(cust, world.base, world.slug, world.ids["alice"]["email"])
        page = open_page(cust, world.portal)
        page.get_by_role("link", name="Marketing request").wait_for()
        screenshot(page, f"portal-{name}")
        page.goto(f"{world.portal}#/items/{item['ref']}")
        page.get_by_text("we will send a draft").wait_for()
        screenshot(page, f"portal-item-{name}")
        cust.close()

        staff = new_context(browser, viewport)
        sign_in_context(staff, world.base, world.slug, world.ids["admin"]["email"])
        page = open_page(staff, f"{world.app}#/board?kind=ticket")
        page.locator(".board[data-ready=true]").wait_for()
        screenshot(page, f"board-{name}")
        page.goto(f"{world.app}#/items/{item['ref']}")
        page.get_by_text("use the new logo").wait_for()
        screenshot(page, f"item-{name}")
        page.goto(f"{world.app}#/list")
        page.locator(f'tr[data-ref="{item["ref"]}"]').wait_for()
        screenshot(page, f"list-{name}")
        staff.close()


def test_admin_creates_disables_and_dry_runs_a_rule(world, browser):
    # Given the admin in the workspace's rules screen
    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids["admin"]["email"])
    page = open_page(ctx, f"{world.app}#/admin/rules")
    page.get_by_role("heading", name="Rules", exact=True).wait_for()
    # When a rule is built with the pickers: customer A's requests get priority High
    page.get_by_role("link", name="New rule").click()
    form = page.get_by_role("form", name="Rule")
    form.get_by_label("Name").fill("Escalate customer A")
    form.get_by_role("button", name="Add condition").click()
    condition = form.get_by_role("group", name="Condition 1")
    condition.get_by_label("Field").select_option(label="Requester's email domain")
    condition.get_by_label("Value").fill("customer-a.example")
    form.get_by_role("button", name="Add action").click()
    form.get_by_role("group", name="Action 1").get_by_label("Action", exact=True).select_option(label="Set priority")
    form.get_by_role("group", name="Action 1").get_by_label("Priority").select_option(label="High")
    form.get_by_role("button", name="Save rule").click()
    card = page.locator("li.card").filter(has_text="Escalate customer A")
    card.wait_for()
    # Then it can be tried on an item and disabled, and the API agrees
    item = world.client("alice").post("/v1/items", {"type_id": world.ids["support_type"]["id"], "title": "Try me"})
    card.get_by_label("Dry run on item").fill(item["ref"])
    card.get_by_role("button", name="Try").click()
    card.get_by_text(re.compile(f"Matches {item['ref']}")).wait_for()
    card.get_by_role("button", name="Disable").click()
    page.locator("li.card").filter(has_text="Escalate customer A").get_by_role("button", name="Enable").wait_for()
    rules = world.admin.get("/v1/rules")["items"]
    assert [r["enabled"] for r in rules if r["name"] == "Escalate customer A"] == [False]
    ctx.close()
