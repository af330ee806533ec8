"""Rules over change events: SPEC S4 routing, S2 customer replied, loops, redelivery, dry run, macros."""

from __future__ import annotations

import json

import pytest

from integration.test_notifications import pump
from integration.world import build_world
from tandem.dal.memory import drain_events


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


def test_a_sender_domain_condition_looks_at_who_wrote_the_message_not_at_the_requester(api, container):
    # Given a rule tagging messages whose sender's domain is the agency's
    w = build_world(container.deps)
    admin = w.token("admin")
    pump(container)  # the world's own messages are history
    _rule(
        api,
        admin,
        name="Staff wrote",
        trigger="message_added",
        conditions={"all": [{"field": "sender.domain", "op": "equals", "value": "agency.example"}]},
        actions=[{"type": "add_tag", "value": "staff-wrote"}],
    )
    # When customer A writes on her own item, Then the rule does not fire
    api.call("POST", "/v1/items/T-1/messages", {"body": "Any news?"}, token=w.token("customer_a"))
    pump(container)
    assert "staff-wrote" not in api.call("GET", "/v1/items/T-1", token=admin).data["tags"]
    # When the admin (agency.example) writes on the same item, Then it fires although the requester is A
    api.call("POST", "/v1/items/T-1/messages", {"body": "On it"}, token=admin)
    pump(container)
    assert "staff-wrote" in api.call("GET", "/v1/items/T-1", token=admin).data["tags"]


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
    calls = [s for s in container.deps.webhooks.sent if json.loads(s.body)["data"]["item"]["ref"] == ref]
    assert len(calls) == 1
    # And the activity says, once each, that the rule posted the note, sent the mail and called the webhook
    notes = [a["note"] for a in api.call("GET", f"/v1/items/{ref}/activity", token=admin).data["items"]]
    by_rule = sorted(n for n in notes if n.startswith('rule "note, mail and hook"'))
    assert by_rule == [
        'rule "note, mail and hook" called a webhook at hooks.example',
        'rule "note, mail and hook" emailed alice@customer-a.example',
        'rule "note, mail and hook" posted a private message',
    ]


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


def _file(api, w, role: str, ref: str = "T-1") -> str:
    """A customer or agent files a ticket or uploads to one; returns the new ref or attachment id."""
    body = {"filename": "plan.pdf", "content_type": "application/pdf", "size": 100}
    resp = api.call("POST", f"/v1/items/{ref}/attachments", body, token=w.token(role))
    assert resp.status_code == 201, resp.data
    return resp.data["id"]


def _new_ticket(api, w, title: str) -> str:
    form = f"/v1/public/agency/forms/{w.ids['ticket_type'].id}"
    resp = api.call("POST", form, {"title": title}, token=w.token("customer_a"))
    assert resp.status_code == 201, resp.data
    return resp.data["ref"]


def test_a_rule_whose_project_was_deleted_fails_alone(api, container):
    # Given a policy covering every item, a rule routing new tickets to a project, and a later rule tagging them
    w = build_world(container.deps)
    admin = w.token("admin")
    api.call("POST", "/v1/sla-policies", {"name": "Everyone", "first_response_minutes": 60}, token=admin)
    project = api.call("POST", "/v1/projects", {"name": "Soon gone"}, token=admin).data
    router = _rule(api, admin, name="Route to soon gone", trigger="item_created", position=0,
                   actions=[{"type": "set_project", "value": project["id"]}])
    _rule(api, admin, name="Tag new", trigger="item_created", position=1, actions=[{"type": "add_tag", "value": "new"}])
    pump(container)
    container.deps.mailer.sent.clear()
    # When the project is deleted and customer A files a ticket (every event delivered twice)
    repos, tenant_id = container.deps.repos, w.ids["tenant"].id
    repos.projects.delete(repos.projects.get(tenant_id, project["id"]))
    ref = _new_ticket(api, w, "Help")
    pump(container, twice=True)
    # Then the ticket still gets its acknowledgement, its SLA clock and the other rule's tag
    item = api.call("GET", f"/v1/items/{ref}", token=admin).data
    assert item["tags"] == ["new"] and item["project_id"] != project["id"]
    assert item["sla"]["clocks"]["first_response"]["due_at"]
    assert any(m.to == ["alice@customer-a.example"] and "we received" in m.text for _, m in container.deps.mailer.sent)
    # And the failure is in the item's activity once, naming the rule and the error
    activity = api.call("GET", f"/v1/items/{ref}/activity", token=admin).data["items"]
    failures = [a for a in activity if a["action"] == "rule_failed"]
    assert len(failures) == 1 and failures[0]["cause"] == "rule"
    assert 'rule "Route to soon gone"' in failures[0]["note"] and "unknown project" in failures[0]["note"]
    # And on the rule, without a new version (an admin's If-Match still holds)
    failing = api.call("GET", f"/v1/rules/{router['id']}", token=admin).data
    assert "unknown project" in failing["last_error"] and failing["failing_since"]
    assert failing["version"] == router["version"]
    # When the admin points it at a project that exists, the next run succeeds and clears the mark
    fixed = {"actions": [{"type": "set_project", "value": w.ids["incoming_a"].id}]}
    headers = {"If-Match": f'"{router["version"]}"'}
    assert api.call("PATCH", f"/v1/rules/{router['id']}", fixed, token=admin, headers=headers).status_code == 200
    _new_ticket(api, w, "Help again")
    pump(container)
    cleared = api.call("GET", f"/v1/rules/{router['id']}", token=admin).data
    assert cleared["last_error"] is None and cleared["failing_since"] is None


