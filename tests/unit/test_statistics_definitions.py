"""The one set of statistics definitions (SPEC §5), as the supervisors, the dashboard and
the public page all count them."""

from __future__ import annotations

from decimal import Decimal

from application.statistics import OnTime, call_backs, mediation_tally


def test_withdrawals_and_private_settlements_are_beside_the_success_rate_not_failures():
    tally = mediation_tally([
        ("resolved", None, False), ("resolved", None, False), ("terminated", None, False),
        ("escalated", None, False), ("withdrawn", "withdrawn", False),
        ("withdrawn", "settled_privately", False), ("withdrawn", None, False),
    ])

    assert (tally.resolved, tally.terminated, tally.escalated) == (2, 1, 1)
    assert (tally.withdrawn, tally.settled_privately) == (2, 1)
    assert tally.success_rate == Decimal("0.5")


def test_a_resolved_case_escalated_for_a_breach_stays_resolved_and_is_counted_apart():
    tally = mediation_tally([("resolved", None, True), ("terminated", None, False)])

    assert (tally.resolved, tally.agreements_breached) == (1, 1)
    assert tally.success_rate == Decimal("0.5")


def test_no_mediation_ended_means_no_rate_rather_than_zero():
    assert mediation_tally([("withdrawn", "withdrawn", False)]).success_rate is None
    assert mediation_tally([]).success_rate is None


def test_satisfaction_counts_basically_satisfied_and_call_backs_are_of_closed_complaints():
    calls = call_backs(["satisfied", "basically_satisfied", "dissatisfied", None, None, None])

    assert (calls.closed, calls.callbacks, calls.satisfied) == (6, 3, 2)
    assert calls.satisfaction_rate == Decimal("0.6667")
    assert calls.callback_rate == Decimal("0.5")


def test_an_on_time_rate_needs_a_decision_to_judge():
    assert OnTime(decided=0, met=0).rate is None
    assert OnTime(decided=8, met=7).rate == Decimal("0.875")
