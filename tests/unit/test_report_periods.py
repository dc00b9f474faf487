"""The periods of the statistical analysis report: months and quarters, and the one before."""

from __future__ import annotations

from datetime import date

import pytest

from application.analysis_report import Change, Period
from domain.errors import InvalidValue


def test_a_month_runs_from_its_first_to_its_last_day_and_follows_the_month_before():
    november = Period.parse("2026-11")
    assert (november.since, november.until, november.title) == (
        date(2026, 11, 1), date(2026, 11, 30), "2026年11月")
    assert Period.parse("2026-02").until == date(2026, 2, 28)
    assert Period.parse("2026-01").previous().label == "2025-12"


def test_a_quarter_runs_three_months_and_the_first_follows_the_last_of_the_year_before():
    q4 = Period.parse("2026-q4")
    assert (q4.since, q4.until, q4.title) == (date(2026, 10, 1), date(2026, 12, 31), "2026年第4季度")
    assert Period.parse("2026-Q1").previous().label == "2025-Q4"


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "November", "1999-01", ""])
def test_anything_else_is_refused_naming_the_period(text):
    with pytest.raises(InvalidValue, match="period"):
        Period.parse(text)


def test_a_change_has_no_percentage_against_nothing():
    assert Change("received", 12, 0).percent is None
    assert Change("received", 15, 12).percent == pytest.approx(25)
    assert Change("received", 9, 12).delta == -3
