"""SLA clocks with a frozen clock: across a weekend, a holiday and a waiting period; warning and breach fire
their rule triggers exactly once each through the timers handler."""

from __future__ import annotations

import pytest

from integration.test_notifications import pump
from integration.world import build_world
from tandem.runtime.handlers import run_timers

BERLIN = {
    "timezone": "Europe/Berlin",
    "working_days": [0, 1, 2, 3, 4],
    "start": "09:00",
    "end": "17:00",
    "holiday_country": "DE",
}


class Clock:
    def __init__(self, now: str) -> None:
        self.now = now

    def __call__(self) -> str:
        return self.now


@pytest.fixture
def world(api, container):
    clock = Clock("2026-12-18T14:00:00.000Z")  # Friday 15:00 in Berlin
    container.deps.clock = clock
    w = build_world(container.deps)
    pump(container)  # the world's own items predate the policy
    admin = w.token("admin")
    api.call(
        "POST",
        "/v1/sla-policies",
        {
            "name": "Support hours",
            "first_response_minutes": 240,
            "resolution_minutes": 1440,
            "warning_percent": 50,
            "calendar": BERLIN,
        },
        token=admin,
    )
    for stage in ("warning", "breach"):
        api.call(
            "POST",
            "/v1/rules",
            {
                "name": f"SLA {stage}",
                "trigger": f"sla_{stage}",
                "actions": [{"type": "add_tag", "value": f"sla-{stage}"}],
            },
            token=admin,
        )
    pump(container)
    return w, clock


def _item(api, w, title: str) -> dict:
    resp = api.call(
        "POST",
        "/v1/items",
        {"type_id": w.ids["ticket_type"].id, "title": title, "requester": w.ids["cust_a"].id},
        token=w.token("admin"),
    )
    return resp.data


def test_first_response_clock_skips_the_weekend_and_pauses_while_waiting(api, container, world):
    w, clock = world
    admin = w.token("admin")
    ref = _item(api, w, "Friday afternoon")["ref"]
    pump(container)
    fr = api.call("GET", f"/v1/items/{ref}", token=admin).data["sla"]["clocks"]["first_response"]
    # 4 business hours from Friday 15:00 Berlin: 2 h on Friday, 2 h on Monday → Monday 11:00 Berlin (10:00 UTC)
    assert fr["due_at"] == "2026-12-21T10:00:00.000Z"
    assert fr["warning_at"] == "2026-12-18T16:00:00.000Z"  # 50 %: Friday 17:00 Berlin
    # Monday 09:00–10:00 Berlin the item waits on the customer: the clock stops for that hour
    clock.now = "2026-12-21T08:00:00.000Z"
    api.call("PATCH", f"/v1/items/{ref}", {"status": "waiting"}, token=admin)
    pump(container)
    paused = api.call("GET", f"/v1/items/{ref}", token=admin).data["sla"]["clocks"]["first_response"]
    assert paused["due_at"] is None
    clock.now = "2026-12-21T09:00:00.000Z"
    api.call("PATCH", f"/v1/items/{ref}", {"status": "open"}, token=admin)
    pump(container)
    resumed = api.call("GET", f"/v1/items/{ref}", token=admin).data["sla"]["clocks"]["first_response"]
    assert resumed["due_at"] == "2026-12-21T11:00:00.000Z"


def test_resolution_clock_skips_christmas(api, container, world):
    w, clock = world
    clock.now = "2026-12-23T08:00:00.000Z"  # Wednesday 09:00 Berlin
    ref = _item(api, w, "Before Christmas")["ref"]
    pump(container)
    res = api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data["sla"]["clocks"]["resolution"]
    # 24 business hours: Wed 8, Thu 8, Fri 25th and Sat 26th holidays/weekend, Sun, then Mon 28th 8 → 17:00 Berlin
    assert res["due_at"] == "2026-12-28T16:00:00.000Z"


def test_warning_and_breach_fire_once_each_through_the_timers_handler(api, container, world):
    w, clock = world
    admin = w.token("admin")
    ref = _item(api, w, "Clock me")["ref"]
    pump(container)

    def tags() -> list[str]:
        pump(container)
        return api.call("GET", f"/v1/items/{ref}", token=admin).data["tags"]

    assert run_timers(container, now="2026-12-18T15:59:00.000Z")["fired"] == {}
    assert tags() == []
    first = run_timers(container, now="2026-12-18T16:00:00.000Z")["fired"]
    assert first == {"sla": 1} and tags() == ["sla-warning"]
    assert run_timers(container, now="2026-12-18T16:01:00.000Z")["fired"] == {}  # fired once, gone
    run_timers(container, now="2026-12-21T10:00:00.000Z")
    assert tags() == ["sla-warning", "sla-breach"]
    for minute in ("01", "02"):
        run_timers(container, now=f"2026-12-21T10:{minute}:00.000Z")
    assert tags() == ["sla-warning", "sla-breach"]
    clocks = api.call("GET", f"/v1/items/{ref}", token=admin).data["sla"]["clocks"]["first_response"]
    assert clocks["warned"] is True and clocks["breached"] is True


def test_answering_in_time_cancels_the_first_response_timers(api, container, world):
    w, clock = world
    admin = w.token("admin")
    ref = _item(api, w, "Answered")["ref"]
    pump(container)
    clock.now = "2026-12-18T14:30:00.000Z"
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "On it", "visibility": "public"}, token=admin)
    pump(container)
    fr = api.call("GET", f"/v1/items/{ref}", token=admin).data["sla"]["clocks"]["first_response"]
    assert fr["met_at"] == "2026-12-18T14:30:00.000Z" and fr["due_at"] is None
    run_timers(container, now="2026-12-21T12:00:00.000Z")
    pump(container)
    assert "sla-breach" not in api.call("GET", f"/v1/items/{ref}", token=admin).data["tags"]
