"""Which text governs a case: the one in force on the local date its clock starts (SPEC §2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from builders import SHANGHAI, a_complaint, operator, run
from domain.errors import InvalidValue
from domain.regulation import DayKind, TimeLimit, by_id, in_force
from domain.vocabulary import RejectReason, SuspendReason, TerminateReason, State

LAST_DAY_OF_2019_MEASURES = datetime(2026, 4, 14, 23, 59, tzinfo=SHANGHAI)
FIRST_DAY_OF_ORDER_121 = datetime(2026, 4, 15, 0, 1, tzinfo=SHANGHAI)


def test_a_complaint_received_on_14_april_2026_follows_the_2019_measures():
    complaint = a_complaint("filed", received_at=LAST_DAY_OF_2019_MEASURES)

    assert complaint.regulation == "samr-2019"


def test_a_complaint_received_on_15_april_2026_follows_order_121():
    complaint = a_complaint("filed", received_at=FIRST_DAY_OF_ORDER_121)

    assert complaint.regulation == "samr-121"


def test_the_receipt_date_is_the_shanghai_date_not_the_utc_date():
    # 16:01 UTC on the 14th is already 00:01 on the 15th in Shanghai.
    complaint = a_complaint("filed", received_at=datetime(2026, 4, 14, 16, 1, tzinfo=UTC))

    assert complaint.regulation == "samr-121"


def test_under_the_2019_measures_a_complaint_cannot_be_rejected_for_unverified_identity():
    complaint = a_complaint("filed", received_at=LAST_DAY_OF_2019_MEASURES, collected=True)

    with pytest.raises(InvalidValue) as refusal:
        run(complaint, "reject", operator, reason="identity_unverified")

    assert refusal.value.field == "reason"
    assert complaint.state is State.FILED
    assert complaint.collect_events() == []


def test_under_order_121_a_complaint_can_be_rejected_for_unverified_identity():
    complaint = a_complaint("filed", received_at=FIRST_DAY_OF_ORDER_121)
    asked = FIRST_DAY_OF_ORDER_121 + timedelta(hours=2)
    run(complaint, "request-identity", operator, at=asked)

    # Only once the request for proof of identity has run out (Art. 16(六)).
    run(complaint, "reject", operator, reason="identity_unverified", at=asked + timedelta(days=5))

    assert complaint.state is State.REJECTED
    assert complaint.closing_reason == "identity_unverified"


@pytest.mark.parametrize(
    "reason",
    ["outside_remit", "handled_elsewhere", "not_consumer_dispute", "time_barred", "incomplete",
     "other_law"],
)
def test_the_older_grounds_for_non_acceptance_hold_under_both_texts(reason):
    for received_at in (LAST_DAY_OF_2019_MEASURES, FIRST_DAY_OF_ORDER_121):
        complaint = a_complaint("filed", received_at=received_at)
        run(complaint, "reject", operator, reason=reason)
        assert complaint.closing_reason == reason


def test_mediation_follows_the_text_in_force_on_the_day_of_acceptance():
    complaint = a_complaint(
        "accepted",
        received_at=LAST_DAY_OF_2019_MEASURES,
        accepted_at=datetime(2026, 4, 16, 10, 0, tzinfo=SHANGHAI),
    )

    assert complaint.regulation == "samr-2019"
    assert complaint.mediation_regulation == "samr-121"


@pytest.mark.parametrize(
    ("day", "governing"),
    [
        (date(2010, 1, 1), "saic-2014"),  # older than any text: the earliest we hold
        (date(2014, 3, 15), "saic-2014"),
        (date(2018, 6, 1), "saic-2014"),
        (date(2019, 12, 31), "saic-2014"),
        (date(2020, 1, 1), "samr-2019"),
        (date(2026, 4, 14), "samr-2019"),
        (date(2026, 4, 15), "samr-121"),
        (date(2030, 1, 1), "samr-121"),
    ],
)
def test_each_day_is_governed_by_the_latest_text_then_in_force(day, governing):
    assert in_force(day).id == governing


def test_a_2018_case_ended_mediation_after_60_calendar_days_under_the_2014_measures():
    text = in_force(date(2018, 6, 1))

    assert text.id == "saic-2014"
    assert text.mediation == TimeLimit(60, DayKind.CALENDAR)


def test_the_2019_measures_limit_mediation_to_45_working_days_and_acceptance_to_7():
    text = by_id("samr-2019")

    assert text.mediation == TimeLimit(45, DayKind.WORKING)
    assert text.acceptance == TimeLimit(7, DayKind.WORKING)


def test_order_121_limits_mediation_to_60_days_counted_under_its_article_45():
    text = in_force(date(2026, 4, 15))

    assert text.id == "samr-121"
    assert text.mediation == TimeLimit(60, DayKind.CALENDAR_ROLLED)
    assert text.acceptance == TimeLimit(7, DayKind.WORKING)
    assert text.termination_notice == TimeLimit(7, DayKind.WORKING)
    assert in_force(date(2026, 4, 14)).id == "samr-2019"


def test_order_121_adds_and_drops_grounds():
    old, new = by_id("samr-2019"), by_id("samr-121")
    assert RejectReason.FALSE_MATERIALS in new.reject_reasons - old.reject_reasons
    assert {TerminateReason.TESTING_FEE_DISAGREEMENT, TerminateReason.FRAUD_SUSPECTED,
            TerminateReason.PARTY_CEASED} == new.terminate_reasons - old.terminate_reasons
    assert old.terminate_reasons - new.terminate_reasons == {TerminateReason.TESTING_DISAGREEMENT}
    # 检定 and 检验 no longer stop the clock; only 检测 and 鉴定 do (Art. 22).
    assert new.suspend_reasons == {SuspendReason.TESTING, SuspendReason.APPRAISAL}
    assert old.suspend_reasons == {SuspendReason.CALIBRATION, SuspendReason.INSPECTION,
                                   SuspendReason.TESTING, SuspendReason.APPRAISAL}
    assert SuspendReason.RECUSAL not in old.suspend_reasons | new.suspend_reasons


def test_unverified_identity_is_a_ground_only_from_order_121_on():
    assert RejectReason.IDENTITY_UNVERIFIED not in by_id("saic-2014").reject_reasons
    assert RejectReason.IDENTITY_UNVERIFIED not in by_id("samr-2019").reject_reasons
    assert RejectReason.IDENTITY_UNVERIFIED in by_id("samr-121").reject_reasons


def test_an_unknown_text_is_not_silently_replaced():
    with pytest.raises(KeyError):
        by_id("samr-999")
