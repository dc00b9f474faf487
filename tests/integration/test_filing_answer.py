"""The answer to a filing, made from the complaint just saved, is the complaint as stored."""

from __future__ import annotations

import pytest

from adapters.settings import Settings
from api.bootstrap import wire
from application.errors import IdempotencyKeyReused
from tests.integration.helpers import an_intake, operator


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def test_the_answer_to_a_filing_equals_the_complaint_read_back_from_the_store(wiring, clock):
    desk = wiring.desk

    answered = desk.file_and_show(an_intake(clock()), actor=operator)

    assert answered == desk.get_complaint(answered.id)
    assert answered.number == "SH-PD-2026-000001"
    assert answered.version == 1


def test_a_repeated_filing_is_answered_with_the_first_as_stored(wiring, clock):
    desk = wiring.desk
    first = desk.file_and_show(an_intake(clock()), actor=operator, idempotency_key="call-7")
    clock.advance(minutes=3)

    again = desk.file_and_show(an_intake(clock()), actor=operator, idempotency_key="call-7")

    assert again == first
    with pytest.raises(IdempotencyKeyReused):
        desk.file_and_show(an_intake(clock(), description="另一件事，完全不同的投诉内容。"),
                           actor=operator, idempotency_key="call-7")
    # Neither repeat used up a case number.
    assert desk.file_and_show(an_intake(clock()), actor=operator).number == "SH-PD-2026-000002"
