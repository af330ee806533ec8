"""Issue 12 through the API on moto: list orders and queue filters, last activity, queue counts kept by the real
stream (redelivery included) and bulk changes."""

from __future__ import annotations

import copy

import pytest

from integration.mailbox import compose, deliver
from integration.request_count import dynamodb_requests
from integration.test_stream_dynamodb import drain, stack  # noqa: F401  (the moto stack with its stream)
from integration.world import build_world
from tandem.runtime.memory_adapters import MemoryBlobStore

SUPPORT = "support@agency.tandem.local"
OPEN = "status_category=new&status_category=open&status_category=waiting"


def new_item(api, w, title: str, role: str = "admin", **fields) -> dict:
    body = {"type_id": w.ids["ticket_type"].id, "title": title, **fields}
    resp = api.call("POST", "/v1/items", body, token=w.token(role))
    assert resp.status_code == 201, resp.data
    return resp.data


def every_page(api, w, query: str, role: str = "admin") -> list[str]:
    """The titles of every page of `GET /v1/items?{query}`, two at a time, following next_cursor."""
    titles, cursor = [], None
    for _ in range(30):
        path = f"/v1/items?{query}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        resp = api.call("GET", path, token=w.token(role))
        assert resp.status_code == 200, resp.data
        titles += [i["title"] for i in resp.data["items"]]
        cursor = resp.data["next_cursor"]
        if not cursor:
            return titles
    raise AssertionError("paging did not end")


def counts(api, w, role: str) -> dict[str, int]:
    resp = api.call("GET", "/v1/queues", token=w.token(role))
    assert resp.status_code == 200, resp.data
    return {q["id"]: q["count"] for q in resp.data["items"]}


def test_orders_and_queue_filters_page_through_the_api(stack):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    admin = w.ids["admin"].id
    # Given items of several priorities and due dates, one assigned to the admin, one closed
    new_item(api, w, "low", priority="low", due_date="2026-12-24")
    new_item(api, w, "urgent", priority="urgent", assignees=[f"user:{admin}"])
    closed = new_item(api, w, "closed", priority="high", due_date="2026-12-01")
    api.call("PATCH", f"/v1/items/{closed['ref']}", {"status": "closed"}, token=w.token("admin"))
    mine = f"assignee=me&{OPEN}"
    # When each order and queue is paged with its cursor, then every item comes once, in order
    assert every_page(api, w, "sort=-priority&kind=ticket") == ["urgent", "closed", "A's ticket", "B's ticket", "low"]
    assert every_page(api, w, "sort=due_date") == ["closed", "low", "A's ticket", "B's ticket", "urgent"]
    assert every_page(api, w, "sort=created_at") == ["A's ticket", "B's ticket", "low", "urgent", "closed"]
    # (A's ticket had the world's messages after B's was opened: its last activity is later)
    assert every_page(api, w, OPEN) == ["urgent", "low", "A's ticket", "B's ticket"]
    assert every_page(api, w, f"unassigned=true&{OPEN}") == ["low", "A's ticket", "B's ticket"]
    assert every_page(api, w, mine) == ["urgent"]
    assert every_page(api, w, "status_category=closed&sort=-created_at") == ["closed"]
    # And an unknown order is refused in the error shape
    bad = api.call("GET", "/v1/items?sort=title", token=w.token("admin"))
    assert bad.status_code == 422 and bad.data["error"]["details"]["errors"][0]["field"] == "sort"


@pytest.mark.parametrize("channel", ["portal", "email"])
def test_a_customer_reply_moves_the_ticket_to_the_top_and_keeps_its_etag(stack, channel):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    ref = w.ids["item_a"].ref
    new_item(api, w, "Newer")
    before = api.call("GET", f"/v1/items/{ref}", token=w.token("admin"))
    assert [i["title"] for i in api.call("GET", "/v1/items", token=w.token("admin")).data["items"]][0] == "Newer"
    # When Alice replies to her older ticket
    if channel == "portal":
        reply = api.call("POST", f"/v1/items/{ref}/messages", {"body": "Any news?"}, token=w.token("customer_a"))
        assert reply.status_code == 201
    else:
        c.extras["inbound"] = MemoryBlobStore()
        mail = compose(sender="alice@customer-a.example", to=SUPPORT, subject=f"Re: [{ref}]", body="Any news?")
        assert deliver(c, mail, [SUPPORT])[0]["ref"] == ref
    # Then her ticket leads the default list ("last activity") with the reply's time
    listed = api.call("GET", "/v1/items", token=w.token("admin")).data["items"]
    assert listed[0]["ref"] == ref and listed[0]["updated_at"] > before.data["updated_at"]
    # And a change with the ETag read before the reply still applies (a message is no edit of the fields)
    after = api.call("GET", f"/v1/items/{ref}", token=w.token("admin"))
    assert after.headers["etag"] == before.headers["etag"] and after.data["status"] == before.data["status"]
    patched = api.call("PATCH", f"/v1/items/{ref}", {"priority": "high"}, token=w.token("admin"),
                       headers={"If-Match": after.headers["etag"]})
    assert patched.status_code == 200


