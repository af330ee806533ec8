"""SLA policies, their choice for an item, and the clocks that count business time against a target.

The calendar arithmetic lives in `sla_calendar`; this module decides which policy applies, keeps a
clock's pauses (while the item waits on the customer) and turns a clock into warning and due times.
Clocks hold ISO strings like the rest of the domain so they can sit in `Item.sla` as plain JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time
from typing import Annotated, Any

from msgspec import Meta

from tandem.domain.clock import iso, parse_iso
from tandem.domain.errors import ValidationError
from tandem.domain.exposure import exposed
from tandem.domain.limits import Date, Ids, Name, Percent
from tandem.domain.sla_calendar import (
    BusinessCalendar,
    Pause,
    add_business_minutes,
    business_minutes_between,
)

__all__ = [
    "TARGETS", "BusinessCalendar", "CalendarSpec", "PolicyMatch", "SlaClock", "SlaPolicy", "SlaTarget",
    "add_business_minutes", "business_minutes_between", "calendar_from_spec", "check_policy", "choose_policy",
    "due_times", "elapsed_minutes", "is_paused", "mark_met", "pause", "policy_targets", "resume",
]

TARGETS = ("first_response", "resolution")
Minutes = Annotated[int, Meta(ge=1, le=525_600)]  # up to a year


@dataclass
class SlaTarget:
    name: str  # first_response | resolution
    minutes: int


@dataclass
class CalendarSpec:
    """A calendar as stored and edited: plain strings, holidays named by country rather than listed."""

    timezone: Annotated[str, Meta(min_length=1, max_length=64)] = "UTC"
    working_days: Annotated[list[Annotated[int, Meta(ge=0, le=6)]], Meta(max_length=7)] = field(
        default_factory=lambda: [0, 1, 2, 3, 4]
    )
    start: Annotated[str, Meta(pattern=r"^\d{2}:\d{2}$")] = "09:00"
    end: Annotated[str, Meta(pattern=r"^\d{2}:\d{2}$")] = "17:00"  # "24:00" = end of day
    holiday_country: Annotated[str, Meta(min_length=2, max_length=3)] | None = None
    holiday_subdivision: Annotated[str, Meta(min_length=1, max_length=10)] | None = None
    extra_holidays: Annotated[list[Date], Meta(max_length=366)] = field(default_factory=list)  # ISO dates


@dataclass
class PolicyMatch:
    """Which items a policy covers; an empty list matches any value."""

    type_ids: Ids = field(default_factory=list)
    priorities: Ids = field(default_factory=list)
    organization_ids: Ids = field(default_factory=list)


@dataclass
class SlaPolicy:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    name: Name = exposed(create=True, patch=True)
    created_at: str = exposed()
    first_response_minutes: Minutes | None = exposed(create=True, patch=True, default=None)
    resolution_minutes: Minutes | None = exposed(create=True, patch=True, default=None)
    warning_percent: Percent = exposed(create=True, patch=True, default=80)
    calendar: CalendarSpec = exposed(create=True, patch=True, default_factory=CalendarSpec)
    match: PolicyMatch = exposed(create=True, patch=True, default_factory=PolicyMatch)
    position: Annotated[int, Meta(ge=0, le=100_000)] = exposed(create=True, patch=True, default=0)
    enabled: bool = exposed(create=True, patch=True, default=True)
    version: int = exposed(default=0)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SlaPolicy:
        data = dict(data)
        data["calendar"] = CalendarSpec(**(data.get("calendar") or {}))
        data["match"] = PolicyMatch(**(data.get("match") or {}))
        return cls(**data)


def _parse_hhmm(value: str, name: str) -> time:
    """`HH:MM` to a time; "24:00" becomes 00:00, which BusinessCalendar reads as the end of the day."""
    if value == "24:00":
        return time(0)
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError("times are HH:MM", {"field": f"calendar.{name}", "value": value}) from exc


def calendar_from_spec(spec: CalendarSpec, holidays: frozenset[date] = frozenset()) -> BusinessCalendar:
    """The BusinessCalendar a spec describes; `holidays` (from a holiday library) join `extra_holidays`."""
    try:
        extra = frozenset(date.fromisoformat(d) for d in spec.extra_holidays)
    except (TypeError, ValueError) as exc:
        raise ValidationError("extra holidays are ISO dates", {"field": "calendar.extra_holidays"}) from exc
    return BusinessCalendar(
        timezone=spec.timezone,
        working_days=tuple(sorted(set(spec.working_days))),
        start=_parse_hhmm(spec.start, "start"),
        end=_parse_hhmm(spec.end, "end"),
        holidays=frozenset(holidays) | extra,
    )


def check_policy(policy: SlaPolicy) -> SlaPolicy:
    """A policy is usable: positive targets, a sane warning percentage and a valid calendar."""
    for name in ("first_response_minutes", "resolution_minutes"):
        value = getattr(policy, name)
        if value is not None and (not isinstance(value, int) or value <= 0):
            raise ValidationError("targets are positive whole minutes", {"field": name})
    if not 1 <= policy.warning_percent <= 99:
        raise ValidationError("warning_percent is between 1 and 99", {"field": "warning_percent"})
    calendar_from_spec(policy.calendar)  # raises on a bad zone, day or time
    return policy


def policy_targets(policy: SlaPolicy) -> list[SlaTarget]:
    """The targets a policy sets, in a fixed order."""
    minutes = {"first_response": policy.first_response_minutes, "resolution": policy.resolution_minutes}
    return [SlaTarget(name, m) for name, m in minutes.items() if m]


def choose_policy(
    policies: list[SlaPolicy], *, type_id: str | None, priority: str | None, organization_id: str | None
) -> SlaPolicy | None:
    """The first enabled policy, by position, whose every non-empty match list holds the item's value."""
    wanted = (
        ("type_ids", type_id), ("priorities", priority), ("organization_ids", organization_id),
    )
    # Ties on position fall back to creation order so the choice never depends on storage order.
    for policy in sorted(policies, key=lambda p: (p.position, p.created_at, p.id)):
        if policy.enabled and all(
            not getattr(policy.match, attr) or value in getattr(policy.match, attr) for attr, value in wanted
        ):
            return policy
    return None


