"""SLA business-time arithmetic, policy choice and clocks, all with fixed instants (no real clock)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem.domain.clock import iso
from tandem.domain.errors import ValidationError
from tandem.domain.sla import (
    BusinessCalendar,
    CalendarSpec,
    PolicyMatch,
    SlaClock,
    SlaPolicy,
    add_business_minutes,
    business_minutes_between,
    calendar_from_spec,
    check_policy,
    choose_policy,
    due_times,
    elapsed_minutes,
    is_paused,
    mark_met,
    pause,
    policy_targets,
    resume,
)
from tandem.services.holidays_calendar import calendar_for, holidays_for

BERLIN = ZoneInfo("Europe/Berlin")
CAL = BusinessCalendar(timezone="Europe/Berlin")


def berlin(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


# --- calendar arithmetic --------------------------------------------------------------------------


def test_four_hours_from_friday_afternoon_land_on_monday_morning():
    due = add_business_minutes(CAL, berlin(2026, 3, 6, 15), 4 * 60)  # Friday 15:00
    assert due == berlin(2026, 3, 9, 11)  # Monday 11:00
    assert due.tzinfo is UTC


def test_start_outside_hours_counts_from_next_opening():
    assert add_business_minutes(CAL, berlin(2026, 3, 9, 6), 60) == berlin(2026, 3, 9, 10)
    assert add_business_minutes(CAL, berlin(2026, 3, 9, 20), 60) == berlin(2026, 3, 10, 10)
    assert add_business_minutes(CAL, berlin(2026, 3, 7, 12), 30) == berlin(2026, 3, 9, 9, 30)  # Saturday


def test_target_ending_exactly_at_closing_time_is_due_at_closing():
    assert add_business_minutes(CAL, berlin(2026, 3, 9, 9), 8 * 60) == berlin(2026, 3, 9, 17)


def test_zero_minutes_is_the_start():
    start = berlin(2026, 3, 7, 12)
    assert add_business_minutes(CAL, start, 0) == start


def test_explicit_holidays_are_skipped():
    cal = BusinessCalendar(timezone="Europe/Berlin", holidays=frozenset({date(2026, 12, 25), date(2026, 12, 26)}))
    start = berlin(2026, 12, 24, 15)  # Thursday before Christmas
    assert add_business_minutes(CAL, start, 4 * 60) == berlin(2026, 12, 25, 11)
    assert add_business_minutes(cal, start, 4 * 60) == berlin(2026, 12, 28, 11)  # Monday
    assert business_minutes_between(cal, start, berlin(2026, 12, 28, 11)) == 240


def test_dst_end_weekend_keeps_wall_clock_hours():
    # Europe/Berlin leaves summer time on Sunday 2026-10-25: Friday is UTC+2, Monday UTC+1.
    due = add_business_minutes(CAL, berlin(2026, 10, 23, 15), 4 * 60)
    assert due == berlin(2026, 10, 26, 11)
    assert due == datetime(2026, 10, 26, 10, tzinfo=UTC)
    week = add_business_minutes(CAL, berlin(2026, 10, 19, 9), 5 * 8 * 60)
    assert week.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 10, 23, 17)
    assert business_minutes_between(CAL, berlin(2026, 10, 23, 9), berlin(2026, 10, 26, 17)) == 16 * 60


def test_dst_start_weekend_keeps_wall_clock_hours():
    # Summer time begins Sunday 2026-03-29.
    due = add_business_minutes(CAL, berlin(2026, 3, 27, 16), 2 * 60)
    assert due.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 30, 10)


def test_twenty_four_seven_counts_every_hour():
    cal = BusinessCalendar.twenty_four_seven("Europe/Berlin")
    assert add_business_minutes(cal, berlin(2026, 3, 7, 22), 4 * 60) == berlin(2026, 3, 8, 2)
    # The night the clocks go back has a repeated hour: 4 real hours after midnight is 03:00 local.
    assert add_business_minutes(cal, berlin(2026, 10, 25, 0), 4 * 60).astimezone(BERLIN).hour == 3
    assert business_minutes_between(cal, berlin(2026, 10, 25), berlin(2026, 10, 26)) == 25 * 60
    assert calendar_from_spec(
        CalendarSpec(timezone="Europe/Berlin", working_days=list(range(7)), start="00:00", end="24:00")
    ) == cal


def test_a_closed_waiting_pause_moves_the_due_time_by_its_business_length():
    start = berlin(2026, 3, 9, 9)
    assert add_business_minutes(CAL, start, 240) == berlin(2026, 3, 9, 13)
    waiting = [(berlin(2026, 3, 9, 10), berlin(2026, 3, 9, 12))]
    assert add_business_minutes(CAL, start, 240, waiting) == berlin(2026, 3, 9, 15)
    # Overnight: 16:00 → 10:00 next day is also two business hours.
    overnight = [(berlin(2026, 3, 9, 16), berlin(2026, 3, 10, 10))]
    assert add_business_minutes(CAL, start, 8 * 60, overnight) == berlin(2026, 3, 10, 11)


def test_overlapping_and_pre_start_pauses_count_once():
    start = berlin(2026, 3, 9, 9)
    pauses = [
        (berlin(2026, 3, 9, 8), berlin(2026, 3, 9, 10)),  # begins before the clock
        (berlin(2026, 3, 9, 11), berlin(2026, 3, 9, 12, 30)),
        (berlin(2026, 3, 9, 12), berlin(2026, 3, 9, 13)),  # overlaps the previous one
    ]
    assert add_business_minutes(CAL, start, 120, pauses) == berlin(2026, 3, 9, 14)
    assert business_minutes_between(CAL, start, berlin(2026, 3, 9, 14), pauses) == 120


def test_an_open_pause_stops_the_clock():
    start = berlin(2026, 3, 9, 9)
    assert add_business_minutes(CAL, start, 240, [(berlin(2026, 3, 9, 10), None)]) is None
    # Met before the pause began: the due time stands.
    assert add_business_minutes(CAL, start, 30, [(berlin(2026, 3, 9, 10), None)]) == berlin(2026, 3, 9, 9, 30)
    assert business_minutes_between(CAL, start, berlin(2026, 3, 10, 12), [(berlin(2026, 3, 9, 10), None)]) == 60


def test_business_minutes_between_floors_and_ignores_reversed_ranges():
    start = berlin(2026, 3, 9, 9)
    assert business_minutes_between(CAL, start, start + timedelta(seconds=119)) == 1
    assert business_minutes_between(CAL, start, start - timedelta(hours=1)) == 0


@pytest.mark.parametrize("seed", range(6))
def test_business_minutes_between_inverts_add_business_minutes(seed):
    rng = random.Random(seed)
    cal = BusinessCalendar(
        timezone=rng.choice(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]),
        working_days=tuple(sorted(rng.sample(range(7), rng.randint(1, 7)))),
        start=time(rng.randint(0, 10), rng.choice([0, 30])),
        end=rng.choice([time(17), time(18, 30), time(0)]),
        holidays=frozenset(date(2026, 1, 1) + timedelta(days=rng.randrange(365)) for _ in range(10)),
    )
    for _ in range(40):
        start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(365 * 24 * 60))
        begin = start + timedelta(minutes=rng.randrange(5000))
        pauses = [(begin, begin + timedelta(minutes=rng.randrange(1, 3000)))] if rng.random() < 0.5 else []
        minutes = rng.randrange(1, 6000)
        due = add_business_minutes(cal, start, minutes, pauses)
        assert business_minutes_between(cal, start, due, pauses) == minutes
        assert business_minutes_between(cal, start, due - timedelta(minutes=1), pauses) < minutes
        end = start + timedelta(minutes=rng.randrange(20000))
        spent = business_minutes_between(cal, start, end, pauses)
        assert add_business_minutes(cal, start, spent, pauses) <= end


def test_calendar_validation():
    with pytest.raises(ValidationError):
        BusinessCalendar(timezone="Mars/Olympus")
    with pytest.raises(ValidationError):
        BusinessCalendar(working_days=())
    with pytest.raises(ValidationError):
        BusinessCalendar(start=time(17), end=time(9))
    with pytest.raises(ValidationError):
        calendar_from_spec(CalendarSpec(start="9am"))
    with pytest.raises(ValueError):
        add_business_minutes(CAL, datetime(2026, 3, 9, 9), 10)  # naive


# --- policies -------------------------------------------------------------------------------------


def policy(pid: str, position: int, **kw) -> SlaPolicy:
    return SlaPolicy("t1", pid, pid, "2026-01-01T00:00:00.000Z", 60, 480, position=position, **kw)


def test_choose_policy_takes_the_first_enabled_match_by_position():
    policies = [
        policy("fallback", 9),
        policy("urgent-acme", 1, match=PolicyMatch(priorities=["urgent"], organization_ids=["acme"])),
        policy("bugs", 2, match=PolicyMatch(type_ids=["bug", "incident"])),
        policy("off", 0, enabled=False),
    ]
    choose = lambda **kw: choose_policy(policies, **{"type_id": None, "priority": None, "organization_id": None, **kw})  # noqa: E731
    assert choose(priority="urgent", organization_id="acme", type_id="bug").id == "urgent-acme"
    assert choose(priority="urgent", organization_id="other", type_id="bug").id == "bugs"
    assert choose(priority="urgent", organization_id="acme").id == "urgent-acme"
    assert choose(type_id="question").id == "fallback"
    assert choose_policy([policies[1]], type_id=None, priority="low", organization_id="acme") is None


def test_policy_checks_targets_and_round_trips():
    good = policy("p", 0, calendar=CalendarSpec(timezone="Europe/Berlin", holiday_country="DE"))
    assert check_policy(good) is good
    assert [(t.name, t.minutes) for t in policy_targets(good)] == [("first_response", 60), ("resolution", 480)]
    assert SlaPolicy.from_dict(good.to_dict()) == good
    with pytest.raises(ValidationError):
        check_policy(policy("p", 0, warning_percent=120))
    with pytest.raises(ValidationError):
        check_policy(SlaPolicy("t1", "p", "p", "2026-01-01T00:00:00.000Z", first_response_minutes=-5))
    with pytest.raises(ValidationError):
        check_policy(policy("p", 0, calendar=CalendarSpec(timezone="Nowhere/Zone")))


# --- clocks ---------------------------------------------------------------------------------------


def test_warning_at_eighty_percent_of_an_eight_hour_target():
    clock = SlaClock("p", "resolution", iso(berlin(2026, 3, 9, 13)))
    warning_at, due_at = due_times(clock, CAL, 8 * 60, 80)
    assert warning_at == berlin(2026, 3, 10, 11, 24)  # 384 business minutes: 240 on Monday, 144 on Tuesday
    assert due_at == berlin(2026, 3, 10, 13)


def test_clock_pause_resume_and_met():
    start = berlin(2026, 3, 9, 9)
    clock = SlaClock("p", "first_response", iso(start))
    paused = pause(clock, berlin(2026, 3, 9, 10))
    assert is_paused(paused) and not is_paused(clock)
    assert pause(paused, berlin(2026, 3, 9, 11)) is paused  # redelivered "waiting" changes nothing
    assert due_times(paused, CAL, 240, 80) == (None, None)  # neither is reached before the pause
    assert due_times(pause(clock, berlin(2026, 3, 9, 12, 30)), CAL, 240, 80) == (berlin(2026, 3, 9, 12, 12), None)
    resumed = resume(paused, berlin(2026, 3, 9, 12))
    assert not is_paused(resumed) and resume(resumed, berlin(2026, 3, 9, 13)) is resumed
    assert due_times(resumed, CAL, 240, 80) == (berlin(2026, 3, 9, 14, 12), berlin(2026, 3, 9, 15))
    assert elapsed_minutes(resumed, CAL, berlin(2026, 3, 9, 14)) == 180
    met = mark_met(resumed, berlin(2026, 3, 9, 14))
    assert mark_met(met, berlin(2026, 3, 9, 16)).met_at == met.met_at
    assert due_times(met, CAL, 240, 80) == (None, None)
    assert elapsed_minutes(met, CAL, berlin(2026, 3, 20)) == 180
    assert SlaClock.from_dict(met.to_dict()) == met


# --- holidays from the library (service level) ------------------------------------------------------


def test_german_christmas_from_the_holidays_library():
    spec = CalendarSpec(timezone="Europe/Berlin", holiday_country="DE", extra_holidays=["2026-12-24"])
    cal = calendar_for(spec, range(2026, 2028))
    assert {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)} <= cal.holidays
    # Wednesday 23rd 15:00 + 4 h: 2 h on Wednesday, Thursday (extra), Friday (Christmas) and the weekend skipped.
    assert add_business_minutes(cal, berlin(2026, 12, 23, 15), 240) == berlin(2026, 12, 28, 11)
    holidays_for.cache_clear()
    calendar_for(spec, range(2026, 2028))
    calendar_for(spec, range(2026, 2028))
    assert holidays_for.cache_info().hits == 2


def test_subdivision_holidays_and_unknown_country():
    bavaria = calendar_for(CalendarSpec(holiday_country="DE", holiday_subdivision="BY"), range(2026, 2027))
    assert date(2026, 1, 6) in bavaria.holidays  # Epiphany is a holiday in Bavaria, not nationwide
    assert date(2026, 1, 6) not in calendar_for(CalendarSpec(holiday_country="DE"), range(2026, 2027)).holidays
    with pytest.raises(ValidationError):
        calendar_for(CalendarSpec(holiday_country="XX"), range(2026, 2027))