def test_queue_counts_follow_the_stream_once_even_when_it_redelivers(stack):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    member, admin = w.ids["member"].id, w.ids["admin"].id
    batches = drain(c, reader)
    # Given the world's two open tickets: A's in the member's project, B's in a project it is no member of
    assert counts(api, w, "admin") == {"mine": 0, "unassigned": 2, "open": 2}
    assert counts(api, w, "agent_member") == {"mine": 0, "unassigned": 1, "open": 1}
    # When a ticket of no project is assigned to the member, B's is assigned to it too, and A's is closed
    new_item(api, w, "No project", assignees=[f"user:{member}"])
    api.call("PATCH", f"/v1/items/{w.ids['item_b'].ref}", {"assignees": [f"user:{member}"]}, token=w.token("admin"))
    api.call("PATCH", f"/v1/items/{w.ids['item_a'].ref}", {"status": "closed"}, token=w.token("admin"))
    batches += drain(c, reader)
    # Then the counts follow, per caller
    assert counts(api, w, "agent_member") == {"mine": 2, "unassigned": 0, "open": 2}
    assert counts(api, w, "admin") == {"mine": 0, "unassigned": 0, "open": 2}
    # When the stream delivers every batch again, then no count moves
    for batch in batches:
        assert c.process_stream_batch(copy.deepcopy(batch)) == {"batchItemFailures": []}
    assert counts(api, w, "agent_member") == {"mine": 2, "unassigned": 0, "open": 2}
    assert counts(api, w, "admin") == {"mine": 0, "unassigned": 0, "open": 2}
    # And each queue names the list it counts
    queues = api.call("GET", "/v1/queues", token=w.token("admin")).data["items"]
    assert queues[0] == {"id": "mine", "name": "My items", "count": 0,
                         "filters": {"assignee": "me", "status_category": ["new", "open", "waiting"]}}
    assert every_page(api, w, "assignee=me&" + OPEN, role="agent_member") == ["B's ticket", "No project"]
    assert admin and api.call("GET", "/v1/queues", token=w.token("customer_a")).status_code == 403


def test_bulk_change_reports_each_item_and_runs_rules_like_a_patch(stack):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    drain(c, reader)
    a, b = w.ids["item_a"].ref, w.ids["item_b"].ref
    # When the member agent makes three tickets urgent and tags them: its own project's, another's, and none
    body = {"refs": [a, b, "T-999"], "set": {"priority": "urgent"}, "add_tags": ["vip"]}
    resp = api.call("POST", "/v1/items/bulk", body, token=w.token("agent_member"))
    # Then its ticket changed, the others are reported per row without telling them apart
    assert resp.status_code == 200
    rows = {r["ref"]: r for r in resp.data["items"]}
    assert rows[a]["ok"] and rows[a]["item"]["priority"] == "urgent" and rows[a]["item"]["tags"] == ["vip"]
    assert rows[b] == {"ref": b, "ok": False, "error": {"code": "not_found", "message": "item not found"}}
    assert rows["T-999"]["error"]["code"] == "not_found"
    # And the rule "priority changed to urgent → assign support" ran from the stream as after a PATCH
    drain(c, reader)
    item = api.call("GET", f"/v1/items/{a}", token=w.token("admin")).data
    assert item["assignees"] == [f"team:{w.ids['team'].id}"]
    activity = api.call("GET", f"/v1/items/{a}/activity", token=w.token("admin")).data["items"]
    assert any(e["note"] == "bulk change" and "priority" in e["changes"] for e in activity)
    # When tags are removed and a macro applied to both tickets by the admin
    body = {"refs": [a, b], "remove_tags": ["vip"], "macro_id": w.ids["macro"].id}
    rows = api.call("POST", "/v1/items/bulk", body, token=w.token("admin")).data["items"]
    # Then both are solved with the macro's reply, and the tag is gone
    assert [(r["ok"], r["item"]["status"], r["item"]["tags"]) for r in rows] == [(True, "resolved", [])] * 2
    for ref in (a, b):
        bodies = [m["body"] for m in api.call("GET", f"/v1/items/{ref}/messages", token=w.token("admin")).data["items"]]
        assert "Solved, thanks!" in bodies


