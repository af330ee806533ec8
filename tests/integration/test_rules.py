"""Rules over change events: SPEC S4 routing, S2 customer replied, loops, redelivery, dry run, macros."""

from __future__ import annotations

from integration.test_notifications import pump
from integration.world import build_world


def _rule(api, token, **body):
    resp = api.call("POST", "/v1/rules", body, token=token)
    assert resp.status_code == 201, resp.data
    return resp.data


def _route_rule(api, w, enabled=True):
    return _rule(
        api,
        w.token("admin"),
        name="Route club mail",
        trigger="item_created",
        enabled=enabled,
        conditions={"all": [{"field": "requester.domain", "op": "equals", "value": "customer-a.example"}]},
        actions=[
            {"type": "set_project", "value": w.ids["incoming_a"].id},
            {"type": "set_assignee", "value": f"team:{w.ids['team'].id}"},
        ],
    )


def test_s4_rule_routes_customer_a_and_overrides_the_form_while_enabled(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    project1 = api.call(
        "POST", "/v1/projects", {"name": "Project1", "followers": [w.ids["cust_a"].id]}, token=admin
    ).data
    rule = _route_rule(api, w)
    pump(container)
    container.deps.mailer.sent.clear()
    # When customer A files a form naming Project1 while the rule is enabled
    form = {"title": "Logo update", "project_id": project1["id"]}
    ref = api.call("POST", f"/v1/public/agency/forms/{w.ids['ticket_type'].id}", form, token=w.token("customer_a"))
    ref = ref.data["ref"]
    pump(container)
    # Then the rule wins: Incoming tickets (A), team Customer support, and the requester got the auto-reply
    item = api.call("GET", f"/v1/items/{ref}", token=admin).data
    assert item["project_id"] == w.ids["incoming_a"].id
    assert item["assignees"] == [f"team:{w.ids['team'].id}"]
    assert any(m.to == ["alice@customer-a.example"] and "we received" in m.text for _, m in container.deps.mailer.sent)
    activity = api.call("GET", f"/v1/items/{ref}/activity", token=admin).data["items"]
    by_rule = [a for a in activity if a["cause"] == "rule"]
    assert by_rule and 'rule "Route club mail"' in by_rule[0]["note"] and "Incoming tickets (A)" in by_rule[0]["note"]
    # When the rule is disabled, the form's choice is respected
    api.call("PATCH", f"/v1/rules/{rule['id']}", {"enabled": False}, token=admin)
    ref2 = api.call(
        "POST", f"/v1/public/agency/forms/{w.ids['ticket_type'].id}", form, token=w.token("customer_a")
    ).data["ref"]
    pump(container)
    assert api.call("GET", f"/v1/items/{ref2}", token=admin).data["project_id"] == project1["id"]


def test_s2_customer_reply_moves_item_to_customer_replied_by_rule(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    _rule(
        api,
        admin,
        name="Customer replied",
        trigger="message_added",
        options={"author": "customer"},
        conditions={"all": [{"field": "status_category", "op": "in", "value": ["waiting", "done"]}]},
        actions=[{"type": "set_status", "value": "customer_replied"}],
    )
    api.call("PATCH", "/v1/items/T-1", {"status": "waiting"}, token=admin)
    api.call("POST", "/v1/items/T-1/messages", {"body": "Agent asks"}, token=admin)
    pump(container)
    assert api.call("GET", "/v1/items/T-1", token=admin).data["status"] == "waiting"  # agent's own reply: no change
    api.call("POST", "/v1/items/T-1/messages", {"body": "Here is the info"}, token=w.token("customer_a"))
    pump(container)
    assert api.call("GET", "/v1/items/T-1", token=admin).data["status"] == "customer_replied"


def test_two_rules_feeding_each_other_stop_at_the_depth_limit(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    _rule(
        api,
        admin,
        name="ping",
        trigger="item_changed",
        conditions={"all": [{"field": "priority", "op": "changed_to", "value": "high"}]},
        actions=[{"type": "set_priority", "value": "low"}],
    )
    _rule(
        api,
        admin,
        name="pong",
        trigger="item_changed",
        conditions={"all": [{"field": "priority", "op": "changed_to", "value": "low"}]},
        actions=[{"type": "set_priority", "value": "high"}],
    )
    pump(container)
    api.call("PATCH", "/v1/items/T-1", {"priority": "high"}, token=admin)
    pump(container, rounds=50)
    activity = api.call("GET", "/v1/items/T-1/activity?limit=200", token=admin).data["items"]
    rule_changes = [a for a in activity if a["cause"] == "rule"]
    assert 1 <= len(rule_changes) <= 3  # MAX_DEPTH


def test_a_rule_changing_the_field_it_watches_fires_once(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    _rule(
        api,
        admin,
        name="tag on any change",
        trigger="item_changed",
        conditions={"all": [{"field": "tags", "op": "changed"}]},
        actions=[{"type": "add_tag", "value": "seen"}],
    )
    pump(container)
    api.call("PATCH", "/v1/items/T-1", {"tags": ["x"]}, token=admin)
    pump(container, rounds=20)
    item = api.call("GET", "/v1/items/T-1", token=admin).data
    assert item["tags"] == ["x", "seen"]
    activity = api.call("GET", "/v1/items/T-1/activity?limit=200", token=admin).data["items"]
    assert len([a for a in activity if a["cause"] == "rule"]) == 1


def test_redelivered_events_repeat_no_action(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    _rule(
        api,
        admin,
        name="note, mail and hook",
        trigger="item_created",
        actions=[
            {"type": "post_message", "visibility": "private", "body": "Triage me"},
            {"type": "send_email", "to": "requester", "subject": "Got {{ item.ref }}", "body": "Hi"},
            {"type": "call_webhook", "url": "https://hooks.example/in"},
        ],
    )
    pump(container)
    container.deps.mailer.sent.clear()
    ref = api.call(
        "POST",
        "/v1/items",
        {"type_id": w.ids["ticket_type"].id, "title": "Once", "requester": w.ids["cust_a"].id},
        token=admin,
    ).data["ref"]
    pump(container, twice=True)
    notes = [
        m for m in api.call("GET", f"/v1/items/{ref}/messages", token=admin).data["items"] if m["body"] == "Triage me"
    ]
    assert len(notes) == 1
    assert [m.subject for _, m in container.deps.mailer.sent].count(f"Got {ref}") == 1
    jobs = [j for j in container.deps.repos.jobs.jobs.values() if j[1]["item_ref"] == ref]
    assert len(jobs) == 1


def test_dry_run_changes_nothing(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    rule = _route_rule(api, w, enabled=False)
    before = api.call("GET", "/v1/items/T-1", token=admin).data
    result = api.call("POST", f"/v1/rules/{rule['id']}/dry-run", {"ref": "T-1"}, token=admin).data
    assert result["matches"] is True and result["changes"]["project_id"] == w.ids["incoming_a"].id
    assert [a["type"] for a in result["actions"]] == ["set_project", "set_assignee"]
    assert api.call("GET", "/v1/items/T-1", token=admin).data == before
    miss = api.call("POST", f"/v1/rules/{rule['id']}/dry-run", {"ref": "T-2"}, token=admin).data
    assert miss["matches"] is False


def test_macro_applies_the_same_actions_as_the_agent(api, container):
    w = build_world(container.deps)
    resp = api.call("POST", f"/v1/items/T-1/macros/{w.ids['macro'].id}", token=w.token("agent_member"))
    assert resp.status_code == 200 and resp.data["status"] == "resolved"
    bodies = [m["body"] for m in api.call("GET", "/v1/items/T-1/messages", token=w.token("customer_a")).data["items"]]
    assert "Solved, thanks!" in bodies
    activity = api.call("GET", "/v1/items/T-1/activity", token=w.token("admin")).data["items"]
    assert any(a["cause"] == "user" and 'macro "Solved"' in a["note"] for a in activity)


def test_reorder_and_stop(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    first = _rule(
        api, admin, name="first", trigger="item_created", actions=[{"type": "add_tag", "value": "a"}, {"type": "stop"}]
    )
    second = _rule(api, admin, name="second", trigger="item_created", actions=[{"type": "add_tag", "value": "b"}])
    order = [second["id"], first["id"], w.ids["rule"].id]
    assert [r["id"] for r in api.call("PUT", "/v1/rules/order", {"order": order}, token=admin).data["items"]] == order
    pump(container)
    ref = api.call("POST", "/v1/items", {"type_id": w.ids["ticket_type"].id, "title": "x"}, token=admin).data["ref"]
    pump(container)
    assert api.call("GET", f"/v1/items/{ref}", token=admin).data["tags"] == ["b", "a"]
    api.call("PUT", "/v1/rules/order", {"order": [first["id"], second["id"]]}, token=admin)
    ref = api.call("POST", "/v1/items", {"type_id": w.ids["ticket_type"].id, "title": "y"}, token=admin).data["ref"]
    pump(container)
    assert api.call("GET", f"/v1/items/{ref}", token=admin).data["tags"] == ["a"]
