"""The surge test behind consumer warnings: a documented Poisson test on weekly counts."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from domain.surge_test import SurgeRule, assess, poisson_upper_tail

RULE = SurgeRule(baseline_weeks=8, alpha=0.001, min_count=5, min_ratio=2.0, min_baseline=0.5)


def test_the_tail_is_the_exact_poisson_probability_of_at_least_the_count():
    # P(X >= 3) for mean 1: 1 - e^-1 (1 + 1 + 1/2)
    assert poisson_upper_tail(3, 1.0) == pytest.approx(1 - math.exp(-1) * 2.5)
    assert poisson_upper_tail(0, 4.0) == 1.0
    tail = sum(math.exp(-2) * 2**i / math.factorial(i) for i in range(12, 80))
    assert poisson_upper_tail(12, 2.0) == pytest.approx(tail, rel=1e-6)


def test_a_business_that_jumps_from_two_a_week_to_fifteen_is_flagged():
    surge = assess([2, 1, 3, 2, 2, 1, 2, 3, 15], RULE)

    assert surge is not None
    assert (surge.observed, surge.baseline) == (15, Decimal("2.0"))
    assert surge.p_value < 1e-6


def test_tiny_counts_never_flag_even_from_nothing():
    assert assess([0, 0, 0, 0, 0, 0, 0, 0, 4], RULE) is None
    assert assess([0, 0, 0, 0, 0, 0, 0, 0, 5], RULE) is not None  # 5 against a floor of 0.5


def test_ordinary_variation_and_small_rises_of_a_busy_subject_are_not_flagged():
    assert assess([40, 38, 45, 41, 39, 44, 42, 40, 52], RULE) is None  # under twice the mean
    assert assess([3, 4, 2, 5, 3, 4, 3, 4, 7], RULE) is None  # twice, but p is too large


def test_the_count_of_weeks_must_match_the_rule():
    with pytest.raises(ValueError):
        assess([1, 2, 3], RULE)
