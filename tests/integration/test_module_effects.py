"""Module switches (issue 15) on the channels that are not API calls: mail in, rules, the timers Lambda and hook
deliveries obey the same switch, lose nothing while a module is off, and carry on once it is on again."""

from __future__ import annotations

import json

import pytest

from integration.mailbox import compose, deliver
from integration.test_hooks import Clock
from integration.test_modules import switch
from integration.test_notifications import pump
from integration.world import build_world
from tandem.runtime.handlers import run_timers

TASKS_ADDRESS = "tasks@agency.tandem.local"
URL = "https://receiver.example/hook"


@pytest.fixture
def world(api, container):
    clock = Clock("2026-03-02T09:00:00.000Z")
    container.deps.clock = clock
    w = build_world(container.deps)
    pump(container)
    container.deps.mailer.sent.clear()
    return w, clock


def _ticket(api, w, title="Printer on fire") -> dict:
    body = {"type_id": w.ids["ticket_type"].id, "title": title, "requester": w.ids["cust_a"].id}
    resp = api.call("POST", "/v1/items", body, token=w.token("admin"))
    assert resp.status_code == 201, resp.data
    return resp.data


def test_mail_to_a_task_address_is_kept_as_a_rejection_and_replayed_once_tasks_are_on(api, container, world):
    from tandem.services.receive_mail import replay

    w, _ = world
    tenant_id = w.ids["tenant"].id
    switch(api, w, tasks=False)
    # When a mail reaches the task type's address while tasks are off
    raw = compose(sender="dana@club.example", to=TASKS_ADDRESS, subject="Plan the move", body="Next week")
    [outcome] = deliver(container, raw, [TASKS_ADDRESS])
    # Then it becomes nothing, and is kept with its reason
    assert (outcome["result"], outcome["reason"]) == ("rejected", "module switched off: tasks")
    [kept] = [r for r in container.deps.repos.mail.rejections(tenant_id).items if r.reason.startswith("module")]
    assert kept.subject == "Plan the move"
    # And mail to a ticket address still becomes a ticket
    [ticket] = deliver(container, compose(sender="dana@club.example", to="support@agency.tandem.local",
                                          subject="Printer", body="Broken"), ["support@agency.tandem.local"])
    assert ticket["result"] == "created" and ticket["ref"].startswith("T-")
    # When tasks are on again and the rejections are replayed (twice: at-least-once)
    switch(api, w, tasks=True)
    inbound, secret = container.inbound_blobs(), container.settings.token_secret
    first = replay(container.deps, inbound, secret=secret, tenant_id=tenant_id, reason="module switched off")
    again = replay(container.deps, inbound, secret=secret, tenant_id=tenant_id, reason="module switched off")
    # Then the mail became one task
    [created] = [o for r in first for o in r.outcomes]
    assert created.result == "created" and created.ref.startswith("K-")
    assert [o.result for r in again for o in r.outcomes] == ["duplicate"]
    assert api.call("GET", f"/v1/items/{created.ref}", token=w.token("admin")).data["title"] == "Plan the move"


