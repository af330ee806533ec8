"""Concurrent timer starts of one person (issue 13), with threads, on the in-memory twin and on DynamoDB (moto).

Every thread reads the person's timers before any of them writes (a barrier in the read), which is the race the
run guard is for: without it each would pause nothing and start its own, leaving several running timers.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from integration.conftest import FAST_ARGON2
from integration.world import build_world
from tandem.domain.permissions import Principal
from tandem.domain.time_tracking import TimerState
from tandem.runtime import wiring
from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer
from tandem.runtime.settings import read_settings
from tandem.services import track_time

THREADS = 4


@pytest.fixture(params=["memory", "dynamodb"])
def deps(request, monkeypatch):
    if request.param == "memory":
        yield wiring.build(read_settings(), password_costs=FAST_ARGON2).deps
        return
    from moto import mock_aws
    from moto.core.botocore_stubber import BotocoreStubber

    # DynamoDB serves each request atomically; moto in-process does not (its transactions copy tables another
    # thread is writing), so whole requests take turns, as on the local stack's server (local/moto_server.py).
    turns, answer = threading.Lock(), BotocoreStubber.process_request

    def one_at_a_time(self: Any, request: Any) -> Any:
        with turns:
            return answer(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", one_at_a_time)
    monkeypatch.setenv("TANDEM_BACKEND", "dynamodb")
    monkeypatch.setenv("TANDEM_TABLE", "timer-races")
    with mock_aws():
        from tandem.dal import table

        table.configure("timer-races", host=None, region="us-east-1")
        table.create_table()
        yield wiring.build(read_settings(), mailer=MemoryMailer(), blobs=MemoryBlobStore(),
                           password_costs=FAST_ARGON2).deps


class ReadTogether:
    """The time repo, except that each thread's first read of its timers waits until every thread has read."""

    def __init__(self, inner: Any, parties: int) -> None:
        self._inner, self._barrier, self._seen = inner, threading.Barrier(parties), threading.local()

    def timers_and_guard(self, tenant_id: str, user_id: str) -> Any:
        found = self._inner.timers_and_guard(tenant_id, user_id)
        if not getattr(self._seen, "done", False):
            self._seen.done = True
            self._barrier.wait(timeout=20)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _starts(deps, calls: list[dict]) -> list[Any]:
    """Run the starts in threads that all read before any writes; their results (or errors)."""
    w = build_world(deps)
    m = w.ids["member"]
    member = Principal(m.tenant_id, m.id, m.role, (w.ids["team"].id,))  # a member of Incoming (A) by her team
    plain = deps.repos.time
    deps.repos.time = ReadTogether(plain, len(calls))
    try:
        with ThreadPoolExecutor(len(calls)) as pool:
            futures = [pool.submit(track_time.start_timer, deps, member, w.ids["item_a"].ref, **kw) for kw in calls]
            results = [f.exception() or f.result() for f in futures]
    finally:
        deps.repos.time = plain
    return [results, plain.timers_of(member.tenant_id, member.user_id)]


def test_concurrent_starts_of_one_person_leave_exactly_one_running_timer(deps):
    # Given several starts of the same person at once
    results, timers = _starts(deps, [{} for _ in range(THREADS)])
    # Then each started its own timer, and exactly one of them runs: the others were paused by later starts
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(t.id for t in timers) == sorted(r.id for r in results)
    assert [t.state for t in timers].count(TimerState.RUNNING) == 1
    assert [t.state for t in timers].count(TimerState.PAUSED) == THREADS - 1


def test_concurrent_retries_of_one_keyed_start_make_one_timer(deps):
    # Given the same start sent twice at once with one Idempotency-Key (a client retrying a slow request)
    results, timers = _starts(deps, [{"idempotency_key": "start-1"}, {"idempotency_key": "start-1"}])
    # Then both answer the same timer, the only one, running
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].id == results[1].id
    assert [(t.id, t.state) for t in timers] == [(results[0].id, TimerState.RUNNING)]
