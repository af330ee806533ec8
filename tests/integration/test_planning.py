"""Planning through the API (issue 13): predecessors checked on write, a plan that ends before it starts refused,
actual dates that follow the status from every channel, conflicts on an item and on a project's schedule, and
the DynamoDB requests those reads take."""

from __future__ import annotations

import pytest

from integration.mailbox import compose, deliver
from integration.request_count import dynamodb_requests
from integration.test_stream_dynamodb import stack  # noqa: F401  (the moto stack)
from integration.world import build_world

SUPPORT = "support@agency.tandem.local"


def task_type(api, w) -> str:
    types = api.call("GET", "/v1/item-types", token=w.token("admin")).data["items"]
    return next(t["id"] for t in types if t["kind"] == "task")


def new_task(api, w, title: str, project: str = "incoming_a", role: str = "admin", **fields) -> dict:
    body = {"type_id": task_type(api, w), "title": title, "project_id": w.ids[project].id, **fields}
    resp = api.call("POST", "/v1/items", body, token=w.token(role))
    assert resp.status_code == 201, resp.data
    return resp.data


def patch(api, w, ref: str, body: dict, role: str = "admin"):
    return api.call("PATCH", f"/v1/items/{ref}", body, token=w.token(role))


def field_of(resp) -> str:
    """The field a 422 names (the use case's `field`, or the first of the boundary's `errors`)."""
    assert resp.status_code == 422, (resp.status_code, resp.data)
    details = resp.data["error"]["details"]
    return details["field"] if "field" in details else details["errors"][0]["field"]


def today(container) -> str:
    return container.deps.clock()[:10]


# --------------------------------------------------------------------------- writes


def test_predecessors_name_items_the_caller_may_see_and_never_close_a_loop(api, container):
    w = build_world(container.deps)
    design = new_task(api, w, "Design")
    build = new_task(api, w, "Build", predecessors=[design["ref"].lower()])
    assert build["predecessors"] == [design["ref"]]
    ship = new_task(api, w, "Ship")
    # A loop: Design waiting for Build, which waits for Design
    resp = patch(api, w, design["ref"], {"predecessors": [ship["ref"], build["ref"]]})
    assert field_of(resp) == "predecessors[1]" and "cycle" in resp.data["error"]["message"]
    # One through a third item: Ship waits for Build; Design may not wait for Ship
    assert patch(api, w, ship["ref"], {"predecessors": [build["ref"]]}).status_code == 200
    assert field_of(patch(api, w, design["ref"], {"predecessors": [ship["ref"]]})) == "predecessors[0]"
    # Unknown references, the item itself, more than 50, not a reference: 422 on the field
    assert field_of(patch(api, w, ship["ref"], {"predecessors": [build["ref"], "K-999"]})) == "predecessors[1]"
    assert field_of(patch(api, w, ship["ref"], {"predecessors": [ship["ref"]]})) == "predecessors[0]"
    assert field_of(patch(api, w, ship["ref"], {"predecessors": [f"K-{n}" for n in range(100, 151)]})) \
        == "predecessors"
    assert field_of(patch(api, w, ship["ref"], {"predecessors": ["Design"]})).startswith("predecessors")
    # Nothing of the refused changes was stored
    assert api.call("GET", f"/v1/items/{design['ref']}", token=w.token("admin")).data["predecessors"] == []


def test_an_item_the_caller_cannot_see_is_no_predecessor(api, container):
    # Given the outsider agent, member of Incoming B only, and a task of Incoming A
    w = build_world(container.deps)
    hidden = new_task(api, w, "Hidden plan")
    mine = new_task(api, w, "Outsider's task", project="incoming_b")
    # When they name the hidden task as a predecessor of their own, then it is unknown to them
    resp = patch(api, w, mine["ref"], {"predecessors": [hidden["ref"]]}, role="agent_nonmember")
    assert field_of(resp) == "predecessors[0]" and resp.data["error"]["message"] == "unknown item"


def test_a_plan_that_finishes_before_it_starts_is_refused(api, container):
    w = build_world(container.deps)
    body = {"type_id": task_type(api, w), "title": "Backwards", "planned_start": "2026-03-05",
            "planned_finish": "2026-03-04"}
    assert field_of(api.call("POST", "/v1/items", body, token=w.token("admin"))) == "planned_finish"
    item = new_task(api, w, "Forwards", planned_start="2026-03-05", planned_finish="2026-03-06")
    assert field_of(patch(api, w, item["ref"], {"planned_start": "2026-03-07"})) == "planned_start"
    moved = patch(api, w, item["ref"], {"planned_start": "2026-03-07", "planned_finish": "2026-03-09"})
    assert moved.status_code == 200 and (moved.data["planned_start"], moved.data["planned_finish"]) == (
        "2026-03-07", "2026-03-09")


# --------------------------------------------------------------------------- actuals follow the status


