"""The once-only ledger, one contract for both backends: MemoryOnce and DynamoOnce (powertools on moto).

A "dying" attempt raises a BaseException from inside the side effect: like a Lambda killed at its timeout, it
gets no chance to clean up, so its record stays IN_PROGRESS until the invocation's deadline.
"""

from __future__ import annotations

import itertools
import time

import pytest

from tandem.services.ports import SideEffectInProgress

_tables = itertools.count()


class LambdaDied(BaseException):
    """The process ends mid-invocation (timeout, out of memory): no except clause runs."""


class Clock:
    """The remaining time of the current (simulated) invocation, settable by the test."""

    def __init__(self, ms: int = 60_000) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


@pytest.fixture(params=["memory", "dynamodb"])
def ledger(request):
    """(Once, remaining-time clock) on the given backend."""
    clock = Clock()
    if request.param == "memory":
        from tandem.runtime.memory_adapters import MemoryOnce

        yield MemoryOnce(clock), clock
        return
    from moto import mock_aws

    with mock_aws():
        from tandem.dal import table
        from tandem.dal.dynamo_once import DynamoOnce
        from tandem.dal.table import Record

        table.configure(f"once-{next(_tables)}", host=None, region="us-east-1")
        table.create_table()
        client = Record._get_connection().connection.client
        yield DynamoOnce(lambda: client, lambda: Record.Meta.table_name, clock), clock


def counter():
    calls = []
    return calls, lambda: calls.append(1)


def test_a_completed_side_effect_never_repeats(ledger):
    once, _ = ledger
    calls, effect = counter()
    assert once.run("t1", "sent:e1:u1", effect) is True
    assert once.run("t1", "sent:e1:u1", effect) is False
    assert once.run("t1", "sent:e1:u1", effect) is False
    assert len(calls) == 1


def test_a_remembered_step_answers_its_first_outcome_without_running_again(ledger):
    once, _ = ledger
    calls = []

    def post() -> dict:
        calls.append(1)
        return {"status": 200 + len(calls), "ms": 12}

    assert once.remember("t1", "hook:msg_1:1", post) == {"status": 201, "ms": 12}
    assert once.remember("t1", "hook:msg_1:1", post) == {"status": 201, "ms": 12}
    assert len(calls) == 1


def test_keys_are_per_tenant(ledger):
    once, _ = ledger
    calls, effect = counter()
    assert once.run("t1", "k", effect) and once.run("t2", "k", effect)
    assert len(calls) == 2


def test_a_failed_side_effect_runs_again_on_the_retry(ledger):
    once, _ = ledger

    def broken():
        raise RuntimeError("SES said no")

    with pytest.raises(RuntimeError):
        once.run("t1", "k", broken)
    calls, effect = counter()
    assert once.run("t1", "k", effect) is True
    assert len(calls) == 1


def test_a_repeat_while_the_first_attempt_may_still_run_is_deferred(ledger):
    once, clock = ledger
    clock.ms = 60_000  # the first attempt's invocation has a minute left when it dies
    with pytest.raises(LambdaDied):
        once.run("t1", "k", lambda: (_ for _ in ()).throw(LambdaDied()))
    calls, effect = counter()
    with pytest.raises(SideEffectInProgress):
        once.run("t1", "k", effect)
    assert calls == []


def test_an_attempt_that_timed_out_is_retried_exactly_once(ledger):
    once, clock = ledger
    clock.ms = 150  # the invocation times out 150 ms after the record was written
    with pytest.raises(LambdaDied):
        once.run("t1", "k", lambda: (_ for _ in ()).throw(LambdaDied()))
    time.sleep(0.3)  # past the dead invocation's deadline
    clock.ms = 60_000
    calls, effect = counter()
    assert once.run("t1", "k", effect) is True
    assert once.run("t1", "k", effect) is False
    assert len(calls) == 1


def test_dynamodb_records_are_items_of_our_table_under_the_tenant():
    from moto import mock_aws

    with mock_aws():
        from tandem.dal import table
        from tandem.dal.dynamo_once import DynamoOnce
        from tandem.dal.table import Record

        table.configure(f"once-{next(_tables)}", host=None, region="us-east-1")
        table.create_table()
        client = Record._get_connection().connection.client
        once = DynamoOnce(lambda: client, lambda: Record.Meta.table_name, Clock(5_000))
        seen = {}

        def effect():  # while it runs, the record is IN_PROGRESS until the invocation's deadline
            seen.update(client.get_item(TableName=Record.Meta.table_name, Key=key)["Item"])

        key = {"pk": {"S": "T#t1#EFFECT#sent:e1:u1"}, "sk": {"S": "EFFECT"}}
        before = time.time()
        once.run("t1", "sent:e1:u1", effect)
        done = client.get_item(TableName=Record.Meta.table_name, Key=key)["Item"]
    assert seen["status"] == {"S": "INPROGRESS"}
    assert before * 1000 + 4_000 <= int(seen["in_progress_expiration"]["N"]) <= time.time() * 1000 + 5_000
    assert done["status"] == {"S": "COMPLETED"}
    # `expires_at` is the table's TTL attribute: completed records clean themselves up after a week
    assert 6 * 86400 < int(done["expires_at"]["N"]) - before <= 7 * 86400 + 5