def test_rules_flag_and_skip_actions_whose_module_is_off_and_run_the_rest(api, container, world):
    w, _ = world
    admin = w.token("admin")
    rule = api.call("POST", "/v1/rules", {
        "name": "Escalate",
        "trigger": "item_created",
        "actions": [{"type": "add_tag", "value": "seen"}, {"type": "call_webhook", "url": URL},
                    {"type": "convert_to_task"}],
    }, token=admin).data
    assert rule["warnings"] == []
    switch(api, w, tasks=False, integrations=False)
    # Then the list and the rule itself flag the two actions, by index and module
    listed = next(r for r in api.call("GET", "/v1/rules", token=admin).data["items"] if r["id"] == rule["id"])
    single = api.call("GET", f"/v1/rules/{rule['id']}", token=admin).data
    expected = [(1, "integrations"), (2, "tasks")]
    assert [(x["action_index"], x["module"]) for x in listed["warnings"]] == expected
    assert [(x["action_index"], x["module"]) for x in single["warnings"]] == expected
    assert "switched off" in single["warnings"][0]["message"]
    # When an item is created and the stream delivers the change twice
    ref = _ticket(api, w)["ref"]
    pump(container, twice=True)
    # Then the tag is added, nothing is called or converted, the activity says why once each, the rule did not fail
    item = api.call("GET", f"/v1/items/{ref}", token=admin).data
    assert item["kind"] == "ticket" and item["tags"] == ["seen"]
    assert container.deps.webhooks.sent == []
    notes = [a["note"] for a in api.call("GET", f"/v1/items/{ref}/activity", token=admin).data["items"]
             if a["action"] == "side_effect"]
    assert len(notes) == 2 and all("skipped an action" in n for n in notes)
    assert any("Integrations" in n for n in notes) and any("Tasks" in n for n in notes)
    assert api.call("GET", f"/v1/rules/{rule['id']}", token=admin).data["last_error"] is None
    # When the modules are on again, the warnings are gone and the next item is converted
    switch(api, w, tasks=True, integrations=True)
    assert api.call("GET", f"/v1/rules/{rule['id']}", token=admin).data["warnings"] == []
    ref2 = _ticket(api, w, "Second")["ref"]
    pump(container)
    assert api.call("GET", f"/v1/items/{ref2}", token=admin).data["kind"] == "task"


def test_hook_deliveries_are_recorded_but_not_sent_while_integrations_are_off_then_sent_once(api, container, world):
    w, clock = world
    admin = w.token("admin")
    receiver = container.deps.webhooks
    hook = api.call("POST", "/v1/hooks", {"target_url": URL, "event": "item.created"}, token=admin).data
    # Given a delivery whose first attempt failed (its retry is due in 5 s)
    receiver.script = [500]
    _ticket(api, w, "Before")
    pump(container)
    assert len(receiver.sent) == 1
    # When integrations are switched off, an item is created (delivered twice) and the retry comes due
    switch(api, w, integrations=False)
    during = _ticket(api, w, "During")["ref"]
    pump(container, twice=True)
    clock.advance(seconds=10)
    run_timers(container, now=clock.now)
    # Then nothing more was sent
    assert len(receiver.sent) == 1
    # When integrations are on again and the timers run
    switch(api, w, integrations=True)
    run_timers(container, now=clock.now)
    clock.advance(seconds=1)
    run_timers(container, now=clock.now)
    # Then both deliveries went out once each, the new item's with its own payload
    titles = sorted(json.loads(s.body)["data"]["title"] for s in receiver.sent[1:])
    assert titles == ["Before", "During"]
    log = api.call("GET", f"/v1/hooks/{hook['id']}/deliveries", token=admin).data["items"]
    assert sorted(d["state"] for d in log) == ["succeeded", "succeeded"]
    assert any(d["payload"]["data"]["ref"] == during for d in log)
    # And later ticks send nothing again
    clock.advance(hours=30)
    run_timers(container, now=clock.now)
    assert len(receiver.sent) == 3


def test_the_timer_limit_stops_nothing_while_time_tracking_is_off(api, container, world):
    w, clock = world
    agent = w.token("agent_member")
    api.call("PATCH", "/v1/settings", {"timer_limit_hours": 2}, token=w.token("admin"))
    timer = api.call("POST", "/v1/timers", {"item_ref": w.ids["item_a"].ref}, token=agent).data
    switch(api, w, time_tracking=False)
    # When the limit's check comes due while the module is off
    clock.now = "2026-03-02T11:00:30.000Z"
    fired = run_timers(container, now="2026-03-02T11:00:00.000Z")["fired"]
    # Then it stops nothing: the timer is still running once the module is on again, with no draft made
    assert fired.get("work_timer_limit", 0) == 0
    switch(api, w, time_tracking=True)
    [running] = api.call("GET", "/v1/timers", token=agent).data["items"]
    assert (running["id"], running["state"]) == (timer["id"], "running")
    assert api.call("GET", "/v1/timesheets", token=agent).data["items"] == []