def test_actual_dates_follow_the_status_from_patch_bulk_and_a_macro(api, container):
    w = build_world(container.deps)
    day = today(container)
    work = new_task(api, w, "Work")
    # PATCH into an open status starts the work
    started = patch(api, w, work["ref"], {"status": "in_progress"}).data
    assert (started["actual_start"], started["actual_finish"]) == (day, None)
    # A bulk change to done finishes it
    rows = api.call("POST", "/v1/items/bulk", {"refs": [work["ref"]], "set": {"status": "done"}},
                    token=w.token("admin")).data["items"]
    assert rows[0]["ok"] and (rows[0]["item"]["actual_start"], rows[0]["item"]["actual_finish"]) == (day, day)
    # Reopening clears the finish; an explicit finish in the same PATCH wins over the rule
    reopened = patch(api, w, work["ref"], {"status": "in_progress"}).data
    assert (reopened["actual_start"], reopened["actual_finish"]) == (day, None)
    explicit = patch(api, w, work["ref"], {"status": "done", "actual_finish": "2026-01-02"}).data
    assert explicit["actual_finish"] == "2026-01-02"
    # A macro (the rule actions) resolving A's ticket finishes it too, with the change in the activity
    ref = w.ids["item_a"].ref
    resp = api.call("POST", f"/v1/items/{ref}/macros/{w.ids['macro'].id}", token=w.token("admin"))
    assert (resp.data["actual_start"], resp.data["actual_finish"]) == (day, day)
    activity = api.call("GET", f"/v1/items/{ref}/activity", token=w.token("admin")).data["items"]
    assert any(a["changes"].get("actual_finish") == [None, day] for a in activity)


def test_a_customers_mail_reopening_a_resolved_ticket_clears_its_actual_finish(api, container):
    w = build_world(container.deps)
    ref = w.ids["item_a"].ref
    done = patch(api, w, ref, {"status": "resolved"}).data
    assert done["actual_finish"] == today(container)
    mail = compose(sender="alice@customer-a.example", to=SUPPORT, subject=f"Re: [{ref}]", body="Still broken")
    [outcome] = deliver(container, mail, [SUPPORT])
    assert outcome["ref"] == ref
    item = api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data
    assert item["status_category"] == "open" and item["actual_finish"] is None
    assert item["actual_start"] == today(container)


# --------------------------------------------------------------------------- conflicts on reads


def test_an_item_shows_its_constraint_and_predecessor_conflicts(api, container):
    w = build_world(container.deps)
    design = new_task(api, w, "Design", planned_start="2026-03-02", planned_finish="2026-03-06")
    build = new_task(api, w, "Build", planned_start="2026-03-05", planned_finish="2026-03-12",
                     start_no_earlier_than="2026-03-09", finish_no_later_than="2026-03-11",
                     predecessors=[design["ref"]])
    got = api.call("GET", f"/v1/items/{build['ref']}", token=w.token("agent_member")).data
    assert [(c["code"], c.get("ref")) for c in got["conflicts"]] == [
        ("start_before_constraint", None), ("finish_after_constraint", None),
        ("starts_before_predecessor", design["ref"])]
    assert all(c["message"] for c in got["conflicts"])
    # Moving it after its predecessor and into its constraints clears them all
    patch(api, w, build["ref"], {"planned_start": "2026-03-09", "planned_finish": "2026-03-11"})
    assert api.call("GET", f"/v1/items/{build['ref']}", token=w.token("admin")).data["conflicts"] == []


def test_a_customer_sees_the_constraint_conflicts_of_their_ticket_but_not_its_predecessors_dates(api, container):
    w = build_world(container.deps)
    ref = w.ids["item_a"].ref
    internal = new_task(api, w, "Internal prep", planned_finish="2026-03-20")
    patch(api, w, ref, {"planned_start": "2026-03-10", "start_no_earlier_than": "2026-03-11",
                        "predecessors": [internal["ref"]]})
    staff = api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data["conflicts"]
    assert [c["code"] for c in staff] == ["start_before_constraint", "starts_before_predecessor"]
    customer = api.call("GET", f"/v1/items/{ref}", token=w.token("customer_a")).data["conflicts"]
    assert [c["code"] for c in customer] == ["start_before_constraint"]


def _schedule(api, w, role: str = "admin", query: str = "", project: str = "incoming_a"):
    return api.call("GET", f"/v1/projects/{w.ids[project].id}/schedule{query}", token=w.token(role))


