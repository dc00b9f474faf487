"""Properties that hold for every input, not just the examples we thought of."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from builders import USCC_ALPHABET, VALID_USCC, make_uscc
from domain.errors import InvalidValue
from domain.identifiers import CreditCode, PhoneNumber, business_key
from domain.intake import money
from domain.masking import mask_phone

allowed_chars = st.sampled_from(USCC_ALPHABET)
eight = st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8)
valid_codes = st.builds(make_uscc, eight, eight)


def test_the_independent_check_character_builder_agrees_with_real_licences():
    assert make_uscc("91350100", "M000100Y") == VALID_USCC
    assert make_uscc("91110000", "60003734") == "91110000600037341L"


@given(valid_codes)
def test_any_code_with_both_check_characters_computed_is_accepted(code):
    assert CreditCode.parse(code).value == code


@given(valid_codes, st.integers(0, 17), st.sampled_from(USCC_ALPHABET + "IOZSV"))
def test_any_single_character_changed_in_a_valid_code_is_refused(code, position, replacement):
    assume(code[position] != replacement)
    typo = code[:position] + replacement + code[position + 1:]

    with pytest.raises(InvalidValue) as refusal:
        CreditCode.parse(typo)
    assert refusal.value.field == "business.uscc"


@given(valid_codes, st.integers(0, 15))
def test_two_neighbouring_characters_swapped_in_a_valid_code_are_refused(code, position):
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]

    with pytest.raises(InvalidValue):
        CreditCode.parse(swapped)


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9),
       st.sampled_from(["", "+86", "+86 ", "0086", "+86-"]))
def test_any_mainland_mobile_number_is_accepted_with_or_without_the_country_code(
    second, rest, prefix
):
    number = "1" + second + rest

    assert PhoneNumber.parse(prefix + number).value == number
    assert mask_phone(number) == number[:3] + "****" + number[-4:]


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_any_amount_in_yuan_and_fen_survives_as_text(amount):
    assert money(str(amount), "amount") == amount


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_no_float_is_ever_taken_as_an_amount(amount):
    with pytest.raises(InvalidValue):
        money(amount, "amount")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1,
               max_size=30),
       st.lists(st.integers(0, 30), max_size=4))
def test_a_name_typed_in_full_width_with_stray_spaces_is_the_same_business(name, gaps):
    spaced = _fullwidth(name)
    for gap in sorted(gaps, reverse=True):
        spaced = spaced[:gap] + " \u3000" + spaced[gap:]

    assert business_key(spaced, None) == business_key(name, None)
