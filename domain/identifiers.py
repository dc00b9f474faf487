"""Identifiers that check themselves: credit codes, phone numbers, business keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from domain.errors import InvalidValue

# GB 32100-2015: 31 characters, I O Z S V left out so they cannot be misread.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997, the organisation code embedded at positions 9-17.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_character(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_code_check_character(first8: str) -> str:
    total = sum(_org_value(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_problem(code: str) -> str | None:
    """Why the code is not a valid unified social credit code, or None if it is."""
    if len(code) != 18:
        return "must be 18 characters"
    if any(c not in _USCC_CHARS for c in code):
        return "contains a character not used in credit codes (I, O, Z, S, V or lowercase)"
    if uscc_check_character(code[:17]) != code[17]:
        return "check character does not match (GB 32100-2015)"
    if org_code_check_character(code[8:16]) != code[16]:
        return "embedded organisation code check character does not match (GB 11714)"
    return None


@dataclass(frozen=True)
class CreditCode:
    value: str

    def __post_init__(self) -> None:
        problem = uscc_problem(self.value)
        if problem:
            raise InvalidValue("business.uscc", problem)

    @classmethod
    def parse(cls, raw: str) -> CreditCode:
        return cls(halfwidth(raw).strip().upper())


_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes are 010 and 02X (three digits, eight-digit numbers) or 0[3-9]XX (four
# digits, seven- or eight-digit numbers), so the dash after them is never needed to
# tell where the area code ends.
_LANDLINE = re.compile(r"(0(?:10|2\d)-?[2-9]\d{7}|0[3-9]\d{2}-?[2-9]\d{6,7})(-\d{1,6})?")


@dataclass(frozen=True)
class PhoneNumber:
    """A mainland mobile number, or a landline with its area code."""

    value: str
    field: str = "consumer.phone"

    def __post_init__(self) -> None:
        if not (_MOBILE.fullmatch(self.value) or _LANDLINE.fullmatch(self.value)):
            raise InvalidValue(
                self.field, "must be a mainland mobile number or a landline with area code"
            )

    @classmethod
    def parse(cls, raw: str, field: str = "consumer.phone") -> PhoneNumber:
        digits = re.sub(r"[\s()（）]", "", halfwidth(raw))
        if digits.startswith("+86"):
            digits = digits[3:]
        elif digits.startswith("0086"):
            digits = digits[4:]
        return cls(digits.strip("-"), field)


def halfwidth(text: str) -> str:
    """Full-width forms to their ASCII equivalents (ＡＢＣ１２３ → ABC123)."""
    return unicodedata.normalize("NFKC", text)


def business_key(name: str, uscc: str | None) -> str:
    """The identity of a business in every view: its credit code, else its normalised name."""
    if uscc:
        return uscc
    return re.sub(r"\s+", "", halfwidth(name)).casefold()
