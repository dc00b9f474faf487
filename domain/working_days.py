"""Working days of mainland China as the deadlines count them (SPEC §3), without any data source.

A calendar answers which local dates are worked and which years' State Council
schedules are officially known; the arithmetic here turns that into deadlines.
Counting starts the day after the triggering day, so `add_working_days(start, n)`
is the n-th working day after `start` and `working_days_between(start, end)`
counts the working days in (start, end]: the one undoes the other.

Where the holiday data comes from is an adapter's business (`adapters/calendar_cn.py`);
the domain only sees the `Calendar` protocol.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

# A calendar with no working day in this many years in a row is broken, not slow.
_MAX_EMPTY_YEARS = 50


class Calendar(Protocol):
    """Which local dates are working days, and which years are officially scheduled."""

    def is_working_day(self, day: date) -> bool: ...

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (`start` itself when n is 0)."""
        ...

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative, counted the same way, when end < start."""
        ...

    def is_confirmed(self, year: int) -> bool:
        """Whether the State Council's schedule for that year is known to this calendar."""
        ...


class YearTableCalendar(ABC):
    """The arithmetic of `Calendar`, over one sorted table of working days per year.

    A subclass says which days of a year are worked; tables are built once per year
    and then every question is a binary search, so a deadline of 45 working days
    costs the same as one of 7.
    """

    def __init__(self) -> None:
        self._years: dict[int, tuple[list[int], frozenset[int]]] = {}

    @abstractmethod
    def _working_days_of(self, year: int) -> Iterable[date]:
        """Every working day of the year (any order)."""

    @abstractmethod
    def is_confirmed(self, year: int) -> bool: ...

    def forget(self) -> None:
        """Drop the cached tables, so the next question reads the data again."""
        self._years = {}

    def _year(self, year: int) -> tuple[list[int], frozenset[int]]:
        # `forget` swaps in a new dict: a table computed from older data while it does so
        # lands in the old dict and is dropped with it.
        years = self._years
        found = years.get(year)
        if found is None:
            table = sorted({day.toordinal() for day in self._working_days_of(year)
                            if day.year == year})
            found = (table, frozenset(table))
            years[year] = found
        return found

    def _table(self, year: int) -> list[int]:
        return self._year(year)[0]

    def is_working_day(self, day: date) -> bool:
        return day.toordinal() in self._year(day.year)[1]

    def add_working_days(self, start: date, n: int) -> date:
        if n < 0:
            raise ValueError("a deadline counts forward: n must not be negative")
        if n == 0:
            return start
        year = start.year
        table = self._table(year)
        index = bisect_right(table, start.toordinal())
        remaining = n
        empty_years = 0
        while True:
            available = len(table) - index
            if remaining <= available:
                return date.fromordinal(table[index + remaining - 1])
            remaining -= available
            empty_years = empty_years + 1 if not table else 0
            if empty_years > _MAX_EMPTY_YEARS:
                raise ValueError(f"no working day in the {_MAX_EMPTY_YEARS} years after {start}")
            year += 1
            table = self._table(year)
            index = 0

    def working_days_between(self, start: date, end: date) -> int:
        if end < start:
            return -self.working_days_between(end, start)
        first = self._table(start.year)
        if start.year == end.year:
            return bisect_right(first, end.toordinal()) - bisect_right(first, start.toordinal())
        count = len(first) - bisect_right(first, start.toordinal())
        for year in range(start.year + 1, end.year):
            count += len(self._table(year))
        return count + bisect_right(self._table(end.year), end.toordinal())


class FixedCalendar(YearTableCalendar):
    """Monday to Friday, minus the days listed off, plus the days listed working.

    With nothing listed it is the weekends-only shape of a year nobody has scheduled;
    tests use it to state a calendar outright.
    """

    def __init__(self, *, off: Iterable[date] = (), working: Iterable[date] = (),
                 confirmed: Iterable[int] = ()) -> None:
        super().__init__()
        self.off = frozenset(off)
        self.working = frozenset(working)
        self._confirmed = frozenset(confirmed)

    def _working_days_of(self, year: int) -> Iterable[date]:
        days = set(weekdays_of(year)) - self.off
        return days | {d for d in self.working if d.year == year}

    def is_confirmed(self, year: int) -> bool:
        return year in self._confirmed


def weekdays_of(year: int) -> list[date]:
    day = date(year, 1, 1)
    days = []
    while day.year == year:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def touches_unconfirmed(calendar: Calendar, start: date, end: date) -> bool:
    """Whether counting over (start, end] crosses a year with no official schedule."""
    low, high = (start, end) if start <= end else (end, start)
    first = (low + timedelta(days=1)).year
    return any(not calendar.is_confirmed(year) for year in range(first, high.year + 1))


def working_days_left(calendar: Calendar, today: date, due: date) -> int:
    """Working days from `today` to the end of `due`; negative when late.

    Late by less than a working day (a Saturday after a Friday deadline) still reads
    -1: "left" must never look on time once the due moment has passed.
    """
    if today <= due:
        return calendar.working_days_between(today, due)
    return -max(1, calendar.working_days_between(due, today))
