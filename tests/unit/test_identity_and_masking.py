"""How a business is recognised across views, and how a person is hidden in lists."""

from __future__ import annotations

import pytest

from builders import VALID_USCC
from domain.identifiers import business_key
from domain.masking import mask_name, mask_phone


def test_a_mobile_number_in_a_list_shows_only_its_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"


def test_a_landline_in_a_list_keeps_its_area_code_and_last_four_digits():
    assert mask_phone("021-62345678") == "021*****5678"


@pytest.mark.parametrize("short", ["", "12345", "1234567"])
def test_a_number_too_short_to_mask_partly_is_hidden_entirely(short):
    assert mask_phone(short) == "*" * len(short)


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李*"), ("John Smith", "J*********"), ("", "")],
)
def test_a_name_in_a_list_shows_only_its_first_character(name, masked):
    assert mask_name(name) == masked


def test_a_business_with_a_credit_code_is_known_by_that_code():
    assert business_key("上海某某超市有限公司", VALID_USCC) == VALID_USCC
    assert business_key("完全不同的名字", VALID_USCC) == VALID_USCC


@pytest.mark.parametrize(
    "spelling",
    ["ABC 超市", "abc超市", "ＡＢＣ超市", "  Ａｂｃ　超 市 ", "ABC\t超市\n"],
)
def test_a_business_without_a_credit_code_is_known_by_its_normalised_name(spelling):
    assert business_key(spelling, None) == "abc超市"
    assert business_key(spelling, "") == "abc超市"


def test_differently_named_businesses_without_codes_stay_apart():
    assert business_key("ABC超市", None) != business_key("ABD超市", None)
