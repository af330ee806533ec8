"""Pure rules of timers and timesheets (issue 13) and who may do what with them."""

from __future__ import annotations

import pytest

from tandem.domain import time_tracking as tt
from tandem.domain.errors import Conflict, ValidationError
from tandem.domain.people import Role
from tandem.domain.permissions import Action, Area, AreaTarget, Principal, allowed
from tandem.domain.time_tracking import SheetState, TimerState, Timesheet, WorkTimer

T0 = "2026-03-02T09:00:00.000Z"


def _running() -> WorkTimer:
    return WorkTimer("t", "w1", "u1", "TCK-1", TimerState.RUNNING, T0, resumed_at=T0)


def test_elapsed_counts_running_segments_only():
    # Given a timer run 10 min, paused 30 min, resumed for 5 min
    t = tt.pause(_running(), "2026-03-02T09:10:00.000Z")
    assert t.elapsed("2026-03-02T09:40:00.000Z") == 600
    t = tt.resume(t, "2026-03-02T09:40:00.000Z")
    # Then it shows 15 min, and stopping keeps them
    assert t.elapsed("2026-03-02T09:45:00.000Z") == 900
    stopped = tt.stop(t, "2026-03-02T09:45:00.000Z")
    assert (stopped.state, stopped.accrued_seconds, stopped.elapsed("2026-03-02T12:00:00.000Z")) == (
        TimerState.STOPPED, 900, 900)


def test_state_changes_out_of_order_conflict():
    t = _running()
    with pytest.raises(Conflict):
        tt.resume(t, T0)
    stopped = tt.stop(t, T0)
    for change in (tt.pause, tt.stop):
        with pytest.raises(Conflict):
            change(stopped, T0)


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 1), (59, 1), (60, 1), (61, 2), (2700, 45)])
def test_a_started_minute_counts(seconds, minutes):
    assert tt.minutes_of(seconds) == minutes


def _sheet(**kw) -> Timesheet:
    return Timesheet("t", "s1", "TCK-1", "u1", kw.pop("date", "2026-03-02"), kw.pop("minutes", 30), **kw)


@pytest.mark.parametrize(("field", "sheet"), [
    ("date", _sheet(date="2026-02-30")), ("minutes", _sheet(minutes=0)), ("minutes", _sheet(minutes=1441)),
    ("percent_complete", _sheet(percent_complete=101)),
])
def test_sheet_checks_name_the_field(field, sheet):
    with pytest.raises(ValidationError) as err:
        tt.check_sheet(sheet)
    assert err.value.details["field"] == field


def test_approval_follows_submission_and_locks():
    sheet = _sheet()
    with pytest.raises(Conflict):
        tt.transition(sheet, SheetState.APPROVED)
    submitted = _sheet(state=tt.transition(sheet, SheetState.SUBMITTED))
    approved = _sheet(state=tt.transition(submitted, SheetState.APPROVED))
    with pytest.raises(Conflict):
        tt.check_editable(approved)
    with pytest.raises(Conflict):
        tt.transition(approved, SheetState.REJECTED)
    rejected = _sheet(state=tt.transition(submitted, SheetState.REJECTED))
    assert tt.transition(rejected, SheetState.SUBMITTED) is SheetState.SUBMITTED


def _p(role: Role, user: str = "u1") -> Principal:
    return Principal("t", user, role, scopes=frozenset({"items:read", "items:write", "hooks"}))


@pytest.mark.parametrize(("role", "own", "other", "decide"), [
    (Role.ADMIN, True, True, True),
    (Role.AGENT, True, False, False),
    (Role.CUSTOMER, False, False, False),
    (Role.INTEGRATION, False, False, False),
])
def test_timesheet_permissions(role, own, other, decide):
    p = _p(role)

    def on(owner: str) -> AreaTarget:
        return AreaTarget("t", Area.TIMESHEETS, {"owner_id": owner})

    assert allowed(p, Action.UPDATE, on("u1")) is own
    assert allowed(p, Action.READ, on("u2")) is other
    assert allowed(p, Action.ADMINISTER, on("u2")) is decide
    assert allowed(p, Action.CREATE, AreaTarget("t", Area.TIMERS)) is own
    assert allowed(_p(role), Action.READ, AreaTarget("other", Area.TIMESHEETS)) is False


def _sheet_of(owner: str, managers: tuple[str, ...] = ()) -> AreaTarget:
    extra: dict = {"owner_id": owner}
    if managers:
        extra["managers"] = list(managers)
    return AreaTarget("t", Area.TIMESHEETS, extra)


def test_a_manager_reads_and_decides_the_sheets_of_their_project_but_changes_none():
    manager, other = _p(Role.AGENT, "m1"), _p(Role.AGENT, "u3")
    sheet = _sheet_of("u2", managers=("m1",))
    # The project's manager reads and decides on another's sheet, but does not change it
    assert allowed(manager, Action.READ, sheet) and allowed(manager, Action.ADMINISTER, sheet)
    assert not allowed(manager, Action.UPDATE, sheet)
    # An agent who does not manage the project does neither, and a manager of nothing decides nothing
    assert not allowed(other, Action.READ, sheet) and not allowed(other, Action.ADMINISTER, sheet)
    assert not allowed(manager, Action.ADMINISTER, _sheet_of("u2"))
    assert not allowed(_p(Role.AGENT, "u2"), Action.ADMINISTER, _sheet_of("u2"))  # nor the owner on their own
    # Being named a manager gives customers and API keys nothing
    for role in (Role.CUSTOMER, Role.INTEGRATION):
        assert not allowed(_p(role, "m1"), Action.READ, sheet)
        assert not allowed(_p(role, "m1"), Action.ADMINISTER, sheet)


@pytest.mark.parametrize(("role", "owner", "action", "needed"), [
    (Role.ADMIN, "u2", Action.ADMINISTER, False),  # admins decide everything: no project read
    (Role.AGENT, "u1", Action.READ, False),  # their own sheet: no project read
    (Role.AGENT, "u1", Action.UPDATE, False),
    (Role.AGENT, "u1", Action.ADMINISTER, True),  # deciding, even on their own: only a manager may
    (Role.AGENT, "u2", Action.READ, True),  # another's: only if they manage its project
    (Role.CUSTOMER, "u2", Action.READ, False),  # never: refused whatever the project says
])
def test_the_managers_are_read_only_when_they_can_change_the_answer(role, owner, action, needed):
    from tandem.domain.permissions import needs_managers

    assert needs_managers(_p(role), owner, action) is needed
