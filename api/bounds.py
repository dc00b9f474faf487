"""Dates and moments the desk can reason about, for every query parameter and body
field that names one: from 2000-01-01 to 2199-12-31. Outside that, date arithmetic
(three years back, a time zone's offset, the working-day calendar) overflows or means
nothing, and the answer is a 422 naming the field, never a 500."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)
_RANGE = f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"


def _day_in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be a date {_RANGE}")
    return value


def _moment_in_range(value: datetime) -> datetime:
    # The moment's own date, before any conversion: year 1 with +14:00 has no UTC.
    if not FIRST_DAY <= value.date() <= LAST_DAY:
        raise ValueError(f"must be a moment {_RANGE}")
    return value


def moment_in_range(value: datetime) -> datetime:
    return _moment_in_range(value)


Day = Annotated[date, AfterValidator(_day_in_range)]
Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_range)]
