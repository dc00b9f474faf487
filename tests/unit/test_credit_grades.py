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


GOOD = ModelRecord(closed=4, resolved=4, escalated=0, ratings=3, rating_total=13)


def test_a_grade_a_business_that_resolves_its_cases_and_pleases_consumers_is_a_candidate():
    assert is_model_candidate(Grade.A, GOOD, ModelCriteria())


@pytest.mark.parametrize(("grade", "record", "why"), [
    (Grade.B, GOOD, "grade is B"),
    (Grade.A, ModelRecord(closed=2, resolved=2), "fewer than 3"),
    (Grade.A, ModelRecord(closed=10, resolved=8), "80% resolved"),
    (Grade.A, ModelRecord(closed=4, resolved=4, escalated=1), "1 escalated"),
    (Grade.A, ModelRecord(closed=4, resolved=4, ratings=3, rating_total=11),
     "average satisfaction 3.67"),
])
def test_a_business_falls_short_of_model_status_and_is_told_why(grade, record, why):
    shortfalls = model_shortfalls(grade, record, ModelCriteria())
    assert len(shortfalls) == 1 and why in shortfalls[0]


def test_satisfaction_is_judged_only_once_three_ratings_exist():
    two_unhappy_calls = ModelRecord(closed=3, resolved=3, ratings=2, rating_total=2)
    assert is_model_candidate(Grade.A, two_unhappy_calls, ModelCriteria())


def test_exactly_ninety_percent_resolved_is_enough():
    record = ModelRecord(closed=10, resolved=9)
    assert record.resolved_share == Decimal("0.9")
    assert is_model_candidate(Grade.A, record, ModelCriteria())