def _store_as_older_code_did(container, tenant_id: str, rule_id: str, conditions, actions) -> None:
    """A rule row as the code before typed actions wrote it (the memory fake keeps documents, like the table)."""
    doc = {"tenant_id": tenant_id, "id": rule_id, "name": rule_id, "trigger": "item_created",
           "created_at": "2025-06-01T00:00:00.000Z", "conditions": conditions, "actions": actions,
           "enabled": True, "position": 0, "options": {}, "version": 1}
    container.deps.repos.rules._s.entities[(tenant_id, "rule", rule_id)] = doc


def test_stored_rules_of_older_code_still_run_and_one_that_no_longer_decodes_fails_alone(api, container):
    # Given two rules stored by older code: one in the old shapes, one whose set_field lost its key
    w = build_world(container.deps)
    admin, tenant_id = w.token("admin"), w.ids["tenant"].id
    old_shape = {"mode": "all", "conditions": [{"field": "priority", "op": "equals", "value": "normal"}]}
    old_tag, keyless = {"type": "add_tag", "params": {"value": "old"}}, {"type": "set_field", "params": {"value": 1}}
    _store_as_older_code_did(container, tenant_id, "legacy", old_shape, [old_tag])
    _store_as_older_code_did(container, tenant_id, "broken", None, [keyless])
    # When a ticket is filed
    ref = _new_ticket(api, w, "Legacy")
    pump(container)
    # Then the old-shape rule ran, the broken one failed on the item and shows its definition as stored
    assert api.call("GET", f"/v1/items/{ref}", token=admin).data["tags"] == ["old"]
    activity = api.call("GET", f"/v1/items/{ref}/activity", token=admin).data["items"]
    assert any(a["action"] == "rule_failed" and 'rule "broken"' in a["note"] for a in activity)
    broken = api.call("GET", "/v1/rules/broken", token=admin).data
    assert broken["actions"] == [{"type": "set_field", "value": 1}] and "actions[0].key" in broken["last_error"]
    assert api.call("GET", "/v1/rules/legacy", token=admin).data["conditions"] == {"all": old_shape["conditions"]}
    # And it can still be disabled as it is, or repaired
    assert api.call("PATCH", "/v1/rules/broken", {"enabled": False}, token=admin).data["actions"] == broken["actions"]
    repaired = {"actions": [{"type": "add_tag", "value": "fixed"}], "enabled": True}
    assert api.call("PATCH", "/v1/rules/broken", repaired, token=admin).data["actions"] == repaired["actions"]


