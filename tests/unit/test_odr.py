"""Online pre-settlement (先行和解, SPEC §14) on the complaint itself and on its clocks.

Calendar as in test_clocks: Monday to Friday, May 1-5 2026 off, Saturday May 9 worked.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.clocks import ClockName
from domain.errors import CommandNotAllowed, InvalidValue, NotPermitted
from domain.permissions import Actor
from domain.vocabulary import Role, State
from tests.unit.builders import a_complaint, business, event_names, operator, replay
from tests.unit.test_clocks import at, clocks, filed, keeper


def test_a_complaint_is_forwarded_only_with_the_consumers_recorded_consent():
    complaint = a_complaint("filed", collected=True)

    with pytest.raises(CommandNotAllowed, match="forward"):
        complaint.forward(actor=operator, at=at("2026-05-11"), consent=False)
    assert complaint.collect_events() == []

    complaint.forward(actor=operator, at=at("2026-05-11"), consent=True, note="同意")
    assert complaint.state is State.NEGOTIATING
    assert event_names(complaint.collect_events()) == ["Forwarded"]


def test_only_an_operator_forwards_and_only_a_business_answers():
    complaint = a_complaint("filed", collected=True)
    with pytest.raises(NotPermitted):
        complaint.forward(actor=business, at=at("2026-05-11"), consent=True)
    complaint.forward(actor=operator, at=at("2026-05-11"), consent=True)
    with pytest.raises(NotPermitted):
        complaint.business_reply(actor=operator, at=at("2026-05-11"), settled=True,
                                 terms="退款", amount="1")
    mediator = Actor("med1", Role.MEDIATOR)
    with pytest.raises(NotPermitted):
        complaint.business_reply(actor=mediator, at=at("2026-05-11"), settled=True,
                                 terms="退款", amount="1")


def test_a_business_answers_once_and_a_settlement_is_confirmed_only_when_it_settled():
    unsettled = a_complaint("negotiating (not settled)", collected=True)
    with pytest.raises(CommandNotAllowed, match="confirm-settlement"):
        unsettled.confirm_settlement(actor=operator, at=at("2026-05-12"))
    with pytest.raises(CommandNotAllowed, match="business-reply"):
        unsettled.business_reply(actor=business, at=at("2026-05-12"), settled=True,
                                 terms="又同意了", amount="1")

    settled = a_complaint("negotiating (settled)")
    settled.confirm_settlement(actor=operator, at=at("2026-05-12"), note="消费者确认")
    assert settled.state is State.RESOLVED
    assert settled.outcome == {"outcome": "settled_by_business",
                               "amount_recovered": Decimal("128.50"), "terms": "七日内全额退款",
                               "mode": "online", "record": None}
    again = replay(settled.collect_events())
    assert again.state is State.RESOLVED and again.outcome == settled.outcome


def test_a_reply_must_say_whether_it_settled_and_name_a_real_amount():
    complaint = a_complaint("negotiating", collected=True)
    with pytest.raises(InvalidValue, match="settled"):
        complaint.business_reply(actor=business, at=at("2026-05-12"), settled="yes",
                                 terms="退款", amount="1")
    with pytest.raises(InvalidValue, match="amount"):
        complaint.business_reply(actor=business, at=at("2026-05-12"), settled=True,
                                 terms="退款", amount="-5")
    assert complaint.collect_events() == []


def test_a_returned_complaint_is_filed_again_and_may_be_answered_afresh_if_forwarded_again():
    complaint = a_complaint("negotiating (not settled)")
    complaint.return_from_negotiation(actor=operator, at=at("2026-05-12"), note="未和解")
    assert complaint.state is State.FILED
    assert complaint.odr_reply is None
    assert "accept" in complaint.allowed_commands()


def test_forwarding_stops_the_acceptance_clock_and_starts_a_ten_working_day_window():
    complaint = filed(at("2026-05-06"))
    complaint.forward(actor=operator, at=at("2026-05-07"), consent=True)
    case = clocks(complaint)

    acceptance = case.latest(ClockName.ACCEPTANCE)
    assert acceptance.stopped_by == "forwarded" and acceptance.met is True
    window = case.running(ClockName.ODR)
    # From Thursday May 7: 8, 9 (the worked Saturday), 11-15, 18, 19, 20.
    assert window.due_day.isoformat() == "2026-05-20"


def test_a_lapsed_window_gives_the_office_a_fresh_acceptance_period():
    complaint = filed(at("2026-05-06"))
    complaint.forward(actor=operator, at=at("2026-05-07"), consent=True)
    operator_of_window = Actor("odr-window", Role.SUPERVISOR)
    complaint.return_from_negotiation(actor=operator_of_window, at=at("2026-05-21"),
                                      lapsed=True)
    case = clocks(complaint)

    assert case.latest(ClockName.ODR).stopped_by == "lapsed"
    assert case.latest(ClockName.ODR).met is False
    fresh = case.running(ClockName.ACCEPTANCE)
    assert fresh.start_day.isoformat() == "2026-05-21"
    assert fresh.due_day.isoformat() == "2026-06-01"  # 7 working days from Thursday May 21


def test_the_business_answer_stops_the_window_and_a_confirmed_settlement_closes_the_case():
    complaint = filed(at("2026-05-06"))
    complaint.forward(actor=operator, at=at("2026-05-07"), consent=True)
    complaint.business_reply(actor=business, at=at("2026-05-11"), settled=True,
                             terms="退款", amount="99")
    complaint.confirm_settlement(actor=operator, at=at("2026-05-12"))
    case = keeper.replay(complaint.pending_events)

    assert case.latest(ClockName.ODR).stopped_by == "replied"
    assert case.latest(ClockName.ODR).met is True
    assert not any(run.running for run in case.runs)
    assert case.state == "resolved" and case.closed_at == at("2026-05-12")
