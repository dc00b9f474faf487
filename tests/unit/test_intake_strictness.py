"""Intake is strict where leniency would store something nobody meant: names that
cannot be seen or break the line, amounts in other notations, receipts before any
governing text, business names that outgrow their normalised key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from builders import an_intake
from domain.errors import InvalidValue, InvalidValues
from domain.identifiers import business_key


def refusal_of(**overrides) -> InvalidValue:
    with pytest.raises(InvalidValue) as refusal:
        an_intake(**overrides)
    return refusal.value


def test_a_business_name_that_normalisation_lengthens_past_the_limit_is_refused():
    lengthening = "\u337f" * 51  # 51 characters; NFKC makes each 株式会社: 204
    assert len(lengthening) <= 200 and len(business_key(lengthening, None)) == 204

    refusal = refusal_of(business={"name": lengthening, "uscc": None})

    assert refusal.field == "business.name" and "normalised" in refusal.message
    assert an_intake(business={"name": "\u337f" * 50, "uscc": None}).business.name


@pytest.mark.parametrize("typed", ["1E+2", "1e2", "1_000", "١٢٣", "+5", "0x10", "1,000",
                                   "12.3.4", " . "])
def test_amounts_in_other_notations_or_scripts_are_refused(typed):
    assert refusal_of(amount=typed).field == "amount"


def test_an_amount_in_full_width_digits_is_read_as_the_same_amount():
    assert an_intake(amount="１２８．５０").amount == Decimal("128.50")


@pytest.mark.parametrize("name", ["\u200b\u200b", "\u200b \ufeff", "张\n三", "张\r三", "张\u2028三"])
def test_names_that_cannot_be_seen_or_break_the_line_are_refused(name):
    assert refusal_of(consumer={"name": name}).field == "consumer.name"
    assert refusal_of(business={"name": name}).field == "business.name"


def test_zero_width_characters_inside_a_name_are_dropped():
    intake = an_intake(consumer={"name": "张\u200b三"}, business={"name": "\ufeff某某超市"})
    assert (intake.consumer.name, intake.business.name) == ("张三", "某某超市")


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-14:00",
                                    "2014-03-14T23:59:59+08:00", "1999-12-31T00:00:00Z"])
def test_a_receipt_before_the_earliest_governing_text_is_refused(moment):
    refusal = refusal_of(received_at=moment)
    assert refusal.field == "received_at" and "2014-03-15" in refusal.message


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59+14:00"])
def test_a_receipt_in_the_far_future_is_refused_as_future(moment):
    assert "future" in refusal_of(received_at=moment).message


def test_every_bad_field_is_named_at_once_and_the_first_leads():
    with pytest.raises(InvalidValues) as refusal:
        an_intake(channel="pigeon", amount="1E+2", consumer={"name": "\u200b", "phone": "123"},
                  received_at="0001-01-01T00:00:00+14:00")

    fields = [p.field for p in refusal.value.problems]
    assert set(fields) == {"channel", "amount", "consumer.name", "consumer.phone", "received_at"}
    assert refusal.value.field == fields[0]
