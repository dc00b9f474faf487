"""The governing texts as data, keyed by the date each took effect.

A case follows the text in force on the day its clock starts (receipt for
acceptance and the grounds for non-acceptance, acceptance for mediation and the
grounds for ending it or suspending its clock), so an amendment is a new entry here,
never a code change. Codes are stored in events by value: a text that drops a ground
simply stops offering it for new decisions, and old histories keep theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain.vocabulary import RejectReason, SuspendReason, TerminateReason


class DayKind(str, Enum):
    WORKING = "working"
    CALENDAR = "calendar"
    # Calendar days whose last day, when it is not a working day, rolls to the next
    # working day (Order 121 Art. 45; the day the period starts is not counted).
    CALENDAR_ROLLED = "calendar_rolled"


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
    suspend_reasons: frozenset[SuspendReason]
    acceptance: TimeLimit
    mediation: TimeLimit
    termination_notice: TimeLimit
    # Where each ground stands in the text, for pages and notices.
    articles: dict[str, str]
    short_title: str = ""
    # Reports (SPEC §13): verification and the decision whether to open a case within
    # 15 working days of receipt (of finding the clue, for one found in mediation:
    # Order 121 Art. 27), extendable once by 15 with approval; a real-name reporter told
    # within 5 working days of the decision (Order 20 Art. 31; Order 121 Art. 36 leaves
    # it to the penalty procedure rules, and the desk keeps the same standard).
    report_decision: TimeLimit = TimeLimit(15)
    report_extension: TimeLimit = TimeLimit(15)
    reporter_notice: TimeLimit = TimeLimit(5)
    # The window an ODR business has to answer a forwarded complaint (the national
    # 12315 platform's 10 working days; Order 121 Art. 6 encourages such settlement).
    odr_window: TimeLimit = TimeLimit(10)


R, T, S = RejectReason, TerminateReason, SuspendReason

_REJECT_2019 = frozenset({R.OUTSIDE_REMIT, R.HANDLED_ELSEWHERE, R.NOT_CONSUMER_DISPUTE,
                          R.TIME_BARRED, R.INCOMPLETE, R.OTHER_LAW})
_TERMINATE_2019 = frozenset({T.BUSINESS_REFUSED, T.BUSINESS_UNREACHABLE,
                             T.CONSUMER_REFUSED_OR_ABSENT, T.NO_AGREEMENT_POSSIBLE,
                             T.TESTING_DISAGREEMENT, T.NO_AGREEMENT_IN_TIME,
                             T.INADMISSIBLE_FOUND, T.OTHER})
# 检定, 检验, 检测, 鉴定 (2019 Art. 20); Order 121 Art. 22 keeps only 检测 and 鉴定.
_SUSPEND_2019 = frozenset({S.CALIBRATION, S.INSPECTION, S.TESTING, S.APPRAISAL})

_ARTICLES_2019 = {
    "outside_remit": "第十五条第（一）项", "handled_elsewhere": "第十五条第（二）项",
    "not_consumer_dispute": "第十五条第（三）项", "time_barred": "第十五条第（四）项",
    "incomplete": "第十五条第（五）项", "other_law": "第十五条第（六）项",
    "testing_disagreement": "第二十一条第（二）项", "business_refused": "第二十一条第（三）项",
    "business_unreachable": "第二十一条第（三）项",
    "consumer_refused_or_absent": "第二十一条第（三）项",
    "no_agreement_possible": "第二十一条第（四）项", "no_agreement_in_time": "第二十一条第（五）项",
    "inadmissible_found": "第二十一条第（六）项", "other": "第二十一条第（七）项",
    "mediation_period": "第二十一条第（五）项", "suspend": "第二十条",
}
_ARTICLES_121 = {
    "outside_remit": "第十六条第（一）项", "handled_elsewhere": "第十六条第（二）项",
    "not_consumer_dispute": "第十六条第（三）项", "time_barred": "第十六条第（四）项",
    "incomplete": "第十六条第（五）项", "false_materials": "第十六条第（五）项",
    "identity_unverified": "第十六条第（六）项", "other_law": "第十六条第（七）项",
    "business_refused": "第二十三条第（二）项", "business_unreachable": "第二十三条第（二）项",
    "consumer_refused_or_absent": "第二十三条第（二）项",
    "no_agreement_possible": "第二十三条第（三）项",
    "testing_fee_disagreement": "第二十三条第（四）项",
    "no_agreement_in_time": "第二十三条第（五）项", "inadmissible_found": "第二十三条第（六）项",
    "fraud_suspected": "第二十三条第（六）项", "party_ceased": "第二十三条第（七）项",
    "other": "第二十三条第（八）项", "withdrawn": "第二十三条第（一）项",
    "settled_privately": "第二十三条第（一）项", "mediation_period": "第二十三条第（五）项、第四十五条",
    "suspend": "第二十二条", "recusal": "第二十一条", "decision_notice": "第十五条",
    "termination_notice": "第二十三条", "return_to_intake": "第四十一条", "police": "第四十二条",
}

REGULATIONS: tuple[Regulation, ...] = (
    Regulation(
        id="saic-2014",
        title="工商行政管理部门处理消费者投诉办法 (2014)",
        short_title="工商总局令第62号",
        effective=date(2014, 3, 15),
        reject_reasons=_REJECT_2019,
        terminate_reasons=_TERMINATE_2019,
        suspend_reasons=_SUSPEND_2019,
        acceptance=TimeLimit(7),
        # The 2014 measures counted 60 calendar days, not working days.
        mediation=TimeLimit(60, DayKind.CALENDAR),
        termination_notice=TimeLimit(7),
        articles={},
    ),
    Regulation(
        id="samr-2019",
        title="市场监督管理投诉举报处理暂行办法 (2019, 2022 修正)",
        short_title="市场监管总局令第20号",
        effective=date(2020, 1, 1),
        reject_reasons=_REJECT_2019,
        terminate_reasons=_TERMINATE_2019,
        suspend_reasons=_SUSPEND_2019,
        acceptance=TimeLimit(7),
        mediation=TimeLimit(45),
        termination_notice=TimeLimit(7),
        articles=_ARTICLES_2019,
    ),
    Regulation(
        id="samr-121",
        title="市场监督管理投诉举报处理办法 (国家市场监督管理总局令第121号)",
        short_title="市场监管总局令第121号",
        effective=date(2026, 4, 15),
        reject_reasons=_REJECT_2019 | {R.FALSE_MATERIALS, R.IDENTITY_UNVERIFIED},
        terminate_reasons=(_TERMINATE_2019 - {T.TESTING_DISAGREEMENT})
        | {T.TESTING_FEE_DISAGREEMENT, T.FRAUD_SUSPECTED, T.PARTY_CEASED},
        suspend_reasons=frozenset({S.TESTING, S.APPRAISAL}),
        acceptance=TimeLimit(7),
        # Art. 23(五): "自投诉受理之日起六十日内", counted under Art. 45.
        mediation=TimeLimit(60, DayKind.CALENDAR_ROLLED),
        termination_notice=TimeLimit(7),
        articles=_ARTICLES_121,
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
