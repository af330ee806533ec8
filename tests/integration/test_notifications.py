"""Conversation mail from change events: who gets what, private notes stay internal, redelivery sends nothing twice."""

from __future__ import annotations

from integration.world import build_world
from tandem.dal.memory import drain_events
from tandem.runtime.handlers import react_to


def pump(container, *, twice: bool = False, rounds: int = 10) -> list:
    """Deliver change events to the stream handler's use cases until none are left (twice = every event is
    delivered a second time, as at-least-once delivery may)."""
    delivered = []
    for _ in range(rounds):
        events = drain_events(container.deps.repos)
        if not events:
            break
        for event in events:
            react_to(container, event)
            if twice:
                react_to(container, event)
        delivered += events
    return delivered


def sent_to(container) -> list[tuple[str, str]]:
    return [(m.to[0], m.subject) for _, m in container.deps.mailer.sent]


def test_public_reply_reaches_followers_private_note_only_staff(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    ref = w.ids["item_a"].ref
    api.call("PATCH", f"/v1/items/{ref}", {"followers": [w.ids["cust_a"].id, w.ids["member"].id]}, token=admin)
    pump(container)
    container.deps.mailer.sent.clear()
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "We are on it", "visibility": "public"}, token=admin)
    api.call(
        "POST", f"/v1/items/{ref}/messages", {"body": "Internal: check logs", "visibility": "private"}, token=admin
    )
    pump(container, twice=True)
    mails = container.deps.mailer.sent
    public = [m for _, m in mails if "We are on it" in m.text]
    private = [m for _, m in mails if "check logs" in m.text]
    assert sorted(m.to[0] for m in public) == ["alice@customer-a.example", "mia@agency.example"]
    assert [m.to[0] for m in private] == ["mia@agency.example"]
    for _, m in mails:
        if m.to[0].endswith("customer-a.example"):
            assert "check logs" not in m.text and "check logs" not in (m.html or "")
    reply_to = public[0].reply_to
    assert reply_to.startswith("support+t-1.") and reply_to.endswith("@agency.tandem.local")
    assert public[0].headers["In-Reply-To"] == public[0].headers["References"]


def test_mentions_notify_users_and_team_members(api, container):
    w = build_world(container.deps)
    pump(container)
    container.deps.mailer.sent.clear()
    api.call(
        "POST",
        "/v1/items/T-1/messages",
        {"body": "@customer-support please look", "visibility": "private"},
        token=w.token("admin"),
    )
    pump(container)
    assert [(to, "mentioned") for to, _ in sent_to(container)] == [("mia@agency.example", "mentioned")]
    assert "mentioned you" in container.deps.mailer.sent[0][1].html


def test_acknowledgement_and_status_mail_are_automatic(api, container):
    w = build_world(container.deps)
    pump(container)
    acks = [m for _, m in container.deps.mailer.sent if "we received your request" in m.text]
    assert {m.to[0] for m in acks} == {"alice@customer-a.example", "bob@customer-b.example"}
    assert all(m.headers["Auto-Submitted"] == "auto-generated" for m in acks)
    assert all("List-Unsubscribe" in m.headers for m in acks)
    container.deps.mailer.sent.clear()
    api.call("PATCH", "/v1/items/T-1", {"status": "resolved"}, token=w.token("admin"))
    api.call("PATCH", "/v1/items/T-1", {"priority": "high"}, token=w.token("admin"))
    pump(container, twice=True)
    assert sent_to(container) == [("alice@customer-a.example", "[T-1] Resolved: A's ticket")]


def test_failing_addresses_get_nothing(api, container):
    w = build_world(container.deps)
    pump(container)
    container.deps.mailer.sent.clear()
    from dataclasses import replace

    users = container.deps.repos.users
    users.save(replace(users.get(w.ids["tenant"].id, w.ids["cust_a"].id), email_failing=True))
    api.call("POST", "/v1/items/T-1/messages", {"body": "Hello?"}, token=w.token("admin"))
    pump(container)
    assert "alice@customer-a.example" not in [to for to, _ in sent_to(container)]


def test_one_click_unsubscribe_removes_the_follower(api, container):
    w = build_world(container.deps)
    pump(container)
    ack = next(m for _, m in container.deps.mailer.sent if m.to == ["alice@customer-a.example"])
    url = ack.headers["List-Unsubscribe"].strip("<>")
    path = url.split("127.0.0.1:8000", 1)[1]
    confirm = api.client.http.get(path)  # a click (or a link scanner) only sees a confirmation button
    assert confirm.status_code == 200 and b"<form method=post" in confirm.body
    assert w.ids["cust_a"].id in api.call("GET", "/v1/items/T-1", token=w.token("admin")).data["followers"]
    resp = api.call(
        "POST", path, "List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert resp.status_code == 200 and resp.data["ref"] == "T-1"
    item = api.call("GET", "/v1/items/T-1", token=w.token("admin")).data
    assert w.ids["cust_a"].id not in item["followers"]
    forged = api.call("POST", path.replace("token=", "token=x"), "")
    assert forged.status_code == 401
