"""Business time: working hours in a time zone, minus non-working days, holidays and pauses.

All arithmetic happens on UTC instants; the calendar's local rules are applied one local day at a
time and each day's opening and closing are converted to UTC on their own. That is what keeps a
DST change right: the working day stays 09:00–17:00 on the wall clock while its UTC offset moves,
and subtracting two aware datetimes that share a ZoneInfo (which Python does on the wall clock)
never happens here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tandem.domain.errors import ValidationError

# A calendar with working days but ten years without a single open hour is a configuration error,
# not a reason to loop forever.
MAX_DAYS = 3660
MIDNIGHT = time(0)

Pause = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class BusinessCalendar:
    """When the SLA clock runs: `working_days` (Mon=0) from `start` to `end` local time, except `holidays`.

    `end == 00:00` means 24:00 (the end of the day), so `start=00:00, end=00:00` on all seven days
    is round-the-clock; `BusinessCalendar.twenty_four_seven()` builds exactly that.
    """

    timezone: str = "UTC"
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: time = time(9)
    end: time = time(17)
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError("unknown time zone", {"field": "timezone", "value": self.timezone}) from exc
        if not self.working_days or any(d not in range(7) for d in self.working_days):
            raise ValidationError("working days are 0 (Monday) to 6 (Sunday), at least one", {"field": "working_days"})
        if self.end != MIDNIGHT and self.end <= self.start:
            raise ValidationError("working hours must end after they start", {"field": "end"})

    @classmethod
    def twenty_four_seven(cls, timezone: str = "UTC") -> BusinessCalendar:
        """Every day, all day: the clock only stops for pauses."""
        return cls(timezone=timezone, working_days=tuple(range(7)), start=MIDNIGHT, end=MIDNIGHT)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def opening(self, day: date) -> tuple[datetime, datetime] | None:
        """The UTC instants this local day opens and closes, or None when it is not a working day."""
        if day.weekday() not in self.working_days or day in self.holidays:
            return None
        tz = self.tz
        opens = datetime.combine(day, self.start, tzinfo=tz)
        closes = datetime.combine(day + timedelta(days=1) if self.end == MIDNIGHT else day, self.end, tzinfo=tz)
        return opens.astimezone(UTC), closes.astimezone(UTC)


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("SLA arithmetic needs aware datetimes")
    return dt.astimezone(UTC)


def _working_spans(cal: BusinessCalendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Working spans in UTC from `start` on, the first one clipped to `start`; ends after MAX_DAYS."""
    # Begin a day early: a local day's span can start before `start`'s local date in odd zones/DST.
    day = start.astimezone(cal.tz).date() - timedelta(days=1)
    for _ in range(MAX_DAYS):
        span = cal.opening(day)
        day += timedelta(days=1)
        if span is None or span[1] <= start:
            continue
        yield max(span[0], start), span[1]
    raise ValueError("calendar has no working time within ten years")


def _merged_pauses(pauses: Iterable[Pause]) -> list[tuple[datetime, datetime | None]]:
    """Pauses in UTC, sorted and merged; an open pause swallows everything after its start."""
    merged: list[tuple[datetime, datetime | None]] = []
    for begin, end in sorted(((_utc(b), _utc(e) if e else None) for b, e in pauses), key=lambda p: p[0]):
        if end is not None and end <= begin:
            continue
        if merged and (merged[-1][1] is None or begin <= merged[-1][1]):
            last_begin, last_end = merged[-1]
            merged[-1] = (last_begin, None if last_end is None or end is None else max(last_end, end))
        else:
            merged.append((begin, end))
    return merged


def _active_spans(
    cal: BusinessCalendar, start: datetime, pauses: Iterable[Pause]
) -> Iterator[tuple[datetime, datetime]]:
    """Working spans with the pauses cut out; stops for good at an open pause."""
    merged = _merged_pauses(pauses)
    for lo, hi in _working_spans(cal, start):
        for p_begin, p_end in merged:
            if p_end is not None and p_end <= lo:
                continue
            if p_begin >= hi:
                break
            if p_begin > lo:
                yield lo, p_begin
            if p_end is None:
                return  # the clock is stopped from here on
            lo = max(lo, p_end)
            if lo >= hi:
                break
        if lo < hi:
            yield lo, hi


def add_business_minutes(
    cal: BusinessCalendar, start: datetime, minutes: int, pauses: Iterable[Pause] = ()
) -> datetime | None:
    """The UTC instant at which `minutes` of business time have run since `start`.

    Time outside working hours, on non-working days, on holidays and inside `pauses` does not count.
    Returns None when an open pause (end None) stops the clock before the target is reached: there
    is no due time until the pause ends. Zero minutes returns `start` itself.
    """
    start = _utc(start)
    if minutes <= 0:
        return start
    remaining = timedelta(minutes=minutes)
    for lo, hi in _active_spans(cal, start, pauses):
        if hi - lo >= remaining:
            return lo + remaining
        remaining -= hi - lo
    return None


def business_minutes_between(
    cal: BusinessCalendar, start: datetime, end: datetime, pauses: Iterable[Pause] = ()
) -> int:
    """Whole minutes of business time from `start` to `end` (floored; 0 when `end` is not later)."""
    start, end = _utc(start), _utc(end)
    total = timedelta()
    if end <= start:
        return 0
    # An open pause would end the span iterator early; clip it to `end` so the loop always finishes.
    closed = [(b, e if e is not None else max(_utc(b), end)) for b, e in pauses]
    for lo, hi in _active_spans(cal, start, closed):
        if lo >= end:
            break
        total += min(hi, end) - lo
    return int(total.total_seconds() // 60)
