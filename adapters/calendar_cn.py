"""Mainland China's working days: the `holidays` library, corrected by a local file.

The library (`holidays`, released every few weeks) carries the State Council's
schedules, including the weekend days worked in exchange (调休上班). The override
file (`adapters/data/calendar_overrides.toml`, path from `Settings.calendar_overrides`)
declares single dates working or not for schedules announced after the library's
release, and says which years count as officially confirmed. A year that is not
confirmed is never an error: its statutory public holidays are already fixed by the
national holiday rules (全国年节及纪念日放假办法: New Year's Day, Spring Festival, Qingming,
Labour Day, Dragon Boat, Mid-Autumn, National Day) and are not worked; only the
State Council's swaps (调休) are unknown, so Monday to Friday are worked apart from
those days (plus the file's dates) and the domain flags every deadline counted across
such a year as provisional.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import holidays

from adapters.settings import DEFAULT_CALENDAR_OVERRIDES
from domain.working_days import YearTableCalendar, weekdays_of

SUPPORTED_FORMAT = 1


class CalendarDataError(ValueError):
    """The override file cannot be read as a working-day schedule."""


@dataclass(frozen=True)
class Overrides:
    confirmed_years: frozenset[int]
    off: frozenset[date]
    working: frozenset[date]

    @classmethod
    def read(cls, path: Path) -> Overrides:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CalendarDataError(f"{path}: calendar override file not found") from None
        except tomllib.TOMLDecodeError as error:
            raise CalendarDataError(f"{path}: not valid TOML: {error}") from None
        if data.get("format", SUPPORTED_FORMAT) != SUPPORTED_FORMAT:
            raise CalendarDataError(f"{path}: format {data['format']!r} is not {SUPPORTED_FORMAT}")
        years = data.get("confirmed_years", [])
        if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
            raise CalendarDataError(f"{path}: confirmed_years must be a list of years")
        off: set[date] = set()
        working: set[date] = set()
        for number, entry in enumerate(data.get("schedule", []), start=1):
            year = entry.get("year")
            for name, bucket in (("off", off), ("working", working)):
                for day in entry.get(name, []):
                    if not isinstance(day, date):
                        raise CalendarDataError(
                            f"{path}: schedule #{number} {name}: {day!r} is not a date (YYYY-MM-DD)")
                    if year is not None and day.year != year:
                        raise CalendarDataError(
                            f"{path}: schedule #{number} for {year} lists {day} under {name}")
                    bucket.add(day)
        both = off & working
        if both:
            raise CalendarDataError(f"{path}: {min(both)} is declared both off and working")
        return cls(frozenset(years), frozenset(off), frozenset(working))


class ChinaCalendar(YearTableCalendar):
    """The `Calendar` of the domain for mainland China (SPEC §3)."""

    def __init__(self, overrides_path: Path | str = DEFAULT_CALENDAR_OVERRIDES) -> None:
        super().__init__()
        self.overrides_path = Path(overrides_path)
        self._lock = threading.Lock()
        self.overrides = Overrides.read(self.overrides_path)

    def reload(self) -> None:
        """Read the override file again and forget every year computed so far."""
        overrides = Overrides.read(self.overrides_path)
        with self._lock:
            self.overrides = overrides
            self.forget()

    def is_confirmed(self, year: int) -> bool:
        return year in self.overrides.confirmed_years

    def _working_days_of(self, year: int) -> Iterable[date]:
        overrides = self.overrides
        if self.is_confirmed(year):
            days = set(_library_working_days(year))
        else:
            days = set(weekdays_of(year)) - _statutory_holidays(year)
        days -= {d for d in overrides.off if d.year == year}
        days |= {d for d in overrides.working if d.year == year}
        return days


def _statutory_holidays(year: int) -> set[date]:
    # Without `observed` the library gives the statutory days alone, not its guesses at
    # the days off in lieu that only the yearly schedule decides.
    return set(holidays.country_holidays("CN", years=[year], observed=False))


def _library_working_days(year: int) -> list[date]:
    # A schedule can reach across New Year (a Saturday in late December worked for
    # the next year's holiday), so the neighbouring years are asked too.
    china = holidays.country_holidays("CN", years=[year - 1, year, year + 1])
    worked_weekends = {d for d in china.weekend_workdays if d.year == year}
    return [d for d in weekdays_of(year) if d not in china] + sorted(worked_weekends)
