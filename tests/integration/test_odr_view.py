"""The ODR cases view behind the settlement rate (先行和解率 = settled / forwarded): each
complaint counts once, by how its last forwarding ended; a rebuild gives the same."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.settings import Settings
from api.bootstrap import wire
from domain.permissions import Actor
from domain.vocabulary import Role
from tests.integration.helpers import an_intake

USCC = "91350100M000100Y43"  # the business an_intake() names
operator = Actor("op1", Role.OPERATOR)
business = Actor("biz1", Role.BUSINESS)


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    wiring.odr.register.join(USCC, name="上海优选", start=date(2026, 1, 1), actor="sup1")
    yield wiring
    wiring.close()


def forwarded(wiring):
    complaint_id = wiring.desk.file(an_intake(wiring.desk.clock()), actor=operator)
    wiring.odr.forward(complaint_id, actor=operator, consent=True)
    return complaint_id


def test_a_complaint_forwarded_twice_counts_once_by_its_last_forwarding(wiring):
    desk = wiring.desk
    again = forwarded(wiring)
    desk.return_from_negotiation(again, actor=operator, note="消费者改变主意")
    wiring.odr.forward(again, actor=operator, consent=True)
    desk.business_reply(again, actor=business, credit_code=USCC, settled=True, terms="退款",
                        amount="10")
    desk.confirm_settlement(again, actor=operator)
    withdrawn = forwarded(wiring)
    desk.withdraw(withdrawn, actor=operator, note="撤回")
    returned = forwarded(wiring)
    desk.return_from_negotiation(returned, actor=operator)
    open_ = forwarded(wiring)
    wiring.projections.catch_up()

    [rate] = wiring.odr.cases.rates([USCC])
    assert (rate.forwarded, rate.settled) == (4, 1)
    assert rate.rate == 0.25
    assert wiring.odr.cases.negotiating_ids() == [str(open_)]

    wiring.projections.rebuild(["odr"])
    [rebuilt] = wiring.odr.cases.rates([USCC])
    assert (rebuilt.forwarded, rebuilt.settled) == (4, 1)
    assert wiring.odr.cases.negotiating_ids() == [str(open_)]