def test_a_deleted_rule_no_longer_runs(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    doomed = _rule(api, admin, name="Doomed", trigger="item_created", actions=[{"type": "add_tag", "value": "doomed"}])
    stale = {"If-Match": f'"{doomed["version"] + 1}"'}
    assert api.call("DELETE", f"/v1/rules/{doomed['id']}", token=admin, headers=stale).status_code == 412
    resp = api.call("DELETE", f"/v1/rules/{doomed['id']}", token=admin)
    assert resp.status_code == 204 and resp.body in (b"", None, "")
    assert api.call("GET", f"/v1/rules/{doomed['id']}", token=admin).status_code == 404
    assert api.call("DELETE", f"/v1/rules/{doomed['id']}", token=admin).status_code == 404
    ref = _new_ticket(api, w, "After")
    pump(container)
    assert api.call("GET", f"/v1/items/{ref}", token=admin).data["tags"] == []


def test_a_deleted_macro_and_sla_policy_are_gone(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    macro_id = w.ids["macro"].id
    assert api.call("DELETE", f"/v1/macros/{macro_id}", token=admin).status_code == 204
    assert api.call("GET", f"/v1/macros/{macro_id}", token=admin).status_code == 404
    assert api.call("POST", f"/v1/items/T-1/macros/{macro_id}", token=admin).status_code == 404
    everyone = api.call("POST", "/v1/sla-policies", {"name": "Everyone", "first_response_minutes": 60}, token=admin)
    assert api.call("DELETE", f"/v1/sla-policies/{everyone.data['id']}", token=admin).status_code == 204
    assert api.call("GET", f"/v1/sla-policies/{everyone.data['id']}", token=admin).status_code == 404
    ref = _new_ticket(api, w, "No clock")
    pump(container)
    assert api.call("GET", f"/v1/items/{ref}", token=admin).data["sla"] == {}


def test_a_removed_attachment_leaves_its_message_and_its_download_404s(api, container):
    # Given an agent's public reply carrying an attachment
    w = build_world(container.deps)
    admin, customer = w.token("admin"), w.token("customer_a")
    att = _file(api, w, "agent_member")
    reply = {"body": "See the plan", "visibility": "public", "attachments": [att]}
    assert api.call("POST", "/v1/items/T-1/messages", reply, token=w.token("agent_member")).status_code == 201
    path = f"/v1/items/T-1/attachments/{att}"
    assert api.call("GET", path, token=customer).status_code == 200
    # When customer A (not the uploader) tries to remove it, Then that is refused
    assert api.call("DELETE", path, token=customer).status_code == 403
    # When staff removes it
    assert api.call("DELETE", path, token=admin).status_code == 204
    # Then it is gone from the message and its download, and the activity says so
    messages = api.call("GET", "/v1/items/T-1/messages", token=customer).data["items"]
    assert [m["attachments"] for m in messages if m["body"] == "See the plan"] == [[]]
    assert api.call("GET", path, token=customer).status_code == 404
    assert api.call("GET", path, token=admin).status_code == 404
    assert api.call("DELETE", path, token=admin).status_code == 404
    activity = api.call("GET", "/v1/items/T-1/activity", token=admin).data["items"]
    assert any(a["action"] == "attachment_removed" and "plan.pdf" in a["note"] for a in activity)


def test_an_uploader_may_remove_their_own_attachment(api, container):
    w = build_world(container.deps)
    att = _file(api, w, "customer_a")
    assert api.call("DELETE", f"/v1/items/T-1/attachments/{att}", token=w.token("customer_a")).status_code == 204
    reuse = {"body": "with it", "attachments": [att]}
    assert api.call("POST", "/v1/items/T-1/messages", reuse, token=w.token("customer_a")).status_code == 422


def test_an_infrastructure_failure_in_a_rule_is_redelivered_without_costing_the_item_its_mail(api, container):
    # Given a rule calling a webhook, and a delivery log that is down
    from tandem.domain.events import ItemCreated
    from tandem.runtime.handlers import react_to

    w = build_world(container.deps)
    admin = w.token("admin")
    api.call("POST", "/v1/sla-policies", {"name": "Everyone", "first_response_minutes": 60}, token=admin)
    _rule(api, admin, name="Hook", trigger="item_created", actions=[{"type": "call_webhook", "url": "https://h.example"}])
    pump(container)
    container.deps.mailer.sent.clear()
    deliveries = container.deps.repos.deliveries
    working = deliveries.add
    deliveries.add = lambda *a, **k: (_ for _ in ()).throw(ConnectionError("store down"))
    ref = _new_ticket(api, w, "Hooked")
    created = next(e for e in drain_events(container.deps.repos) if isinstance(e, ItemCreated))
    # When the stream delivers the creation, Then the error propagates (so the record is redelivered) …
    with pytest.raises(ConnectionError):
        react_to(container, created)
    # … and the item still got its acknowledgement and its SLA clock
    assert any(m.to == ["alice@customer-a.example"] for _, m in container.deps.mailer.sent)
    assert api.call("GET", f"/v1/items/{ref}", token=admin).data["sla"]["clocks"]
    # When the store is back and the record is redelivered, the webhook is called once and no mail repeats
    deliveries.add = working
    sent = len(container.deps.mailer.sent)
    react_to(container, created)
    react_to(container, created)
    calls = [s for s in container.deps.webhooks.sent if json.loads(s.body)["data"]["item"]["ref"] == ref]
    assert len(calls) == 1 and len(container.deps.mailer.sent) == sent
