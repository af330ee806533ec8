"""SPEC scenarios through the HTTP API: S4 (customers never see each other's work) and S1 (conversion)."""

from __future__ import annotations

import pytest

from integration.world import build_world


def _texts(resp) -> str:
    return repr(resp.data)


@pytest.mark.parametrize("mode", ["own", "own_and_followed"])
def test_s4_customers_never_see_each_others_work(api, container, mode):
    # Given the agency with CustomerA's and CustomerB's tickets, in portal mode `mode`
    w = build_world(container.deps, visibility=mode)
    a, b = w.token("customer_a"), w.token("customer_b")
    item_a, item_b = w.ids["item_a"], w.ids["item_b"]
    # When each customer lists items, then only their own appear
    listed_a = {i["ref"] for i in api.call("GET", "/v1/items", token=a).data["items"]}
    listed_b = {i["ref"] for i in api.call("GET", "/v1/items", token=b).data["items"]}
    assert listed_a == {item_a.ref} and listed_b == {item_b.ref}
    # Filters naming the other's project, requester or organisation reveal nothing either
    for query in (
        f"project_id={w.ids['incoming_a'].id}",
        f"requester={w.ids['cust_a'].id}",
        f"organization_id={w.ids['org_a'].id}",
        "kind=ticket",
    ):
        refs = {i["ref"] for i in api.call("GET", f"/v1/items?{query}", token=b).data["items"]}
        assert item_a.ref not in refs, query
    # Every item route of A's item answers 404 to B
    upload = {"filename": "a.txt", "content_type": "text/plain", "size": 1}
    for method, path, body in (
        ("GET", "", None),
        ("PATCH", "", {"priority": "high"}),
        ("GET", "/messages", None),
        ("POST", "/messages", {"body": "x"}),
        ("GET", "/activity", None),
        ("POST", "/convert", {}),
        ("POST", "/attachments", upload),
    ):
        resp = api.call(method, f"/v1/items/{item_a.ref}{path}", body, token=b)
        assert resp.status_code == 404, (method, path, resp.status_code)
        assert "A's ticket" not in _texts(resp)
    # Projects: B sees only what B follows (own mode: the project list still only shows followed ones)
    projects_b = {p["name"] for p in api.call("GET", "/v1/projects", token=b).data["items"]}
    assert "Incoming tickets (A)" not in projects_b
    assert api.call("GET", f"/v1/projects/{w.ids['incoming_a'].id}", token=b).status_code == 404
    # A's conversation never shows the private note to A
    bodies = [m["body"] for m in api.call("GET", f"/v1/items/{item_a.ref}/messages", token=a).data["items"]]
    assert bodies == ["Public reply to A"]


def test_s4_followed_project_items_visible_only_in_followed_mode(api, container):
    # Given an agent-created task in Incoming (A) whose requester is the agent, not customer A
    w = build_world(container.deps, visibility="own_and_followed")
    admin = w.token("admin")
    r = api.call(
        "POST",
        "/v1/items",
        {"type_id": w.ids["ticket_type"].id, "title": "Internal work for A", "project_id": w.ids["incoming_a"].id},
        token=admin,
    )
    ref = r.data["ref"]
    # Then customer A (a follower of the project) sees it, customer B does not
    assert api.call("GET", f"/v1/items/{ref}", token=w.token("customer_a")).status_code == 200
    assert api.call("GET", f"/v1/items/{ref}", token=w.token("customer_b")).status_code == 404
    listed = {
        i["ref"]
        for i in api.call("GET", f"/v1/items?project_id={w.ids['incoming_a'].id}", token=w.token("customer_a")).data[
            "items"
        ]
    }
    assert ref in listed
    # When the tenant switches to "own requests", the same item disappears for A
    api.call("PATCH", "/v1/settings", {"portal": {"visibility": "own"}}, token=admin)
    assert api.call("GET", f"/v1/items/{ref}", token=w.token("customer_a")).status_code == 404


def test_s1_converted_ticket_keeps_conversation_and_old_reference(api, container):
    # Given a ticket with a public and a private message, a follower and custom fields
    w = build_world(container.deps)
    admin = w.token("admin")
    ref = w.ids["item_a"].ref
    api.call("PATCH", f"/v1/items/{ref}", {"followers": [w.ids["cust_a"].id, w.ids["member"].id]}, token=admin)
    before = api.call("GET", f"/v1/items/{ref}/messages", token=admin).data["items"]
    # When an agent converts it to a task
    resp = api.call("POST", f"/v1/items/{ref}/convert", {"to": "task"}, token=w.token("agent_member"))
    assert resp.status_code == 200, resp.data
    task = resp.data
    # Then it is a task under a new K- reference, with the same id, followers and conversation
    assert task["kind"] == "task" and task["ref"].startswith("K-") and task["ref"] != ref
    assert task["id"] == w.ids["item_a"].id and ref in task["former_refs"]
    assert set(task["followers"]) >= {w.ids["cust_a"].id, w.ids["member"].id}
    after = api.call("GET", f"/v1/items/{task['ref']}/messages", token=admin).data["items"]
    assert [m["id"] for m in after] == [m["id"] for m in before]
    # And the old reference still resolves, to the task, for everyone who may see it
    old = api.call("GET", f"/v1/items/{ref}", token=admin)
    assert old.status_code == 200 and old.data["ref"] == task["ref"]
    assert api.call("GET", f"/v1/items/{ref}", token=w.token("customer_a")).data["ref"] == task["ref"]
    assert api.call("GET", f"/v1/items/{ref}/messages", token=admin).data["items"] == after
    actions = [a["action"] for a in api.call("GET", f"/v1/items/{ref}/activity", token=admin).data["items"]]
    assert "converted" in actions and actions[0] == "created"
