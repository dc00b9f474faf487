"""The governing texts as data, keyed by the date each took effect.

A case follows the text in force on the day its clock starts (receipt for
acceptance, acceptance for mediation), so an amendment is a new entry here,
never a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain.vocabulary import RejectReason, TerminateReason


class DayKind(str, Enum):
    WORKING = "working"
    CALENDAR = "calendar"


@dataclass(frozen=True)
class TimeLimit:
    days: int
    kind: DayKind = DayKind.WORKING


@dataclass(frozen=True)
class Regulation:
    id: str
    title: str
    effective: date
    reject_reasons: frozenset[RejectReason]
    terminate_reasons: frozenset[TerminateReason]
    acceptance: TimeLimit
    mediation: TimeLimit
    termination_notice: TimeLimit


_REJECT_BEFORE_2026 = frozenset(RejectReason) - {RejectReason.IDENTITY_UNVERIFIED}

REGULATIONS: tuple[Regulation, ...] = (
    Regulation(
        id="saic-2014",
        title="工商行政管理部门处理消费者投诉办法 (2014)",
        effective=date(2014, 3, 15),
        reject_reasons=_REJECT_BEFORE_2026,
        terminate_reasons=frozenset(TerminateReason),
        acceptance=TimeLimit(7),
        # The 2014 measures counted 60 calendar days, not working days.
        mediation=TimeLimit(60, DayKind.CALENDAR),
        termination_notice=TimeLimit(7),
    ),
    Regulation(
        id="samr-2019",
        title="市场监督管理投诉举报处理暂行办法 (2019, 2022 修正)",
        effective=date(2020, 1, 1),
        reject_reasons=_REJECT_BEFORE_2026,
        terminate_reasons=frozenset(TerminateReason),
        acceptance=TimeLimit(7),
        mediation=TimeLimit(45),
        termination_notice=TimeLimit(7),
    ),
    Regulation(
        id="samr-121",
        title="市场监督管理投诉举报处理办法 (国家市场监督管理总局令第121号)",
        effective=date(2026, 4, 15),
        reject_reasons=frozenset(RejectReason),
        terminate_reasons=frozenset(TerminateReason),
        acceptance=TimeLimit(7),
        mediation=TimeLimit(45),
        termination_notice=TimeLimit(7),
    ),
)


def in_force(on: date, texts: tuple[Regulation, ...] = REGULATIONS) -> Regulation:
    """The text that governed on the given local date (the earliest text for older days)."""
    governing = texts[0]
    for text in texts:
        if text.effective <= on:
            governing = text
    return governing


def by_id(regulation_id: str, texts: tuple[Regulation, ...] = REGULATIONS) -> Regulation:
    for text in texts:
        if text.id == regulation_id:
            return text
    raise KeyError(regulation_id)