@dataclass
class SlaClock:
    """One target's clock on one item; `pauses` are (start, end|None) ISO pairs, the last may be open."""

    policy_id: str
    target: str  # first_response | resolution
    started_at: str
    pauses: list[tuple[str, str | None]] = field(default_factory=list)
    met_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "pauses": [list(p) for p in self.pauses]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SlaClock:
        pauses = [(p[0], p[1]) for p in data.get("pauses") or []]
        return cls(data["policy_id"], data["target"], data["started_at"], pauses, data.get("met_at"))


def is_paused(clock: SlaClock) -> bool:
    """The clock is stopped: its last pause has not ended."""
    return bool(clock.pauses) and clock.pauses[-1][1] is None


def pause(clock: SlaClock, at: datetime) -> SlaClock:
    """A copy paused from `at`; pausing a paused or met clock changes nothing (stream redelivery is harmless)."""
    if is_paused(clock) or clock.met_at:
        return clock
    return replace(clock, pauses=[*clock.pauses, (iso(at), None)])


def resume(clock: SlaClock, at: datetime) -> SlaClock:
    """A copy with its open pause closed at `at`; resuming a running clock changes nothing."""
    if not is_paused(clock):
        return clock
    begin = clock.pauses[-1][0]
    end = max(iso(at), begin)  # ISO strings in one format sort as instants; never end before the start
    return replace(clock, pauses=[*clock.pauses[:-1], (begin, end)])


def mark_met(clock: SlaClock, at: datetime) -> SlaClock:
    """A copy met at `at` (the first response sent, the item resolved); the first time met counts."""
    return clock if clock.met_at else replace(clock, met_at=iso(at))


def _pauses(clock: SlaClock) -> list[Pause]:
    return [(parse_iso(b), parse_iso(e) if e else None) for b, e in clock.pauses]


def due_times(
    clock: SlaClock, cal: BusinessCalendar, minutes: int, warning_percent: int
) -> tuple[datetime | None, datetime | None]:
    """(warning_at, due_at) for a clock: when `warning_percent` and all of `minutes` will have run.

    Either is None while an open pause stops the clock before it is reached; a met clock has no
    future deadlines, so both are None.
    """
    if clock.met_at:
        return None, None
    start, pauses = parse_iso(clock.started_at), _pauses(clock)
    # Whole minutes, rounded down, so an 8 h target at 80 % warns after exactly 384 minutes.
    warn_minutes = minutes * warning_percent // 100
    warning_at = add_business_minutes(cal, start, warn_minutes, pauses) if 0 < warn_minutes < minutes else None
    return warning_at, add_business_minutes(cal, start, minutes, pauses)


def elapsed_minutes(clock: SlaClock, cal: BusinessCalendar, now: datetime) -> int:
    """Business minutes the clock has run by `now` (or by when it was met)."""
    end = parse_iso(clock.met_at) if clock.met_at else now
    return business_minutes_between(cal, parse_iso(clock.started_at), end, _pauses(clock))
