"""Exactly-once mail under a Lambda timeout, on both backends (in-memory; DynamoDB stream on moto).

The stream handler starts the acknowledgement of a new ticket, its once-only record is written IN_PROGRESS,
and the Lambda dies while sending (its timeout). A redelivery before that invocation's deadline must not send
(the attempt might still be running); one after the deadline sends the mail; later redeliveries send nothing.
"""

from __future__ import annotations

import copy
import time

import pytest

from integration.conftest import FAST_ARGON2, Api
from integration.test_sla_clocks import _item, world  # noqa: F401  (the SLA world fixture)
from tandem.runtime import wiring
from tandem.runtime.invocation import bound
from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer
from tandem.runtime.settings import read_settings

CUSTOMER = "alice@customer-a.example"


class LambdaDied(BaseException):
    """The invocation is killed at its timeout: nothing after this point runs, no cleanup either."""


class DyingMailer(MemoryMailer):
    """Dies (once) while sending to `die_for`, the way a Lambda hits its timeout inside an SES call."""

    die_for: str | None = None

    def send(self, tenant, mail):
        if self.die_for in mail.to:
            self.die_for = None
            raise LambdaDied()
        return super().send(tenant, mail)


class Invocation:
    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


class MemoryStream:
    """Change events of the memory backend, delivered record by record like the batch handler does."""

    def __init__(self, c) -> None:
        self.c = c

    def batch(self) -> list:
        from tandem.dal.memory import drain_events

        return drain_events(self.c.deps.repos)

    def deliver(self, batch: list) -> int:
        from tandem.runtime.handlers import react_to

        failed = 0
        for event in batch:
            try:
                react_to(self.c, event)
            except Exception:  # the batch processor reports the record; BaseException (death) goes through
                failed += 1
        return failed


class DynamoStream:
    """The table's stream on moto, delivered through the rules Lambda's batch handler."""

    def __init__(self, c) -> None:
        from tandem.local.stream import StreamReader

        self.c, self.reader = c, StreamReader("stream-test")

    def batch(self) -> dict:
        return self.reader.batch()

    def deliver(self, batch: dict) -> int:
        return len(self.c.process_stream_batch(copy.deepcopy(batch))["batchItemFailures"])


@pytest.fixture(params=["memory", "dynamodb"])
def stack(request, monkeypatch):
    from chalice.test import Client

    from app import app

    if request.param == "memory":
        c = wiring.build(read_settings(), mailer=DyingMailer(), password_costs=FAST_ARGON2)
        wiring.use(c)
        with Client(app) as client:
            yield c, Api(client), MemoryStream(c)
        wiring.use(None)
        return
    from moto import mock_aws

    monkeypatch.setenv("TANDEM_BACKEND", "dynamodb")
    monkeypatch.setenv("TANDEM_TABLE", "stream-test")
    with mock_aws():
        from tandem.dal import table

        table.configure("stream-test", host=None, region="us-east-1")
        table.create_table()
        c = wiring.build(read_settings(), mailer=DyingMailer(), blobs=MemoryBlobStore(), password_costs=FAST_ARGON2)
        wiring.use(c)
        with Client(app) as client:
            yield c, Api(client), DynamoStream(c)
        wiring.use(None)


def mails_to(c, address: str) -> int:
    return sum(1 for _, m in c.deps.mailer.sent if address in m.to)


def drain(stream) -> None:
    for _ in range(6):
        batch = stream.batch()
        if not batch or (isinstance(batch, dict) and not batch["Records"]):
            return
        with bound(Invocation(60_000)):
            assert stream.deliver(batch) == 0


