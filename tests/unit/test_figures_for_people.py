"""Figures on the pages are rounded and grouped for people."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from api.pages.rendering import Formats

fmt = Formats(ZoneInfo("Asia/Shanghai"))


def test_an_average_is_shown_to_one_decimal_not_to_twenty_eight():
    assert fmt.decimal(Decimal("4.666666666666666666666666667")) == "4.7"
    assert fmt.decimal(Decimal("1234.56"), 1) == "1,234.6"
    assert fmt.decimal(None) == "—"


def test_counts_are_grouped_by_thousands():
    assert fmt.count(1234567) == "1,234,567"
    assert fmt.count(None) == "—"


def test_only_a_valid_credit_code_is_shown_as_one():
    assert fmt.credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert fmt.credit_code("上海小店") == "—"
    assert fmt.credit_code(None) == "—"
