"""Live chat (issue 14, acceptance 3) in Debian chromium against the real local stack, two browser profiles.

Given a help desk with the chat module on, whose widget is embedded in a plain page of another site (served by the
test itself on another port, an origin the tenant allows to frame the widget): a visitor opens the widget, starts a
chat; an agent in the workspace sees it waiting (with the page it came from), accepts and answers; both see each
other's messages live over the same-origin WebSocket; afterwards the chat's ticket (`via: chat`) holds the
conversation. The chat survives the visitor moving to another page of the site, and answers arriving while the panel
is closed are counted on the widget's button. A chat nobody accepts in time turns into a ticket with an
acknowledgement mail, and the visitor is told an agent will answer by email: the stack runs its timers every 2 s
(TANDEM_TIMER_INTERVAL), as the hooks test does, and the tenant's wait is its shortest.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from e2e.portal_helpers import (
    Client,
    build_world,
    new_context,
    outbox,
    screenshot,
    sign_in_context,
    start_stack,
    stop_stack,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

UNANSWERED_MINUTES = 1


@pytest.fixture(scope="module")
def stack():
    s = start_stack(extra_env={"TANDEM_TIMER_INTERVAL": "2"})
    yield s
    stop_stack(s)


@pytest.fixture(scope="module")
def intranet(stack) -> Iterator[str]:
    """The clinic's intranet: any path is a plain page whose only Tandem thing is the widget's script tag (the slug
    is the first path segment). Another origin than the help desk's (another port; a public host would meet
    chromium's private network rules for the loopback stack)."""
    base = stack.base

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            slug = self.path.strip("/").split("/")[0].split("?")[0]
            html = (
                "<!doctype html><html lang=en><head><meta charset=utf-8><title>Clinic intranet</title>"
                "<link rel=icon href='data:,'></head><body><h1>Clinic rota</h1><p>Who is on call this week.</p>"
                f'<script src="{base}/widget.js" data-tenant="{slug}" async></script></body></html>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def world(stack, intranet):
    w = build_world(stack.base, require_login=False, prefix="chat")
    w.admin.patch(
        "/v1/settings",
        {
            "modules": {"chat": True},
            "chat_unanswered_minutes": UNANSWERED_MINUTES,
            "portal": {"require_login": False, "allowed_origins": [intranet]},
        },
    )
    return w


def open_chat_tab(page: Any) -> Any:
    page.get_by_role("button", name="Help").click()
    frame = page.frame_locator("iframe[data-tandem-widget=frame]")
    frame.get_by_role("link", name="Chat").click()
    frame.get_by_role("heading", name="Chat with us").wait_for()
    return frame


def start_chat(frame: Any, name: str, email: str, text: str) -> None:
    form = frame.get_by_role("form", name="Start a chat")
    form.get_by_label("Your name").fill(name)
    form.get_by_label("Your email").fill(email)
    form.get_by_label("Your message").fill(text)
    form.get_by_role("button", name="Start chat").click()


def chat_log(where: Any) -> Any:
    return where.get_by_role("list", name="Conversation")


def chat_of(admin: Client, email: str, state: str) -> dict | None:
    return next((c for c in admin.get(f"/v1/chats?state={state}")["items"] if c["visitor"]["email"] == email), None)


def texts_of(admin: Client, ref: str) -> list[str]:
    return [m.get("body") or m.get("text") or "" for m in admin.get(f"/v1/items/{ref}/messages")["items"]]


def test_visitor_and_agent_chat_live_and_the_ticket_keeps_the_conversation(world, browser, intranet):
    tag = secrets.token_hex(3)
    email = f"vera-{tag}@clinic-north.example"
    first = f"The rota page will not load ({tag})"
    answer = f"Hello Vera, looking at it now ({tag})"
    follow_up = f"Thanks, it says error 503 ({tag})"
    one_more = f"Fixed: please reload the rota ({tag})"

    # Given an agent in the workspace's chats screen
    staff = new_context(browser)
    sign_in_context(staff, world.base, world.slug, world.ids["agent"]["email"])
    agent = staff.new_page()
    agent.goto(f"{world.app}#/chats")
    agent.get_by_role("heading", name="Chats").wait_for()
    nav = agent.get_by_role("navigation", name="Workspace")
    assert nav.get_by_role("link", name="Chats", exact=True).is_visible()

    # When a visitor on the clinic's intranet opens the widget's chat and starts a chat
    visitor_ctx = new_context(browser)
    visitor = visitor_ctx.new_page()
    page_url = f"{intranet}/{world.slug}/rota?week=12"
    visitor.goto(page_url)
    frame = open_chat_tab(visitor)
    start_chat(frame, "Vera Visitor", email, first)

    # Then the visitor is told an agent will come, and sees their message
    frame.get_by_role("status").filter(has_text="An agent will be with you shortly").wait_for()
    chat_log(frame).get_by_text(first).wait_for()

    # And the agent sees the chat waiting, live, with the visitor's identity and page, and the count in the nav
    waiting = agent.get_by_role("region", name="Waiting chats")
    row = waiting.get_by_role("row").filter(has_text=email)
    row.wait_for()
    assert "Vera Visitor" in row.inner_text()
    assert row.get_by_role("link", name=page_url).get_attribute("href") == page_url
    nav.get_by_role("link", name="Chats, 1 waiting").wait_for()
    screenshot(agent, "chat-waiting")

    # When the agent accepts it and answers (Enter sends)
    row.get_by_role("button", name="Accept the chat with Vera Visitor").click()
    agent.get_by_role("heading", name="Chat with Vera Visitor").wait_for()
    chat_log(agent).get_by_text(first).wait_for()
    reply = agent.get_by_role("textbox", name="Reply")
    reply.fill(answer)
    reply.press("Enter")

    # Then the visitor sees the agent join and the answer, live
    frame.get_by_role("status").filter(has_text="You are chatting with Andy Agent").wait_for()
    chat_log(frame).get_by_text(answer).wait_for()
    nav.get_by_role("link", name="Chats", exact=True).wait_for()  # nobody waits any more

    # When the visitor moves on to another page of the intranet and opens the widget again
    visitor.goto(f"{intranet}/{world.slug}/phones")
    visitor.get_by_role("button", name="Help").click()
    frame = visitor.frame_locator("iframe[data-tandem-widget=frame]")
    # Then the chat is where it was
    frame.get_by_role("status").filter(has_text="You are chatting with Andy Agent").wait_for()
    chat_log(frame).get_by_text(answer).wait_for()

    # When the visitor answers, Then the agent sees it live
    box = frame.get_by_role("textbox", name="Message")
    box.fill(follow_up)
    box.press("Enter")
    chat_log(agent).get_by_text(follow_up).wait_for()
    screenshot(visitor, "chat-widget")
    screenshot(agent, "chat-conversation")

    # When the visitor closes the panel and the agent writes again, Then the button counts the new message
    box.press("Escape")
    visitor.locator('[data-tandem-widget=button][aria-expanded="false"]').wait_for()
    reply.fill(one_more)
    reply.press("Enter")
    visitor.get_by_role("button", name="Help, 1 new chat message").click()
    chat_log(frame).get_by_text(one_more).wait_for()
    visitor.get_by_role("button", name="Help", exact=True).wait_for()

    # And the chat is a ticket holding the whole conversation, linked from the chat screen
    chat = chat_of(world.admin, email, "active")
    assert chat and chat["item_ref"], chat
    link = agent.get_by_role("link", name=f"Ticket {chat['item_ref']}")
    assert link.get_attribute("href") == f"#/items/{chat['item_ref']}"
    item = world.admin.get(f"/v1/items/{chat['item_ref']}")
    assert item["via"] == "chat" and item["kind"] == "ticket"
    ref = chat["item_ref"]
    said = wait_for(lambda: (lambda t: t if one_more in " ".join(t) else None)(texts_of(world.admin, ref)))
    joined = " | ".join(said)
    assert all(text in joined for text in (first, answer, follow_up, one_more)), said
    assert sum(text == first for text in said) == 1, said  # each message once, however often it was delivered

    # When the agent closes the chat, Then the visitor is told it ended
    agent.get_by_role("button", name="Close chat").click()
    frame.get_by_role("status").filter(has_text="The chat has ended").wait_for()
    assert world.admin.get(f"/v1/chats/{chat['id']}")["state"] == "closed"
    staff.close()
    visitor_ctx.close()


def test_a_chat_nobody_accepts_becomes_a_ticket_with_an_acknowledgement(world, browser, intranet):
    tag = secrets.token_hex(3)
    email = f"nora-{tag}@clinic-south.example"
    text = f"Printer on floor 2 is jammed ({tag})"

    # Given a visitor who starts a chat while no agent accepts it
    visitor_ctx = new_context(browser)
    visitor = visitor_ctx.new_page()
    visitor.goto(f"{intranet}/{world.slug}/printers")
    frame = open_chat_tab(visitor)
    start_chat(frame, "Nora North", email, text)
    frame.get_by_role("status").filter(has_text="An agent will be with you shortly").wait_for()

    # When the tenant's wait has passed and the timers have run
    status = frame.get_by_role("status").filter(has_text="an agent will answer by email")
    status.wait_for(timeout=(UNANSWERED_MINUTES * 60 + 60) * 1000)

    # Then the visitor is told an agent will answer by email, at the address they gave
    assert email in status.inner_text()
    assert frame.get_by_role("form", name="Reply").is_hidden()
    screenshot(visitor, "chat-missed")

    # And the chat is a missed ticket with the message, and its requester got the acknowledgement mail
    chat = chat_of(world.admin, email, "missed")
    assert chat and chat["item_ref"], chat
    item = world.admin.get(f"/v1/items/{chat['item_ref']}")
    assert item["via"] == "chat"
    assert any(text in t for t in texts_of(world.admin, chat["item_ref"]))
    requester = next(c for c in world.admin.get("/v1/customers")["items"] if c["id"] == item["requester"])
    assert requester["email"] == email

    def acknowledgement() -> dict | None:
        return next((m for m in outbox(world.base) if email in m["to"] and chat["item_ref"] in m["subject"]), None)

    ack = wait_for(acknowledgement, 30)
    assert re.search(re.escape(chat["item_ref"]), ack["subject"])
    # Exactly once, although the timers keep ticking
    visitor.wait_for_timeout(5000)
    assert sum(email in m["to"] and chat["item_ref"] in m["subject"] for m in outbox(world.base)) == 1
    visitor_ctx.close()