@pytest.mark.parametrize(
    "change, field",
    [
        ({"set": {"status": "nonsense"}}, "set.status"),
        ({"set": {"priority": "asap"}}, "set.priority"),
        ({"set": {"assignees": ["user:nobody"]}}, "set.assignees[0]"),
        ({"set": {"project_id": "nowhere"}}, "set.project_id"),
        ({"macro_id": "no-such-macro"}, "macro_id"),
        ({}, "set"),
    ],
)
def test_bulk_refuses_unknown_values_before_changing_anything(stack, change, field):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    a = w.ids["item_a"].ref
    before = api.call("GET", f"/v1/items/{a}", token=w.token("admin")).data
    # When the change names something unknown, alongside a valid priority
    body = {"refs": [a], **change}
    if "set" in change and "priority" not in change["set"]:
        body["set"] = {**change["set"], "priority": "high"}
    resp = api.call("POST", "/v1/items/bulk", body, token=w.token("admin"))
    # Then the whole request is a 422 naming the field, and no item changed
    assert resp.status_code == 422, resp.data
    assert resp.data["error"]["details"]["field"] == field
    assert api.call("GET", f"/v1/items/{a}", token=w.token("admin")).data["version"] == before["version"]


def test_bulk_is_for_those_who_may_change_items(stack):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    body = {"refs": [w.ids["item_a"].ref], "set": {"priority": "high"}}
    resp = api.call("POST", "/v1/items/bulk", body, token=w.token("customer_a"))
    assert resp.status_code == 403 and resp.data["error"]["code"] == "forbidden"
    too_many = {"refs": [f"T-{n}" for n in range(1, 102)], "set": {"priority": "high"}}
    assert api.call("POST", "/v1/items/bulk", too_many, token=w.token("admin")).status_code == 422


def test_a_list_page_the_queues_and_a_bulk_change_take_few_requests(stack):  # noqa: F811
    c, api, reader = stack
    w = build_world(c.deps)
    refs = [w.ids["item_a"].ref, w.ids["item_b"].ref, new_item(api, w, "Third")["ref"]]
    drain(c, reader)
    api.call("GET", "/v1/me", token=w.token("admin"))  # a warm instance: tenant and session cached
    # (GetItem left out below: the session and revocation caches refresh every few seconds on a slow machine)
    for query in (OPEN, f"unassigned=true&{OPEN}", f"assignee=me&{OPEN}", "sort=-priority", "sort=due_date", ""):
        with dynamodb_requests() as seen:
            assert api.call("GET", f"/v1/items?{query}", token=w.token("admin")).status_code == 200
        assert {k: n for k, n in seen.items() if k != "GetItem"} == {"Query": 1}, query
    with dynamodb_requests() as seen:
        api.call("GET", "/v1/queues", token=w.token("admin"))
    assert {k: n for k, n in seen.items() if k != "GetItem"} == {"BatchGetItem": 1}
    with dynamodb_requests() as seen:
        api.call("GET", "/v1/queues", token=w.token("agent_member"))
    assert {k: n for k, n in seen.items() if k != "GetItem"} == {"Query": 1, "BatchGetItem": 1}
    with dynamodb_requests() as seen:
        rows = api.call("POST", "/v1/items/bulk", {"refs": refs, "set": {"priority": "low"}}, token=w.token("admin"))
    assert [r["ok"] for r in rows.data["items"]] == [True] * 3
    # Then the three items are read in one BatchGetItem and each written once
    assert seen["BatchGetItem"] == 1 and seen["TransactWriteItems"] == 3
    assert set(seen) <= {"BatchGetItem", "GetItem", "TransactWriteItems"} and seen.get("GetItem", 0) <= 2


def test_bulk_rows_report_each_items_own_failure(api, container, monkeypatch):
    from tandem.domain.errors import Conflict

    w = build_world(container.deps)
    a, b = w.ids["item_a"].ref, w.ids["item_b"].ref
    task_type = next(t for t in container.deps.repos.item_types.list(w.ids["tenant"].id).items if t.kind == "task")
    task = api.call("POST", "/v1/items", {"kind": "task", "type_id": task_type.id, "title": "A task"},
                    token=w.token("admin")).data["ref"]
    # Given B's ticket changes under the bulk change (its write conflicts)
    save = container.deps.repos.items.save

    def conflicting(item, activity):
        if item.ref == b:
            raise Conflict("item changed meanwhile, read it again")
        return save(item, activity)

    monkeypatch.setattr(container.deps.repos.items, "save", conflicting)
    # When the admin resolves A's ticket (named twice, once in lower case), B's ticket and a task
    body = {"refs": [a, a.lower(), b, task], "set": {"status": "resolved"}}
    rows = api.call("POST", "/v1/items/bulk", body, token=w.token("admin")).data["items"]
    # Then A's is resolved once, B's reports the conflict, and the task (whose lifecycle has no "resolved") says so
    assert [(r["ref"], r["ok"]) for r in rows] == [(a, True), (b, False), (task, False)]
    assert rows[0]["item"]["status"] == "resolved"
    assert rows[1]["error"]["code"] == "conflict"
    assert rows[2]["error"] == {"code": "validation_error", "message": "'resolved' is not a status of tasks"}
