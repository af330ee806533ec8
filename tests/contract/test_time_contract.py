"""TimeRepo on both backends: timers per user, timesheets by user / project / tenant with a date range."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.domain.errors import Conflict
from tandem.domain.time_tracking import SheetState, TimerState, Timesheet, WorkTimer
from tandem.services.ports import SheetQuery

T = "t1"


def _timer(tid: str, user: str, state: TimerState = TimerState.RUNNING, tenant: str = T) -> WorkTimer:
    return WorkTimer(tenant, tid, user, "TCK-1", state, "2026-03-02T09:00:00.000Z",
                     resumed_at="2026-03-02T09:00:00.000Z")


def _sheet(sid: str, user: str, day: str, project: str | None = "p1", tenant: str = T) -> Timesheet:
    return Timesheet(tenant, sid, "TCK-1", user, day, 30, project_id=project)


def test_timers_are_per_user_and_a_stale_write_conflicts(repos):
    # Given two timers of u1 and one of u2 (and one of u1's id in another tenant)
    a = repos.time.add_timer(_timer("a", "u1"))
    repos.time.add_timer(_timer("b", "u1", TimerState.PAUSED))
    repos.time.add_timer(_timer("c", "u2"))
    repos.time.add_timer(_timer("a", "u1", tenant="t2"))
    # Then each user lists only their own, and another user does not find them by id
    assert sorted(t.id for t in repos.time.timers_of(T, "u1")) == ["a", "b"]
    assert repos.time.get_timer(T, "u2", "a") is None
    # When a timer is saved on the version read, a second save on the same version conflicts
    paused = repos.time.save_timer(replace(a, state=TimerState.PAUSED, accrued_seconds=60))
    assert repos.time.get_timer(T, "u1", "a").accrued_seconds == 60 and paused.version == 2
    with pytest.raises(Conflict):
        repos.time.save_timer(replace(a, state=TimerState.RUNNING))
    # and a stopped timer leaves the user's list
    repos.time.save_timer(replace(paused, state=TimerState.STOPPED))
    assert [t.id for t in repos.time.timers_of(T, "u1")] == ["b"]
    with pytest.raises(Conflict):
        repos.time.add_timer(_timer("b", "u1"))


def test_timesheets_list_by_user_project_and_tenant_newest_date_first(repos):
    repos.time.add_sheet(_sheet("s1", "u1", "2026-03-01"))
    repos.time.add_sheet(_sheet("s2", "u1", "2026-03-05", project="p2"))
    repos.time.add_sheet(_sheet("s3", "u2", "2026-03-03"))
    repos.time.add_sheet(_sheet("s4", "u1", "2026-04-01", project=None))
    repos.time.add_sheet(_sheet("s9", "u1", "2026-03-02", tenant="t2"))

    def ids(**kw) -> list[str]:
        return [s.id for s in repos.time.sheets(SheetQuery(T, **kw)).items]

    assert ids(user_id="u1") == ["s4", "s2", "s1"]
    assert ids(project_id="p1") == ["s3", "s1"]
    assert ids() == ["s4", "s2", "s3", "s1"]
    assert ids(date_from="2026-03-02", date_to="2026-03-31") == ["s2", "s3"]
    assert ids(user_id="u1", date_to="2026-03-05") == ["s2", "s1"]
    assert ids(user_id="u1", project_id="p1") == ["s1"]


def test_timesheet_pages_follow_the_cursor(repos):
    for n in range(5):
        repos.time.add_sheet(_sheet(f"s{n}", "u1", f"2026-03-0{n + 1}"))
    first = repos.time.sheets(SheetQuery(T, user_id="u1", limit=3))
    second = repos.time.sheets(SheetQuery(T, user_id="u1", limit=3, after=first.after))
    assert [s.id for s in first.items] == ["s4", "s3", "s2"]
    assert [s.id for s in second.items] == ["s1", "s0"]


def test_timesheet_save_and_delete_need_the_version_read(repos):
    stored = repos.time.add_sheet(_sheet("s1", "u1", "2026-03-01"))
    with pytest.raises(Conflict):
        repos.time.add_sheet(_sheet("s1", "u1", "2026-03-01"))
    moved = repos.time.save_sheet(replace(stored, date="2026-03-09", state=SheetState.SUBMITTED))
    assert repos.time.get_sheet(T, "s1").date == "2026-03-09"
    assert [s.id for s in repos.time.sheets(SheetQuery(T, user_id="u1", date_from="2026-03-09")).items] == ["s1"]
    with pytest.raises(Conflict):
        repos.time.save_sheet(replace(stored, minutes=5))
    with pytest.raises(Conflict):
        repos.time.delete_sheet(stored)
    repos.time.delete_sheet(moved)
    assert repos.time.get_sheet(T, "s1") is None
    assert repos.time.sheets(SheetQuery(T)).items == []


def test_a_run_on_a_stale_guard_writes_nothing(repos):
    # Given u1's running timer a, and the guard as read
    a = repos.time.run_timer(_timer("a", "u1"), [], 0)
    timers, guard = repos.time.timers_and_guard(T, "u1")
    assert ([t.id for t in timers], guard) == (["a"], 1)
    # When b starts pausing a, on that guard
    paused_a = replace(a, state=TimerState.PAUSED, resumed_at=None)
    b = repos.time.run_timer(_timer("b", "u1"), [paused_a], guard)
    # Then b runs and a is paused, and the guard moved on
    states = {t.id: t.state for t in repos.time.timers_and_guard(T, "u1")[0]}
    assert states == {"a": TimerState.PAUSED, "b": TimerState.RUNNING} and b.version == 1
    assert repos.time.timers_and_guard(T, "u1")[1] == 2
    # When another start read the same guard before b's: it conflicts and leaves everything as it was
    with pytest.raises(Conflict):
        repos.time.run_timer(_timer("c", "u1"), [replace(b, state=TimerState.PAUSED)], guard)
    # and so does a start on the current guard that writes a stale copy of a
    with pytest.raises(Conflict):
        repos.time.run_timer(_timer("c", "u1"), [replace(a, state=TimerState.PAUSED)], 2)
    timers, guard = repos.time.timers_and_guard(T, "u1")
    assert sorted((t.id, t.state) for t in timers) == [("a", TimerState.PAUSED), ("b", TimerState.RUNNING)]
    assert guard == 2
    # Another person's guard is their own
    assert repos.time.timers_and_guard(T, "u2") == ([], 0)
