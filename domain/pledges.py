"""Integrity pledges (诚信经营承诺) a business makes, and what a pledge in force means
(SPEC §14; Order 121 Art. 6 names the first three systems it encourages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain.errors import InvalidValue


class PledgeKind(str, Enum):
    FIRST_CONTACT_RESPONSIBILITY = "first_contact_responsibility"  # 首问负责
    COMPENSATION_FIRST = "compensation_first"  # 先行赔付
    OFFLINE_NO_REASON_RETURN = "offline_no_reason_return"  # 线下无理由退货
    ODR = "odr"  # 在线消费争议解决


@dataclass(frozen=True)
class Pledge:
    credit_code: str
    kind: PledgeKind
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValue("end", "a pledge cannot end before it starts")

    def in_force(self, day: date) -> bool:
        return self.start <= day <= self.end


def pledge_kind(raw: object) -> PledgeKind:
    try:
        return PledgeKind(raw)
    except ValueError:
        listed = ", ".join(k.value for k in PledgeKind)
        raise InvalidValue("kind", f"must be one of {listed}") from None