def test_a_mail_cut_off_by_a_timeout_is_sent_once_by_the_retry_and_never_again(stack):
    from integration.world import build_world

    c, api, stream = stack
    w = build_world(c.deps)
    drain(stream)
    # Given a new ticket whose requester gets an acknowledgement
    api.call(
        "POST",
        "/v1/items",
        {"type_id": w.ids["ticket_type"].id, "title": "Cut off", "requester": w.ids["cust_a"].id},
        token=w.token("admin"),
    )
    batch = stream.batch()
    c.deps.mailer.sent.clear()
    c.deps.mailer.die_for = CUSTOMER

    # When the Lambda times out while sending it (300 ms after its record was written)…
    with bound(Invocation(300)), pytest.raises(LambdaDied):
        stream.deliver(batch)
    # …a redelivery within that invocation's lifetime fails the record instead of sending (it may still run)
    with bound(Invocation(60_000)):
        assert stream.deliver(batch) >= 1
    assert mails_to(c, CUSTOMER) == 0

    # Then once the dead invocation's deadline has passed, the redelivery sends it
    time.sleep(0.5)
    with bound(Invocation(60_000)):
        assert stream.deliver(batch) == 0
    assert mails_to(c, CUSTOMER) == 1

    # And a completed mail is never sent again, however often the batch comes back
    with bound(Invocation(60_000)):
        assert stream.deliver(batch) == 0
        assert stream.deliver(batch) == 0
    assert mails_to(c, CUSTOMER) == 1


def test_a_timer_whose_firing_failed_is_fired_by_the_next_tick_exactly_once(api, container, request, monkeypatch):
    from integration.test_notifications import pump
    from tandem.runtime.handlers import run_timers

    # Given an item whose SLA warning is due at 16:00 (Berlin support hours, test_sla_clocks' world)
    w, _ = request.getfixturevalue("world")
    ref = _item(api, w, "Flaky store")["ref"]
    pump(container)
    items, failed = container.deps.repos.items, []
    real_save = items.save

    def save(item, activity, **kw):  # the first write of the firing fails (DynamoDB throttled, past its retries)
        if not failed:
            failed.append(item.ref)
            raise ConnectionError("throttled")
        return real_save(item, activity, **kw)

    monkeypatch.setattr(items, "save", save)
    # When the tick that fires it fails half-way
    with pytest.raises(ConnectionError):
        run_timers(container, now="2026-12-18T16:00:00.000Z")
    # Then the timer is still there: the next tick fires it, and the one after finds nothing left
    assert run_timers(container, now="2026-12-18T16:00:30.000Z")["fired"] == {"sla": 1}
    assert run_timers(container, now="2026-12-18T16:01:00.000Z")["fired"] == {}
    pump(container)
    assert api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data["tags"] == ["sla-warning"]


def test_a_tick_failing_after_the_mark_runs_the_stage_rules_on_the_next_tick(api, container, request, monkeypatch):
    from integration.test_notifications import pump
    from tandem.runtime.handlers import run_timers

    # Given an item whose SLA warning (and its rule tagging "sla-warning") is due at 16:00
    w, _ = request.getfixturevalue("world")
    ref = _item(api, w, "Marked, then cut off")["ref"]
    pump(container)
    items, saves = container.deps.repos.items, []
    real_save = items.save

    def save(item, activity, **kw):  # the second write of the firing (the rule's tag) fails; the mark went through
        saves.append(item.ref)
        if len(saves) == 2:
            raise ConnectionError("throttled")
        return real_save(item, activity, **kw)

    monkeypatch.setattr(items, "save", save)
    # When the tick marks the warning on the clock and then fails running the stage's rule
    with pytest.raises(ConnectionError):
        run_timers(container, now="2026-12-18T16:00:00.000Z")
    pump(container)  # the mark's change event goes through the stream meanwhile
    shown = api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data
    assert shown["sla"]["clocks"]["first_response"]["warned"] is True and shown["tags"] == []
    # Then the next tick still has the timer and runs the rule, and the tick after finds nothing left
    assert run_timers(container, now="2026-12-18T16:00:30.000Z")["fired"] == {"sla": 1}
    assert run_timers(container, now="2026-12-18T16:01:00.000Z")["fired"] == {}
    pump(container)
    assert api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data["tags"] == ["sla-warning"]
