"""What a filed complaint holds (SPEC §2), checked once at the edge by `Intake.parse`.

Each refusal is an `InvalidValue` whose `.field` names the request field, so the API
can answer 422 pointing at it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from builders import ANOTHER_VALID_USCC, NOW, VALID_USCC, an_intake, intake_data
from domain.errors import InvalidValue
from domain.identifiers import CreditCode, PhoneNumber, uscc_problem
from domain.intake import Intake
from domain.vocabulary import Category, Channel, Industry


def refusal_of(**overrides) -> InvalidValue:
    with pytest.raises(InvalidValue) as refusal:
        an_intake(**overrides)
    return refusal.value


def test_a_complete_intake_is_turned_into_trusted_values():
    intake = an_intake()

    assert intake.channel is Channel.PHONE
    assert intake.category is Category.GOODS
    assert intake.industry is Industry.FOOD
    assert intake.amount == Decimal("128.50")
    assert intake.incident_date == date(2026, 5, 1)
    assert intake.business.uscc == VALID_USCC
    assert intake.consumer.phone == "13812345678"
    assert intake.office == "SH-HP"


# ----- unified social credit code ----------------------------------------------------------

@pytest.mark.parametrize("code", [VALID_USCC, ANOTHER_VALID_USCC])
def test_a_credit_code_from_a_real_licence_is_accepted(code):
    assert an_intake(business={"uscc": code}).business.uscc == code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("９１３５０１００Ｍ０００１００Ｙ４３", VALID_USCC),  # full-width, from a Chinese IME
        ("91350100m000100y43", VALID_USCC),
        ("  91110000600037341L  ", ANOTHER_VALID_USCC),
        ("９１１１００００６０００３７３４１ｌ", ANOTHER_VALID_USCC),
    ],
)
def test_a_credit_code_typed_in_full_width_or_lower_case_is_normalised(typed, stored):
    assert an_intake(business={"uscc": typed}).business.uscc == stored


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("91350100M000100Y4", "18 characters"),           # one short
        ("91350100M000100Y433", "18 characters"),         # one long
        ("", None),                                       # blank means "not given", see below
        ("91350100M000100Y44", "check character"),        # last character wrong
        ("91350100M000100Y0N", "organisation code"),      # GB 32100 right, GB 11714 wrong
        ("91350100I000100Y43", "character not used"),
        ("91350100O000100Y43", "character not used"),
        ("91350100Z000100Y43", "character not used"),
        ("91350100S000100Y43", "character not used"),
        ("91350100V000100Y43", "character not used"),
        ("9135-0100M000100Y4", "character not used"),
    ],
)
def test_a_credit_code_that_fails_its_checks_is_refused_on_the_uscc_field(code, why):
    if why is None:
        assert an_intake(business={"uscc": code}).business.uscc is None
        return
    refusal = refusal_of(business={"uscc": code})
    assert refusal.field == "business.uscc"
    assert why in refusal.message


def test_a_credit_code_may_be_left_out():
    assert an_intake(business={"uscc": None}).business.uscc is None


def test_the_credit_code_value_object_refuses_a_bad_code_on_its_own():
    with pytest.raises(InvalidValue) as refusal:
        CreditCode("91350100M000100Y44")
    assert refusal.value.field == "business.uscc"
    assert CreditCode.parse("９１３５０１００Ｍ０００１００Ｙ４３").value == VALID_USCC
    assert uscc_problem(VALID_USCC) is None


# ----- phone numbers -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("199 1234 5678", "19912345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("021-62345678", "021-62345678"),
        ("(021) 62345678", "02162345678"),
        ("010-82345678", "010-82345678"),
        ("01082345678", "01082345678"),
        ("0755-86013388", "0755-86013388"),
        ("0571-8765432", "0571-8765432"),
        ("021-62345678-801", "021-62345678-801"),
    ],
)
def test_a_mainland_mobile_or_a_landline_with_area_code_is_accepted(typed, stored):
    assert an_intake(consumer={"phone": typed}).consumer.phone == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1381234567",      # ten digits
        "138123456789",    # twelve digits
        "12812345678",     # no mobile network starts 12
        "62345678",        # landline without area code
        "+1 415 555 0100",
        "138-abcd-5678",
        "phone me",
    ],
)
def test_anything_else_is_refused_on_the_phone_field(typed):
    assert refusal_of(consumer={"phone": typed}).field == "consumer.phone"


@pytest.mark.parametrize(
    ("with_dash", "without_dash"),
    [
        ("021-62345678", "02162345678"),
        ("0755-86013388", "075586013388"),
        ("010-12345678", "01012345678"),
    ],
)
def test_a_landline_is_judged_the_same_with_or_without_the_dash_after_its_area_code(
    with_dash, without_dash
):
    def verdict(raw: str) -> bool:
        try:
            PhoneNumber.parse(raw)
        except InvalidValue:
            return False
        return True

    assert verdict(with_dash) == verdict(without_dash)


# ----- amounts -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "amount"),
    [("128.50", Decimal("128.50")), ("128.5", Decimal("128.5")), ("0", Decimal("0")),
     ("0.01", Decimal("0.01")), (" 3600 ", Decimal("3600")), (8999, Decimal("8999")),
     (Decimal("59.90"), Decimal("59.90"))],
)
def test_an_amount_in_dispute_is_a_decimal_in_yuan_and_fen(typed, amount):
    assert an_intake(amount=typed).amount == amount


def test_an_amount_left_out_counts_as_zero():
    data = intake_data()
    del data["amount"]
    assert Intake.parse(data, now=NOW, default_office=None).amount == Decimal("0")


@pytest.mark.parametrize(
    "typed",
    [128.5, 0.1, True, None, "-1", "-0.01", "1.005", "12.345", "abc", "", "NaN", "Infinity",
     "1e12"],
)
def test_floats_negatives_fractions_of_a_fen_and_nonsense_are_refused_as_amounts(typed):
    assert refusal_of(amount=typed).field == "amount"


# ----- when it was received ----------------------------------------------------------------

def test_a_complaint_received_a_moment_in_the_future_is_refused():
    assert refusal_of(received_at=NOW + timedelta(minutes=1)).field == "received_at"
    assert refusal_of(received_at=(NOW + timedelta(days=1)).isoformat()).field == "received_at"


@pytest.mark.parametrize("naive", [datetime(2026, 5, 8, 10, 0), "2026-05-08T10:00:00"])
def test_a_receipt_time_without_a_utc_offset_is_refused(naive):
    assert refusal_of(received_at=naive).field == "received_at"


@pytest.mark.parametrize("nonsense", ["yesterday", "2026-13-01T10:00:00+08:00", 20260508])
def test_a_receipt_time_that_is_not_a_date_time_is_refused(nonsense):
    assert refusal_of(received_at=nonsense).field == "received_at"


def test_a_receipt_time_left_out_means_now():
    assert an_intake(received_at=None).received_at == NOW


def test_a_receipt_time_given_as_iso_text_with_offset_is_accepted():
    intake = an_intake(received_at="2026-05-08T02:00:00+00:00")
    assert intake.received_at == datetime(2026, 5, 8, 2, 0, tzinfo=UTC)


def test_an_incident_well_in_the_future_is_refused():
    assert refusal_of(incident_date="2026-05-20").field == "incident_date"
    assert refusal_of(incident_date="May 1st").field == "incident_date"


# ----- the story and the request -----------------------------------------------------------

@pytest.mark.parametrize(("field", "limit"), [("description", 5000), ("request", 1000)])
def test_description_and_request_hold_between_one_character_and_their_limit(field, limit):
    assert getattr(an_intake(**{field: "退"}), field) == "退"
    assert getattr(an_intake(**{field: "字" * limit}), field) == "字" * limit

    for bad in ("", "   ", None, "字" * (limit + 1)):
        assert refusal_of(**{field: bad}).field == field


def test_text_with_control_characters_is_refused():
    assert refusal_of(description="坏\x00数据").field == "description"


# ----- coded fields ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("field", "bad"),
    [("channel", "fax"), ("channel", None), ("category", "both"), ("industry", "gambling"),
     ("industry", "Food")],
)
def test_an_unknown_channel_category_or_industry_is_refused(field, bad):
    refusal = refusal_of(**{field: bad})
    assert refusal.field == field
    assert "must be one of" in refusal.message


@pytest.mark.parametrize("channel", ["phone", "web", "app", "wechat", "letter", "visit"])
def test_every_channel_of_the_spec_is_accepted(channel):
    assert an_intake(channel=channel).channel.value == channel


@pytest.mark.parametrize(
    "industry",
    ["online_shopping", "catering", "tourism", "transport", "education", "medical", "beauty",
     "food", "agricultural", "telecom", "housing", "finance", "other"],
)
def test_every_industry_of_the_spec_is_accepted(industry):
    assert an_intake(industry=industry).industry.value == industry


# ----- the people and the office -----------------------------------------------------------

@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consumer": None}, "consumer"),
        ({"business": "某超市"}, "business"),
        ({"consumer": {"name": ""}}, "consumer.name"),
        ({"consumer": {"name": "名" * 51}}, "consumer.name"),
        ({"business": {"name": "  "}}, "business.name"),
        ({"consumer": {"address": "址" * 501}}, "consumer.address"),
        ({"business": {"platform": "台" * 101}}, "business.platform"),
        ({"office": "黄浦"}, "office"),
        ({"office": None}, "office"),
    ],
)
def test_missing_or_oversized_people_and_office_fields_are_named(overrides, field):
    assert refusal_of(**overrides).field == field


def test_the_office_defaults_to_the_operators_own():
    assert an_intake(office=None, default_office="SH-JA").office == "SH-JA"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("G12345678", "G12345678"),  # a passport
        ("", None),
    ],
)
def test_a_resident_id_with_the_right_check_digit_or_another_document_is_accepted(typed, stored):
    assert an_intake(consumer={"id_number": typed}).consumer.id_number == stored


@pytest.mark.parametrize(
    "typed",
    [
        "110105194912310021",  # check digit should be X
        "11010519491231002Y",  # a letter other than X where the check digit goes
        "11010519491231002",   # the check digit left off
        "AB",
        110105,
    ],
)
def test_a_resident_id_with_a_wrong_or_missing_check_digit_or_junk_is_refused(typed):
    assert refusal_of(consumer={"id_number": typed}).field == "consumer.id_number"
