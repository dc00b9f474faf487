"""Deadlines across China's 2026 holidays, derived by hand from the State Council's schedule.

国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), as published by Xinhua:
  元旦    Jan 1 (Thu) - Jan 3 off;           Jan 4 (Sun) worked
  春节    Feb 15 (Sun) - Feb 23 (Mon) off;   Feb 14 (Sat), Feb 28 (Sat) worked
  清明节  Apr 4 (Sat) - Apr 6 (Mon) off
  劳动节  May 1 (Fri) - May 5 (Tue) off;     May 9 (Sat) worked
  端午节  Jun 19 (Fri) - Jun 21 off
  中秋节  Sep 25 (Fri) - Sep 27 off
  国庆节  Oct 1 (Thu) - Oct 7 (Wed) off;     Sep 20 (Sun), Oct 10 (Sat) worked

Every expected date below is counted from that list, not from the code: counting
starts the day after the triggering day, and the n-th working day is the due day.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.calendar_cn import CalendarDataError, ChinaCalendar
from adapters.settings import DEFAULT_CALENDAR_OVERRIDES, Settings
from domain.clocks import Timekeeper
from domain.regulation import TimeLimit
from domain.working_days import working_days_left

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEVEN = TimeLimit(7)
FORTY_FIVE = TimeLimit(45)


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


OFF_2026 = (_span(date(2026, 1, 1), date(2026, 1, 3)) | _span(date(2026, 2, 15), date(2026, 2, 23))
            | _span(date(2026, 4, 4), date(2026, 4, 6)) | _span(date(2026, 5, 1), date(2026, 5, 5))
            | _span(date(2026, 6, 19), date(2026, 6, 21)) | _span(date(2026, 9, 25), date(2026, 9, 27))
            | _span(date(2026, 10, 1), date(2026, 10, 7)))
WORKED_WEEKENDS_2026 = {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                        date(2026, 9, 20), date(2026, 10, 10)}


@pytest.fixture(scope="module")
def calendar() -> ChinaCalendar:
    return ChinaCalendar()  # the shipped override file


@pytest.fixture(scope="module")
def keeper(calendar: ChinaCalendar) -> Timekeeper:
    return Timekeeper(calendar, SHANGHAI)


def due(keeper: Timekeeper, start: date, limit: TimeLimit = SEVEN) -> date:
    day, provisional = keeper.deadline(start, limit)
    assert not provisional, "2026 is confirmed: no 2026 deadline is provisional"
    return day


# ----- the data itself -----------------------------------------------------------

def test_every_day_of_2026_is_worked_or_not_as_the_state_council_announced(calendar):
    for day in _span(date(2026, 1, 1), date(2026, 12, 31)):
        announced = day in WORKED_WEEKENDS_2026 or (day.weekday() < 5 and day not in OFF_2026)
        assert calendar.is_working_day(day) is announced, day


def test_2026_is_confirmed_and_2027_is_not_yet(calendar):
    assert calendar.is_confirmed(2026)
    assert calendar.is_confirmed(2014)  # imported cases under the 2014 measures
    assert not calendar.is_confirmed(2027)


def test_the_settings_point_at_the_shipped_override_file_by_default():
    assert Settings().calendar_overrides == DEFAULT_CALENDAR_OVERRIDES
    assert DEFAULT_CALENDAR_OVERRIDES.is_file()


# ----- Spring Festival -----------------------------------------------------------

def test_a_receipt_before_spring_festival_is_due_on_the_saturday_worked_after_it(keeper):
    # Received Thu Feb 12. Fri 13 = 1, Sat 14 (worked) = 2, Sun 15 - Mon 23 off,
    # Tue 24 = 3, Wed 25 = 4, Thu 26 = 5, Fri 27 = 6, Sat 28 (worked) = 7.
    assert due(keeper, date(2026, 2, 12)) == date(2026, 2, 28)


def test_a_receipt_on_a_spring_festival_holiday_counts_from_the_first_day_back(keeper):
    # Received Sat Feb 21 (a holiday). Sun 22, Mon 23 off; Tue 24 = 1, 25 = 2, 26 = 3,
    # 27 = 4, Sat 28 (worked) = 5, Mon Mar 2 = 6, Tue Mar 3 = 7.
    assert due(keeper, date(2026, 2, 21)) == date(2026, 3, 3)
    # Received Wed Feb 18, a weekday inside the holiday: the same count.
    assert due(keeper, date(2026, 2, 18)) == date(2026, 3, 3)


def test_a_receipt_on_the_saturday_worked_before_spring_festival(keeper):
    # Received Sat Feb 14 (worked). Sun 15 - Mon 23 off; Tue 24 = 1 ... Fri 27 = 4,
    # Sat 28 (worked) = 5, Mon Mar 2 = 6, Tue Mar 3 = 7.
    assert due(keeper, date(2026, 2, 14)) == date(2026, 3, 3)


# ----- Labour Day ----------------------------------------------------------------

def test_a_receipt_before_labour_day_counts_the_saturday_worked_after_it(keeper):
    # Received Wed Apr 29. Thu 30 = 1; Fri May 1 - Tue May 5 off; Wed 6 = 2, Thu 7 = 3,
    # Fri 8 = 4, Sat 9 (worked) = 5, Mon 11 = 6, Tue 12 = 7.
    assert due(keeper, date(2026, 4, 29)) == date(2026, 5, 12)


def test_a_receipt_on_labour_day_itself(keeper):
    # Received Fri May 1 (holiday). Sat 2 - Tue 5 off; Wed 6 = 1, Thu 7 = 2, Fri 8 = 3,
    # Sat 9 (worked) = 4, Mon 11 = 5, Tue 12 = 6, Wed 13 = 7.
    assert due(keeper, date(2026, 5, 1)) == date(2026, 5, 13)


# ----- Mid-Autumn and National Day -----------------------------------------------

def test_a_receipt_before_the_sunday_worked_in_september(keeper):
    # Received Fri Sep 18. Sat 19 off, Sun 20 (worked) = 1, Mon 21 = 2, Tue 22 = 3,
    # Wed 23 = 4, Thu 24 = 5, Fri 25 - Sun 27 off (Mid-Autumn), Mon 28 = 6, Tue 29 = 7.
    assert due(keeper, date(2026, 9, 18)) == date(2026, 9, 29)


def test_a_receipt_on_the_sunday_worked_counts_from_the_monday(keeper):
    # Received Sun Sep 20 (worked). Mon 21 = 1, 22 = 2, 23 = 3, 24 = 4, Fri 25 - Sun 27
    # off, Mon 28 = 5, Tue 29 = 6, Wed 30 = 7.
    assert due(keeper, date(2026, 9, 20)) == date(2026, 9, 30)


def test_a_receipt_on_the_eve_of_national_day(keeper):
    # Received Wed Sep 30. Thu Oct 1 - Wed Oct 7 off; Thu 8 = 1, Fri 9 = 2,
    # Sat 10 (worked) = 3, Mon 12 = 4, Tue 13 = 5, Wed 14 = 6, Thu 15 = 7.
    assert due(keeper, date(2026, 9, 30)) == date(2026, 10, 15)


def test_a_receipt_during_national_day(keeper):
    # Received Sat Oct 3 (holiday). Sun 4 - Wed 7 off; Thu 8 = 1, Fri 9 = 2,
    # Sat 10 (worked) = 3, Mon 12 = 4, Tue 13 = 5, Wed 14 = 6, Thu 15 = 7.
    assert due(keeper, date(2026, 10, 3)) == date(2026, 10, 15)


def test_mediation_accepted_in_september_runs_45_working_days_past_national_day(keeper):
    # Accepted Tue Sep 1. September: Wed 2 - Fri 4 = 3, 7-11 = 8, 14-18 = 13,
    # Sun 20 (worked) = 14, 21-24 = 18, 25-27 off, 28-30 = 21.
    # October: 1-7 off, Thu 8 - Fri 9 = 23, Sat 10 (worked) = 24, 12-16 = 29,
    # 19-23 = 34, 26-30 = 39. November: 2-6 = 44, Mon 9 = 45.
    assert due(keeper, date(2026, 9, 1), FORTY_FIVE) == date(2026, 11, 9)


def test_mediation_accepted_after_spring_festival_skips_qingming(keeper):
    # Accepted Tue Feb 24. Feb 25-27 = 3, Sat 28 (worked) = 4; March: 2-6 = 9,
    # 9-13 = 14, 16-20 = 19, 23-27 = 24, 30-31 = 26; April: 1-3 = 29, Mon 6 off
    # (Qingming), 7-10 = 33, 13-17 = 38, 20-24 = 43, Mon 27 = 44, Tue 28 = 45.
    assert due(keeper, date(2026, 2, 24), FORTY_FIVE) == date(2026, 4, 28)


# ----- New Year: across the years -------------------------------------------------

def test_a_receipt_on_new_years_eve_2025_counts_the_sunday_worked_in_january(keeper):
    # Received Wed Dec 31, 2025. Jan 1 - 3 off, Sun Jan 4 (worked) = 1, Mon 5 = 2,
    # Tue 6 = 3, Wed 7 = 4, Thu 8 = 5, Fri 9 = 6, Mon 12 = 7. Both years confirmed.
    assert due(keeper, date(2025, 12, 31)) == date(2026, 1, 12)


def test_a_receipt_in_late_december_2026_gets_a_provisional_2027_due_date(keeper):
    # Received Mon Dec 28, 2026. Tue 29 = 1, Wed 30 = 2, Thu 31 = 3; 2027 has no published
    # schedule, but New Year's Day is a statutory holiday all the same: Fri Jan 1 off,
    # Mon 4 = 4, Tue 5 = 5, Wed 6 = 6, Thu 7 = 7.
    day, provisional = keeper.deadline(date(2026, 12, 28), SEVEN)
    assert day == date(2027, 1, 7)
    assert provisional


def test_a_year_nobody_confirmed_keeps_its_statutory_holidays_but_not_the_guessed_swaps(calendar):
    # The national holiday rules fix the days themselves: New Year's Day, Spring Festival
    # Eve to its third day, Qingming, May 1-2, Dragon Boat, Mid-Autumn, Oct 1-3.
    for statutory in (date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 8), date(2027, 4, 5),
                      date(2027, 6, 9), date(2027, 9, 15), date(2027, 10, 1)):
        assert not calendar.is_working_day(statutory), statutory
    # Which weekdays make up for holidays on a weekend is the schedule's to say: the
    # library's guesses (Feb 9-10, May 3-4, Oct 4-5) stay working days until it is out.
    for guessed in (date(2027, 2, 9), date(2027, 5, 3), date(2027, 10, 4)):
        assert calendar.is_working_day(guessed), guessed
    assert not calendar.is_working_day(date(2027, 1, 2))


def test_a_deadline_across_the_2027_spring_festival_counts_its_statutory_days(keeper):
    # Received Mon Feb 1, 2027: Tue 2, Wed 3, Thu 4 = 3; Fri 5 (Eve) and Mon 8 off;
    # Tue 9 = 4, Wed 10 = 5, Thu 11 = 6, Fri 12 = 7.
    assert keeper.deadline(date(2027, 2, 1), SEVEN) == (date(2027, 2, 12), True)


def test_working_days_left_is_negative_once_late_even_over_a_weekend(calendar):
    friday = date(2026, 6, 12)
    assert working_days_left(calendar, date(2026, 6, 10), friday) == 2
    assert working_days_left(calendar, friday, friday) == 0
    assert working_days_left(calendar, date(2026, 6, 13), friday) == -1  # Saturday
    assert working_days_left(calendar, date(2026, 6, 16), friday) == -2  # Tuesday


# ----- the override file ----------------------------------------------------------

@pytest.fixture
def overrides(tmp_path: Path) -> Path:
    path = tmp_path / "calendar_overrides.toml"
    shutil.copy(DEFAULT_CALENDAR_OVERRIDES, path)
    return path


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_day_declared_off_moves_a_deadline_and_a_reload_sees_it(overrides):
    calendar = ChinaCalendar(overrides)
    keeper = Timekeeper(calendar, SHANGHAI)
    assert keeper.deadline(date(2026, 12, 28), SEVEN) == (date(2027, 1, 7), True)

    _append(overrides, '\n[[schedule]]\nyear = 2027\nsource = "test"\noff = [2027-01-04]\n')
    assert keeper.deadline(date(2026, 12, 28), SEVEN) == (date(2027, 1, 7), True)  # cached
    calendar.reload()

    # Mon Jan 4 is now off too: Tue 5 = 4, Wed 6 = 5, Thu 7 = 6, Fri 8 = 7; still provisional.
    assert keeper.deadline(date(2026, 12, 28), SEVEN) == (date(2027, 1, 8), True)


def test_confirming_a_year_makes_its_deadlines_final(overrides):
    text = overrides.read_text(encoding="utf-8").replace("2025, 2026,", "2025, 2026, 2027,")
    overrides.write_text(text + '\n[[schedule]]\nyear = 2027\noff = [2027-01-01]\n'
                                'working = [2027-01-09]\n', encoding="utf-8")
    calendar = ChinaCalendar(overrides)
    assert calendar.is_confirmed(2027)
    assert calendar.is_working_day(date(2027, 1, 9))  # a Saturday declared worked
    # Tue 29 = 1, Wed 30 = 2, Thu 31 = 3, (Jan 1 off) Mon 4 = 4, 5 = 5, 6 = 6, 7 = 7.
    assert Timekeeper(calendar, SHANGHAI).deadline(date(2026, 12, 28), SEVEN) == (
        date(2027, 1, 7), False)


@pytest.mark.parametrize("text, complaint", [
    ('\n[[schedule]]\nyear = 2027\noff = [2027-01-04]\nworking = [2027-01-04]\n', "both"),
    ('\n[[schedule]]\nyear = 2027\noff = [2028-01-03]\n', "2028-01-03"),
    ('\n[[schedule]]\nyear = 2027\noff = ["2027-01-04"]\n', "not a date"),
    ("\nconfirmed_years = 2027\n", "TOML"),
])
def test_a_malformed_override_file_is_refused_with_the_reason(overrides, text, complaint):
    _append(overrides, text)
    with pytest.raises(CalendarDataError, match=complaint):
        ChinaCalendar(overrides)


def test_a_missing_override_file_is_refused_by_name(tmp_path):
    with pytest.raises(CalendarDataError, match="not found"):
        ChinaCalendar(tmp_path / "nowhere.toml")


def test_due_moments_are_local_midnight_at_the_end_of_the_due_day(keeper):
    assert keeper.end_of(date(2026, 2, 28)) == datetime(2026, 3, 1, tzinfo=SHANGHAI)