def test_the_schedule_lists_the_projects_planned_items_in_a_window_with_their_conflicts(api, container):
    w = build_world(container.deps)
    design = new_task(api, w, "Design", planned_start="2026-03-02", planned_finish="2026-03-06")
    build = new_task(api, w, "Build", planned_start="2026-03-05", planned_finish="2026-03-12",
                     predecessors=[design["ref"]])
    later = new_task(api, w, "Later", planned_start="2026-05-01", planned_finish="2026-05-02")
    new_task(api, w, "Elsewhere", project="incoming_b", planned_start="2026-03-03")
    resp = _schedule(api, w, query="?from=2026-03-01&to=2026-03-31")
    assert resp.status_code == 200, resp.data
    rows = {r["ref"]: r for r in resp.data["items"]}
    # Only Incoming A's items whose dates touch March (A's undated ticket and May's task are left out)
    assert set(rows) == {design["ref"], build["ref"]}
    row = rows[build["ref"]]
    assert {k: row[k] for k in ("title", "kind", "planned_start", "planned_finish", "predecessors", "version")} == {
        "title": "Build", "kind": "task", "planned_start": "2026-03-05", "planned_finish": "2026-03-12",
        "predecessors": [design["ref"]], "version": build["version"]}
    assert [(c["code"], c["ref"]) for c in row["conflicts"]] == [("starts_before_predecessor", design["ref"])]
    assert rows[design["ref"]]["conflicts"] == []
    # Without a window every item of the project the caller may see, undated ones included
    every = {r["ref"] for r in _schedule(api, w).data["items"]}
    assert every == {design["ref"], build["ref"], later["ref"], w.ids["item_a"].ref}


def test_the_schedule_pages_like_every_list_and_checks_its_window(api, container):
    w = build_world(container.deps)
    made = {new_task(api, w, f"Step {n}", planned_start=f"2026-04-0{n}")["ref"] for n in range(1, 4)}
    seen, cursor = [], None
    for _ in range(6):
        query = "?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = _schedule(api, w, query=query).data
        seen += [r["ref"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert set(seen) == made | {w.ids["item_a"].ref} and len(seen) == len(set(seen))
    assert field_of(_schedule(api, w, query="?from=2026-04-05&to=2026-04-01")) == "to"
    assert _schedule(api, w, query="?from=April").status_code in (400, 422)


def test_the_schedule_is_for_staff_who_see_the_project(api, container):
    w = build_world(container.deps)
    new_task(api, w, "Plan", planned_start="2026-03-02")
    assert _schedule(api, w, role="agent_member").status_code == 200
    assert _schedule(api, w, role="agent_nonmember").status_code == 404
    assert _schedule(api, w, role="customer_a").status_code == 403
    assert _schedule(api, w, role="admin", project="incoming_b").data["items"] != []  # B's ticket
    resp = api.call("GET", "/v1/projects/nope/schedule", token=w.token("admin"))
    assert resp.status_code == 404


# --------------------------------------------------------------------------- requests on DynamoDB


def test_conflict_reads_take_one_batch_read_and_the_schedule_one_query_on_dynamodb(stack):  # noqa: F811
    c, api, _ = stack
    w = build_world(c.deps)
    design = new_task(api, w, "Design", project="incoming_b", planned_start="2026-03-02", planned_finish="2026-03-06")
    build = new_task(api, w, "Build", planned_start="2026-03-05", predecessors=[design["ref"]])
    plain = new_task(api, w, "Plain", planned_start="2026-03-05")
    api.call("GET", "/v1/me", token=w.token("admin"))  # a warm instance: tenant and session cached
    # (GetItem left out: the item itself, and the session and revocation caches refreshing on a slow machine)
    with dynamodb_requests() as seen:
        got = api.call("GET", f"/v1/items/{build['ref']}", token=w.token("admin")).data
    assert [x["code"] for x in got["conflicts"]] == ["starts_before_predecessor"]
    assert {k: n for k, n in seen.items() if k != "GetItem"} == {"BatchGetItem": 1}
    with dynamodb_requests() as seen:
        assert api.call("GET", f"/v1/items/{plain['ref']}", token=w.token("admin")).data["conflicts"] == []
    assert {k: n for k, n in seen.items() if k != "GetItem"} == {}
    # The schedule: one Query for the page, one BatchGetItem for the predecessor in another project
    with dynamodb_requests() as seen:
        rows = _schedule(api, w, query="?from=2026-03-01&to=2026-03-31").data["items"]
    assert {r["ref"] for r in rows} == {build["ref"], plain["ref"]}
    assert {k: n for k, n in seen.items() if k != "GetItem"} == {"Query": 1, "BatchGetItem": 1}


@pytest.mark.parametrize("role", ["admin", "agent_member"])
def test_schedule_rows_carry_only_documented_fields(api, container, role):
    w = build_world(container.deps)
    new_task(api, w, "Documented", planned_start="2026-03-02", finish_no_later_than="2026-03-01",
             planned_finish="2026-03-03")
    doc = api.call("GET", "/v1/openapi.json").data
    row_fields = set(doc["components"]["schemas"]["ScheduleRow"]["properties"])
    conflict_fields = set(doc["components"]["schemas"]["ConflictOut"]["properties"])
    rows = _schedule(api, w, role=role).data["items"]
    assert rows and all(set(r) == row_fields for r in rows)
    assert any(r["conflicts"] for r in rows) and all(set(x) <= conflict_fields for r in rows for x in r["conflicts"])
