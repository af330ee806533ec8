"""Public holidays for SLA calendars, from the maintained `holidays` library.

The domain only knows a set of dates; this is the one place that asks a country (and optionally a
subdivision, e.g. DE-BY) for its holidays. Results are cached per (country, subdivision, year)
because a warm Lambda evaluates many clocks against the same few calendars.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from tandem.domain.errors import ValidationError
from tandem.domain.sla import BusinessCalendar, CalendarSpec, calendar_from_spec


@lru_cache(maxsize=512)
def holidays_for(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The public holidays of one country (and subdivision) in one year."""
    import holidays  # ~40 ms: only Lambdas that compute SLA clocks pay for it

    try:
        found = holidays.country_holidays(country.upper(), subdiv=subdivision or None, years=year)
    except NotImplementedError as exc:  # the library's answer to an unknown country or subdivision
        raise ValidationError(
            "unknown holiday country or subdivision",
            {"field": "calendar.holiday_country", "country": country, "subdivision": subdivision},
        ) from exc
    return frozenset(found.keys())


def calendar_for(spec: CalendarSpec, years: range) -> BusinessCalendar:
    """The business calendar of `spec` with its country's holidays for `years` plus its extra holidays.

    Pass the years the computation may reach (the clock's start year and the next one or two):
    a deadline falling in a year not covered would silently ignore that year's holidays.
    """
    found: frozenset[date] = frozenset()
    if spec.holiday_country:
        for year in years:
            found |= holidays_for(spec.holiday_country, spec.holiday_subdivision, year)
    return calendar_from_spec(spec, found)
