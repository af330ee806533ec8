"""The knowledge base of issue 14 in Debian chromium on the real local stack: the workspace's `#/kb` (categories,
the article editor), the composer's "Insert article", the portal's help centre and the widget's Help tab.

Given an agency tenant built through the public API (tests/e2e/portal_helpers.py), each test drives the pages through
accessible roles and labels and checks the outcome through the API: an agent publishes an article that a customer
reads and votes on, hostile Markdown renders inert, an organisation's article stays out of reach of another
organisation's customer even by direct address, the composer inserts an article's portal link into a reply, and
the widget's Help tab finds an article.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from e2e.portal_helpers import (
    PAGE_ERRORS,
    PASSWORD,
    Client,
    build_world,
    new_context,
    open_app,
    screenshot,
    settle,
    sign_in_context,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# Everything the page must not do with an article body, written the ways Markdown and raw HTML allow.
PWN = "window.__pwned=1;alert(1)"
HOSTILE_MARKDOWN = f"""# Printer safety

Plain words stay. **Bold stays.**

<script>{PWN}</script>

<img src=x onerror="{PWN}">

[click me](javascript:{PWN})

[shout](JAVASCRIPT:alert(2))

![picture](javascript:alert(3))

<a href="javascript:{PWN}">raw link</a>

<div onmouseover="{PWN}">hover here</div>

<svg onload="{PWN}"><script>{PWN}</script></svg>

<iframe src="javascript:top.__pwned=1"></iframe>

<math><mi xlink:href="javascript:alert(4)">x</mi></math>

