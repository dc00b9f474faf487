"""Grades from points in force, the watch list, and who may be put forward as a model business."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.grades import Grade, GradeScale, ModelCriteria, ModelRecord, is_model_candidate
from domain.grades import model_shortfalls

SPEC = GradeScale()


@pytest.mark.parametrize(("points", "grade"), [
    (0, Grade.A), (2, Grade.A), (3, Grade.B), (9, Grade.B), (10, Grade.C), (19, Grade.C),
    (20, Grade.D), (250, Grade.D),
])
def test_grades_follow_the_spec_bands(points, grade):
    assert SPEC.grade_for(points) is grade


def test_only_grade_d_is_on_the_watch_list_by_default():
    assert [g.value for g in Grade if SPEC.watched(g)] == ["D"]
    assert [g.value for g in Grade if GradeScale(watch=Grade.C).watched(g)] == ["C", "D"]


GOOD = ModelRecord(closed=4, resolved=4, callbacks=3, satisfied=3)


def test_a_grade_a_business_that_resolves_its_cases_and_pleases_consumers_is_a_candidate():
    assert is_model_candidate(Grade.A, GOOD, ModelCriteria())


@pytest.mark.parametrize(("grade", "record", "points", "why"), [
    (Grade.B, GOOD, 0, "grade is B"),
    (Grade.A, GOOD, 1, "1 penalty points in force"),
    (Grade.A, ModelRecord(closed=2, resolved=2), 0, "fewer than 3"),
    (Grade.A, ModelRecord(closed=3), 0, "no mediation ended"),
    (Grade.A, ModelRecord(closed=10, resolved=8, terminated=2), 0,
     "mediation success rate 80.0%"),
    (Grade.A, ModelRecord(closed=4, resolved=3, escalated=1), 0, "mediation success rate 75.0%"),
    (Grade.A, ModelRecord(closed=4, resolved=4, callbacks=3, satisfied=2), 0,
     "satisfaction rate 66.6%"),
])
def test_a_business_falls_short_of_model_status_and_is_told_why(grade, record, points, why):
    shortfalls = model_shortfalls(grade, record, ModelCriteria(), points)
    assert len(shortfalls) == 1 and why in shortfalls[0]


def test_a_business_rated_two_out_of_five_by_every_caller_is_no_model():
    # Under the old average, 5-5-5-2-2 averaged 3.8 and a looser bar let it through;
    # two of five dissatisfied is a 60% satisfaction rate.
    record = ModelRecord(closed=5, resolved=5, callbacks=5, satisfied=3)
    assert not is_model_candidate(Grade.A, record, ModelCriteria())


def test_satisfaction_is_judged_only_once_three_callbacks_exist():
    two_unhappy_calls = ModelRecord(closed=3, resolved=3, callbacks=2, satisfied=0)
    assert is_model_candidate(Grade.A, two_unhappy_calls, ModelCriteria())


def test_basically_satisfied_counts_as_satisfied():
    record = ModelRecord(closed=3, resolved=3, callbacks=10, satisfied=9)
    assert record.satisfaction_rate == Decimal("0.9")
    assert is_model_candidate(Grade.A, record, ModelCriteria())


def test_withdrawals_and_private_settlements_are_not_mediation_failures():
    # Ten closed: nine resolved, one withdrawn by the consumer; none terminated.
    record = ModelRecord(closed=10, resolved=9)
    assert record.success_rate == Decimal(1)
    assert is_model_candidate(Grade.A, record, ModelCriteria())


def test_exactly_ninety_percent_success_is_enough():
    record = ModelRecord(closed=10, resolved=9, terminated=1)
    assert record.success_rate == Decimal("0.9")
    assert is_model_candidate(Grade.A, record, ModelCriteria())