[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

`<script>alert(5)</script>` in code, and a [fine link](https://example.com/docs).
"""


@pytest.fixture(scope="module")
def world(stack):
    # Anonymous visitors may use this portal (the widget's visitor is not signed in)
    return build_world(stack.base, prefix="kb", require_login=False)


def portal_page(world: Any, browser: Any, route: str, who: str | None = None) -> Any:
    ctx = new_context(browser)
    if who:
        sign_in_context(ctx, world.base, world.slug, world.ids[who]["email"])
    page = ctx.new_page()
    page.goto(f"{world.portal}#{route}")
    page.get_by_role("heading").first.wait_for()
    settle(page)
    return page


def article(world: Any, title: str, body: str = "Some words.", **extra: Any) -> dict:
    payload = {"title": title, "body_markdown": body, "state": "published", "visibility": "public", **extra}
    return world.admin.post("/v1/kb/articles", payload)


def category(world: Any, name: str, position: int = 0) -> dict:
    return world.admin.post("/v1/kb/categories", {"name": name, "position": position})


def searchable(world: Any, words: str, article_id: str, who: Client | None = None) -> None:
    """The search index follows the table's stream: wait until the public search finds the article."""
    client = who or Client(world.base)
    wait_for(lambda: any(a["id"] == article_id for a in client.get(f"/v1/public/{world.slug}/kb?q={words}")["items"]),
             timeout=30)


def inert_report(page: Any) -> dict:
    """What an article page holds that could run code: handlers, script-ish elements, `javascript:` URLs."""
    return page.evaluate(
        """() => {
        const all = [...document.querySelectorAll('*')];
        return {
          handlers: all.filter((el) => [...el.attributes].some((a) => a.name.toLowerCase().startsWith('on')))
                       .map((el) => el.outerHTML.slice(0, 80)),
          scripts: [...document.querySelectorAll('main :is(script, svg, iframe, object, embed, math)')]
                       .map((el) => el.outerHTML.slice(0, 80)),
          // javascript: anywhere; data: in what the page shows (the head's empty icon is `data:,`)
          jsUrls: all.filter((el) => ['href', 'src', 'xlink:href', 'action', 'formaction'].some((n) => {
                       const url = el.getAttribute(n) || '';
                       const shown = el.closest('main');
                       return /^\\s*(javascript|vbscript):/i.test(url) || (shown && /^\\s*data:/i.test(url));
                     })).map((el) => el.outerHTML.slice(0, 80)),
          pwned: typeof window.__pwned,
        };
    }"""
    )


# --------------------------------------------------------------------------- categories


def test_admin_creates_renames_reorders_and_deletes_categories(world, browser):
    # Given the admin on the categories of the knowledge base
    page = open_app(world, browser, "/kb/categories", who="admin")
    page.get_by_role("heading", name="Knowledge base").wait_for()
    # When they create two categories
    for name in ("Billing", "Accounts"):
        new = page.get_by_role("form", name="New category")
        new.get_by_label("Name").fill(name)
        new.get_by_role("button", name="Create category").click()
        page.get_by_role("status").filter(has_text=f"Category {name} created.").wait_for()
    # And move Accounts above Billing, then rename Billing
    page.get_by_role("button", name="Move up Accounts").click()
    page.get_by_role("status").filter(has_text="Accounts moved.").wait_for()
    rename = page.get_by_role("form", name="Rename Billing")
    rename.get_by_label("Name of Billing").fill("Invoices")
    rename.get_by_role("button", name="Rename").click()
    page.get_by_role("status").filter(has_text="Renamed to Invoices.").wait_for()
    # Then the API lists them in the new order under the new name
    cats = sorted(world.admin.get("/v1/kb/categories")["items"], key=lambda c: c["position"])
    names = [c["name"] for c in cats]
    assert names.index("Accounts") < names.index("Invoices")
    # When they delete Invoices (it has no articles)
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete Invoices").click()
    page.get_by_role("status").filter(has_text="Invoices deleted.").wait_for()
    # Then it is gone, and the screen's list matches the API's
    assert "Invoices" not in [c["name"] for c in world.admin.get("/v1/kb/categories")["items"]]
    assert page.get_by_role("form", name="Rename Invoices").count() == 0
    # But a category that still holds an article stays, and the admin is told why
    accounts = next(c for c in cats if c["name"] == "Accounts")
    article(world, "Close your account", category_id=accounts["id"], state="draft")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete Accounts").click()
    page.get_by_role("alert").filter(has_text="still has articles").wait_for()
    assert any(c["id"] == accounts["id"] for c in world.admin.get("/v1/kb/categories")["items"])
    page.context.close()


# --------------------------------------------------------------------------- write, publish, read, vote


def test_agent_publishes_an_article_and_a_customer_reads_it_and_votes(world, browser):
    accounts = category(world, "Passwords", position=5)
    # Given an agent writing a new article in the workspace
    page = open_app(world, browser, "/kb")
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Knowledge base").wait_for()
    page.get_by_role("link", name="New article").click()
    page.get_by_role("heading", name="New article").wait_for()
    form = page.get_by_role("form", name="Article")
    form.get_by_label("Title").fill("Reset your password")
    form.get_by_label("Category").select_option(label="Passwords")
    form.get_by_label("Text (Markdown)").fill("Open **Settings**, then choose *Reset*.\n\n- one\n- two\n")
    form.get_by_label("State").select_option("published")
    form.get_by_label("Who can read it").select_option("customers")
    form.get_by_role("button", name="Create article").click()
    # Then it is saved, and the preview shows the API's rendering of the Markdown
    page.get_by_role("heading", name="Reset your password").wait_for()
    page.get_by_role("status").filter(has_text="Saved.").wait_for()
    preview = page.get_by_role("region", name="Preview")
    assert preview.locator("strong").inner_text() == "Settings"
    assert preview.locator("li").count() == 2
    made = next(a for a in world.admin.get("/v1/kb/articles")["items"] if a["title"] == "Reset your password")
    assert (made["state"], made["visibility"], made["category_id"]) == ("published", "customers", accounts["id"])
    screenshot(page, "kb-editor")
    page.context.close()

    # When Alice, signed in to the portal, opens the help centre
    portal = portal_page(world, browser, "/", who="alice")
    portal.get_by_role("navigation", name="Portal").get_by_role("link", name="Help centre").click()
    portal.get_by_role("heading", name="Help centre").wait_for()
    settle(portal)
    # Then the article is listed under its category, and opens
    group = portal.get_by_role("region", name="Passwords")
    group.get_by_role("link", name="Reset your password").click()
    portal.get_by_role("heading", name="Reset your password").wait_for()
    assert portal.get_by_role("article").locator("strong").inner_text() == "Settings"
    assert portal.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Passwords").is_visible()
    # When she answers "Was this helpful?" with Yes
    portal.get_by_role("region", name="Was this helpful?").get_by_role("button", name="Yes").click()
    portal.get_by_text("Thanks for your feedback.").wait_for()
    screenshot(portal, "kb-portal-article")
    # Then the article counts one helpful vote, which the agents' list shows
    wait_for(lambda: world.admin.get(f"/v1/kb/articles/{made['id']}")["helpful"] == {"yes": 1, "no": 0})
    # And an anonymous visitor does not find an article meant for signed-in customers
    anon = portal_page(world, browser, f"/kb/{made['id']}")
    anon.get_by_role("heading", name="Article not found").wait_for()
    anon.context.close()
    agent = open_app(world, browser, "/kb")
    row = agent.locator(f"tr[data-id='{made['id']}']")
    assert row.get_by_text("1 yes · 0 no").is_visible()
    assert row.get_by_text("Published").is_visible()
    portal.context.close()
    agent.context.close()


# --------------------------------------------------------------------------- hostile Markdown


def test_hostile_markdown_renders_inert_in_the_portal_and_the_preview(world, browser):
    # Given a published public article whose Markdown tries every way to run script
    made = article(world, "Printer safety", HOSTILE_MARKDOWN)
    dialogs: list[str] = []
    for who, url in (("alice", f"{world.portal}#/kb/{made['id']}"), (None, f"{world.portal}#/kb/{made['id']}"),
                     ("agent", f"{world.app}#/kb/articles/{made['id']}")):
        ctx = new_context(browser)
        if who:
            sign_in_context(ctx, world.base, world.slug, world.ids[who]["email"])
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        # When it is opened in the portal (signed in and not) and in the agent's editor preview
        page.goto(url)
        page.get_by_role("heading", name="Printer safety").first.wait_for()  # the page's, and the body's own
        settle(page)
        body = page.locator(".kb-body")
        body.hover()
        page.mouse.move(10, 10)
        for link in body.locator("a").all():
            href = link.get_attribute("href") or ""
            if not href.startswith("http"):
                link.click(no_wait_after=True)  # a link left without a safe address goes nowhere
        settle(page)
        # Then no script ran, no handler or script-ish element or javascript:/data: URL is in the DOM
        report = inert_report(page)
        assert report == {"handlers": [], "scripts": [], "jsUrls": [], "pwned": "undefined"}, (who, report)
        # And the words, the harmless formatting and the raw HTML (as words) are still there
        assert body.get_by_text("Plain words stay.").count() == 1
        assert body.get_by_text('<img src=x onerror="window.__pwned=1;alert(1)">').count() == 1
        assert body.locator("strong").first.inner_text() == "Bold stays."
        assert body.get_by_role("link", name="fine link").get_attribute("href") == "https://example.com/docs"
        ctx.close()
    assert dialogs == []


# HTML the API's sanitiser would never let through: the page's own allow-list must hold on its own.
RAW_HOSTILE_HTML = (
    f'<p>Kept <strong>words</strong></p><img src=x onerror="{PWN}"><a href="javascript:{PWN}">js</a>'
    f'<svg onload="{PWN}"><script>{PWN}</script></svg><script>{PWN}</script><div onclick="{PWN}">div</div>'
    f'<iframe src="javascript:top.__pwned=1"></iframe><math><a href="javascript:{PWN}">m</a></math>'
    f'<form action="javascript:{PWN}"><button formaction="javascript:{PWN}">b</button></form>'
    f'<a href=" data:text/html,<script>{PWN}</script>">d</a><p style="position:fixed">styled</p>'
)
# Chromium reports an inline handler or style attribute against the CSP when it parses one, even in the inert
# document the page parses article HTML in (nothing runs): those reports are expected here, nothing else is.
CSP_PARSE_REPORT = re.compile(r"console error: (Executing inline event handler|Applying inline style) violates")


def test_unsanitised_html_from_the_api_would_still_render_inert(world, browser):
    # Given an article page whose API answer (replaced here) carries raw hostile HTML
    ctx = new_context(browser)
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    answer = {"id": "raw", "title": "Raw", "body_html": RAW_HOSTILE_HTML, "category_id": None,
              "updated_at": "2026-01-02T00:00:00Z"}
    page.route(f"**/v1/public/{world.slug}/kb/raw", lambda route: route.fulfill(json=answer))
    # When the portal shows it
    page.goto(f"{world.portal}#/kb/raw")
    page.get_by_role("heading", name="Raw").wait_for()
    settle(page)
    page.locator(".kb-body").hover()
    # Then nothing ran and nothing dangerous reached the page, while the words did
    assert inert_report(page) == {"handlers": [], "scripts": [], "jsUrls": [], "pwned": "undefined"}
    assert page.evaluate("document.querySelectorAll('main form, main button[formaction], main [style]').length") == 0
    assert page.locator(".kb-body strong").inner_text() == "words"
    assert dialogs == []
    ctx.close()
    PAGE_ERRORS[:] = [e for e in PAGE_ERRORS if not CSP_PARSE_REPORT.search(e)]


# --------------------------------------------------------------------------- organisation-limited


def test_a_customer_of_another_organisation_gets_not_found_by_direct_address(world, browser):
    org_a = world.ids["alice"]["organization_id"]
    # Given a draft that an agent limits to customer A's organisation in the editor, and publishes
    made = article(world, "CustomerA escalation contacts", "Call Dana first.", state="draft")
    editor = open_app(world, browser, f"/kb/articles/{made['id']}")
    form = editor.get_by_role("form", name="Article")
    assert form.get_by_role("group", name="Organisations").is_hidden()  # only asked for when it matters
    form.get_by_label("Who can read it").select_option("organizations")
    form.get_by_role("button", name="Save").click()
    assert form.get_by_text("Choose at least one organisation").is_visible()  # refused before asking the API
    form.get_by_role("group", name="Organisations").get_by_label("CustomerA").check()
    form.get_by_label("State").select_option("published")
    form.get_by_label("Text (Markdown)").fill("Call **Dana** first.")
    form.get_by_role("button", name="Save").click()
    editor.get_by_role("status").filter(has_text="Saved.").wait_for()
    assert editor.get_by_role("region", name="Preview").locator("strong").inner_text() == "Dana"
    saved = world.admin.get(f"/v1/kb/articles/{made['id']}")
    assert (saved["state"], saved["visibility"], saved["organization_ids"]) == ("published", "organizations", [org_a])
    editor.context.close()
    # When Bob (organisation B) opens it by its address
    bob = portal_page(world, browser, f"/kb/{made['id']}", who="bob")
    # Then the portal says there is no such article, and shows none of it
    bob.get_by_role("heading", name="Article not found").wait_for()
    assert bob.get_by_text("Dana").count() == 0
    # And his help centre does not list it
    bob.goto(f"{world.portal}#/kb")
    bob.get_by_role("heading", name="Help centre").wait_for()
    settle(bob)
    assert bob.get_by_role("link", name="CustomerA escalation contacts").count() == 0
    bob.context.close()
    # While Alice (organisation A) reads it
    alice = portal_page(world, browser, f"/kb/{made['id']}", who="alice")
    alice.get_by_role("heading", name="CustomerA escalation contacts").wait_for()
    assert alice.get_by_role("article").locator("strong").inner_text() == "Dana"
    alice.context.close()


# --------------------------------------------------------------------------- composer


def test_the_composer_inserts_an_article_link_into_a_reply(world, browser):
    # Given a published article and Alice's ticket
    made = article(world, "Configure the VPN client", "Install the client, then sign in.")
    searchable(world, "vpn", made["id"])
    item = world.admin.post("/v1/items", {"kind": "ticket", "type_id": world.ids["support_type"]["id"],
                                           "title": "VPN does not connect", "requester": world.ids["alice"]["id"]})
    page = open_app(world, browser, f"/items/{item['ref']}")
    composer = page.get_by_role("form", name="Write a message")
    text = composer.get_by_label("Message")
    text.fill("Hello Alice, please follow ")
    # When the agent inserts the article through the search dialog
    composer.get_by_role("button", name="Insert article").click()
    dialog = page.get_by_role("dialog", name="Insert an article")
    dialog.get_by_label("Search articles").fill("vpn")
    dialog.get_by_role("button", name="Configure the VPN client").click()
    assert dialog.is_hidden()
    url = f"{world.base}/portal/{world.slug}/#/kb/{made['id']}"
    # Then the reply holds the article's title and portal address where the cursor was
    assert text.input_value() == f"Hello Alice, please follow Configure the VPN client: {url}"
    composer.get_by_role("button", name="Send public reply").click()
    page.get_by_role("status").filter(has_text="Reply sent.").wait_for()
    messages = world.admin.get(f"/v1/items/{item['ref']}/messages")["items"]
    assert any(url in m["body"] for m in messages)
    page.context.close()
    # And that address opens the article for Alice
    alice = new_context(browser)
    sign_in_context(alice, world.base, world.slug, world.ids["alice"]["email"])
    reader = alice.new_page()
    reader.goto(url)
    reader.get_by_role("heading", name="Configure the VPN client").wait_for()
    alice.close()


def test_global_search_finds_an_article_and_opens_its_editor(world, browser):
    # Given a draft article the search index knows
    made = article(world, "Quarterly zeppelin maintenance", "Inflate slowly.", state="draft")
    wait_for(lambda: any(h["id"] == made["id"] for h in world.admin.get("/v1/search?q=zeppelin")["items"]), timeout=30)
    # When an agent searches everything for one of its words
    page = open_app(world, browser, "/list")
    page.get_by_role("search", name="Search everything").get_by_label("Search everything").fill("zeppel")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=re.compile("Search results")).wait_for()
    settle(page)
    # Then the article is listed as one, and opens in the editor
    hit = page.locator("li.result[data-kind='article']")
    assert hit.get_by_text("Article").is_visible()
    hit.get_by_role("link", name="Quarterly zeppelin maintenance").click()
    title = page.get_by_role("form", name="Article").get_by_label("Title")
    title.wait_for()
    assert title.input_value() == "Quarterly zeppelin maintenance"
    page.context.close()


# --------------------------------------------------------------------------- widget


def test_the_widget_help_tab_finds_and_shows_an_article(world, browser):
    # Given a published public article
    made = article(world, "Printer toner replacement", "Open the front cover and pull the **green** lever.")
    searchable(world, "toner", made["id"])
    ctx = new_context(browser)
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # When a visitor on a plain page with the widget opens its Help tab and searches
    def rewrite(route: Any) -> None:
        html = route.fetch().text().replace('data-tenant="demo"', f'data-tenant="{world.slug}"')
        route.fulfill(body=html, content_type="text/html")

    page.route("**/widget-demo.html", rewrite)
    page.goto(f"{world.base}/widget-demo.html")
    page.get_by_role("button", name="Help").click()
    frame = page.frame_locator("iframe[data-tandem-widget=frame]")
    frame.get_by_role("navigation", name="Portal").get_by_role("link", name="Help").click()
    frame.get_by_role("heading", name="Help centre").wait_for()
    search = frame.get_by_role("search", name="Search the help centre")
    search.get_by_label("Search articles").fill("toner")
    search.get_by_role("button", name="Search").click()
    frame.get_by_role("heading", name=re.compile("Articles about")).wait_for()
    # Then the article is found and opens inside the panel
    frame.get_by_role("link", name="Printer toner replacement").click()
    frame.get_by_role("heading", name="Printer toner replacement").wait_for()
    assert frame.get_by_role("article").locator("strong").inner_text() == "green"
    screenshot(page, "kb-widget-help")
    assert dialogs == []
    ctx.close()


# --------------------------------------------------------------------------- module switch


def test_screens_are_hidden_when_the_knowledge_base_is_switched_off(stack, browser):
    # Given a help desk that switched the knowledge base off
    slug = f"kboff-{secrets.token_hex(3)}"
    signup = Client(stack.base).post("/v1/signup", {"organization": "No KB", "slug": slug, "name": "Admin",
                                                    "email": f"admin@{slug}.example", "password": PASSWORD})
    admin = Client(stack.base, signup["token"])
    admin.patch("/v1/settings", {"modules": {"knowledge_base": False}, "portal": {"require_login": False}})
    ctx = new_context(browser)
    sign_in_context(ctx, stack.base, slug, f"admin@{slug}.example")
    page = ctx.new_page()
    # When the admin opens the workspace, and the visitor the portal
    page.goto(f"{stack.base}/app/#/list")
    nav = page.get_by_role("navigation", name="Workspace")
    nav.get_by_role("link", name="Items").wait_for()
    settle(page)
    # Then neither offers the knowledge base, and its address says it is off
    assert nav.get_by_role("link", name="Knowledge base").count() == 0
    page.goto(f"{stack.base}/app/#/kb")
    page.get_by_text("The knowledge base is switched off").wait_for()
    visitor = new_context(browser).new_page()
    visitor.goto(f"{stack.base}/portal/{slug}/")
    visitor.get_by_role("heading", name="How can we help?").wait_for()
    settle(visitor)
    assert visitor.get_by_role("navigation", name="Portal").get_by_role("link", name="Help centre").count() == 0
    assert visitor.get_by_role("search", name="Search the help centre").count() == 0
    visitor.context.close()
    ctx.close()
