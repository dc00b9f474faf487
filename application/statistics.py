"""Statistics for supervisors and the public disclosure (SPEC §5), as plain answers.

Nothing here, nor in the view behind it, holds a consumer's name, phone, address or
ID number: the facts table has no column for them, so no query can leak them.

The definitions (SPEC §5) live here once, as small tallies the view fills: the
supervisors' statistics, the dashboard and the public disclosure all read them, so
their rates cannot disagree. Whether a decision or a mediation was on time is never
worked out here: the timeliness view's due moments are the one source.

Working days for the handling time come in through `WorkingDays`;
`working_days_between(start, end)` counts the working days after `start` up to and
including `end` (counting starts the day after, as the regulation counts).
"""

from __future__ import annotations

import statistics as stats
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from application.credit import CreditLedgerReader
from domain.credit_rules import CreditRules
from domain.errors import InvalidValue

RATE_PLACES = Decimal("0.0001")


class WorkingDays(Protocol):
    def working_days_between(self, start: date, end: date) -> int: ...


def rate(part: int, whole: int) -> Decimal | None:
    """A share to four places, or None when there is nothing to share."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def median_days(values: list[int]) -> Decimal | None:
    """To a tenth of a day, so that 7 and 7.5 read alike in a column."""
    if not values:
        return None
    return Decimal(str(stats.median(values))).quantize(Decimal("0.1"))


# ----- the one set of definitions (SPEC §5) ------------------------------------------

SATISFIED_LEVELS = frozenset({"satisfied", "basically_satisfied"})
FINISHED_MEDIATION = ("resolved", "terminated", "escalated")


@dataclass(frozen=True)
class MediationTally:
    """How the complaints closed after acceptance ended, counted once, the same everywhere.

    A withdrawal, a private settlement among them, is the consumer's choice: reported
    beside the rate, never a failure. A resolved case later escalated because the
    business broke the agreement stays resolved and is counted in `agreements_breached`.
    """

    resolved: int = 0
    terminated: int = 0
    escalated: int = 0  # escalated straight from mediation
    withdrawn: int = 0
    settled_privately: int = 0
    agreements_breached: int = 0

    @property
    def finished(self) -> int:
        return self.resolved + self.terminated + self.escalated

    @property
    def success_rate(self) -> Decimal | None:
        return rate(self.resolved, self.finished)


def mediation_tally(closings: Iterable[tuple[str | None, str | None, bool]]) -> MediationTally:
    """From `(closed_as, withdraw_kind, breached)` of complaints closed after acceptance."""
    counts: Counter[str] = Counter()
    for closed_as, withdraw_kind, breached in closings:
        if closed_as == "withdrawn":
            counts["settled_privately" if withdraw_kind == "settled_privately"
                   else "withdrawn"] += 1
        elif closed_as in FINISHED_MEDIATION:
            counts[closed_as] += 1
            if closed_as == "resolved" and breached:
                counts["agreements_breached"] += 1
    return MediationTally(**counts)


@dataclass(frozen=True)
class CallBacks:
    """Satisfaction call-backs (回访) on the complaints closed in a period."""

    closed: int = 0  # complaints closed
    callbacks: int = 0  # of them, called back
    satisfied: int = 0  # satisfied or basically satisfied
    basically_satisfied: int = 0
    dissatisfied: int = 0

    @property
    def callback_rate(self) -> Decimal | None:
        return rate(self.callbacks, self.closed)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意率: satisfied or basically satisfied, of the call-backs made."""
        return rate(self.satisfied, self.callbacks)


def call_backs(levels: Iterable[str | None]) -> CallBacks:
    """From the satisfaction level of each complaint closed (None: not called back)."""
    closed = callbacks = satisfied = basically = dissatisfied = 0
    for level in levels:
        closed += 1
        if level is None:
            continue
        callbacks += 1
        satisfied += level in SATISFIED_LEVELS
        basically += level == "basically_satisfied"
        dissatisfied += level == "dissatisfied"
    return CallBacks(closed=closed, callbacks=callbacks, satisfied=satisfied,
                     basically_satisfied=basically, dissatisfied=dissatisfied)


@dataclass(frozen=True)
class OnTime:
    """Clocks stopped in a period by a decision or a closing, and how many by their due moment."""

    decided: int = 0
    met: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rate(self.met, self.decided)


@dataclass(frozen=True)
class MonthStats:
    month: str  # YYYY-MM
    received: int = 0  # complaints received in the month, and of them:
    accepted: int = 0
    closed: int = 0  # accepted and closed since
    resolved: int = 0
    amount_recovered: Decimal = Decimal("0.00")
    # Decisions made, and mediations closed, in the month (SPEC §5).
    acceptance_on_time_rate: Decimal | None = None
    mediation_on_time_rate: Decimal | None = None


@dataclass(frozen=True)
class DecisionsWithSigns:
    """Decisions on acceptance made in a range (accepted, rejected, withdrawn before
    one), and those made while the case showed a sign of abuse (Order 121 Art. 17)."""

    decisions: int
    with_signs: int
    by_sign: dict[str, int]
    by_decision: dict[str, int]  # of those with signs: accepted, rejected:<reason>, withdrawn


@dataclass(frozen=True)
class Statistics:
    """The SPEC §5 figures for `since` to `until` (local dates, inclusive).

    Counts by dimension, closure and the amount recovered are of complaints received
    in the range; the mediation outcome of complaints closed after acceptance in it;
    the on-time rates of decisions made, and mediations closed, in it (each against
    the due moment the timeliness view computed under the text in force); call-backs
    of complaints closed in it.
    """

    since: date
    until: date
    received: int
    by_state: dict[str, int]
    by_channel: dict[str, int]
    by_category: dict[str, int]
    by_industry: dict[str, int]
    by_office: dict[str, int]
    by_reject_reason: dict[str, int]
    by_terminate_reason: dict[str, int]
    accepted: int
    closed: int  # received in the range and closed now
    closure_rate: Decimal | None  # 办结率
    amount_recovered: Decimal
    mediation: MediationTally
    mediation_success_rate: Decimal | None
    callbacks: CallBacks
    satisfaction_rate: Decimal | None  # 满意率
    callback_rate: Decimal | None
    acceptance: OnTime
    acceptance_on_time_rate: Decimal | None
    mediation_on_time: OnTime
    mediation_on_time_rate: Decimal | None
    months: list[MonthStats] = field(default_factory=list)
    # The same two rates per office (where the clock stopped) and per mediator.
    acceptance_by_office: dict[str, OnTime] = field(default_factory=dict)
    mediation_by_office: dict[str, OnTime] = field(default_factory=dict)
    mediation_by_mediator: dict[str, OnTime] = field(default_factory=dict)
    # Consumers behind the complaints received (a joint complaint counts each, Order 121
    # Art. 12), and the decisions made while the case showed signs of abuse (Art. 17).
    consumers: int | None = None
    abuse_signs: DecisionsWithSigns | None = None


@dataclass(frozen=True)
class PublicFacts:
    """One business's accepted complaints in the window, as the statistics view counts them."""

    key: str
    name: str
    accepted: int
    closed: int
    mediation: MediationTally
    handling_days: list[int]  # per closed complaint, received to closed, in working days


@dataclass(frozen=True)
class PublicBusiness:
    """What the public may read about a business: counts and a grade, nothing personal."""

    key: str
    name: str
    accepted_12_months: int
    closed: int
    resolved: int
    # The supervisors' definition (SPEC §5): resolved ÷ (resolved + terminated +
    # escalated from mediation); withdrawals and private settlements beside it.
    mediation_success_rate: Decimal | None
    withdrawn: int
    settled_privately: int
    median_handling_working_days: Decimal | None
    grade: str | None  # only where the deployment publishes grades (SPEC §5)
    # For a business on the ODR register: complaints forwarded to it to settle first,
    # and the share it settled (先行和解率; SPEC §14).
    odr_forwarded: int | None = None
    odr_settlement_rate: float | None = None


@dataclass(frozen=True)
class PublicPage:
    as_of: date
    q: str | None
    items: list[PublicBusiness]
    total: int
    page: int
    per_page: int
    show_grade: bool = False


class FactsReader(Protocol):
    def statistics(self, *, since: date, until: date, office: str | None = None) -> Statistics: ...

    def public_facts(self, q: str | None, *, since: date, until: date, page: int,
                     per_page: int, withheld: Any = ()) -> tuple[list[PublicFacts], int]: ...


class SignalsReader(Protocol):
    def consumers(self, *, since: date, until: date) -> int: ...

    def decisions(self, *, since: date, until: date) -> DecisionsWithSigns: ...


class Disclosure:
    """`GET /stats` for supervisors and `GET /public/businesses` for anyone."""

    def __init__(self, *, facts: FactsReader, ledger: CreditLedgerReader,
                 rules: CreditRules, signals: SignalsReader | None = None,
                 show_grade: bool = False,
                 odr_rates: Callable[[list[str]], list[Any]] | None = None,
                 withheld: Callable[[], set[str]] | None = None) -> None:
        self.facts = facts
        self.ledger = ledger
        self.rules = rules
        self.signals = signals
        self.show_grade = show_grade
        self.odr_rates = odr_rates
        # Businesses a supervisor withheld from disclosure (Order 121 Art. 39).
        self.withheld = withheld

    def statistics(self, *, since: date, until: date, office: str | None = None) -> Statistics:
        if since > until:
            raise InvalidValue("from", "must not be after `to`")
        figures = self.facts.statistics(since=since, until=until, office=office)
        if self.signals is None or office is not None:  # the signals are the centre's
            return figures
        return replace(figures, consumers=self.signals.consumers(since=since, until=until),
                       abuse_signs=self.signals.decisions(since=since, until=until))

    def public_businesses(self, q: str | None = None, *, as_of: date, page: int = 1,
                          per_page: int = 20) -> PublicPage:
        """Businesses with complaints accepted in the twelve months to `as_of`, busiest first."""
        per_page = max(1, min(per_page, 100))
        page = max(1, page)
        q = (q or "").strip() or None
        withheld = self.withheld() if self.withheld else set()
        facts, total = self.facts.public_facts(q, since=year_before(as_of), until=as_of,
                                               page=page, per_page=per_page,
                                               withheld=withheld)
        keys = [f.key for f in facts]
        points = self.ledger.points(as_of=as_of, keys=keys) if self.show_grade else {}
        odr = {r.business_key: r for r in self.odr_rates(keys)} if self.odr_rates else {}
        items = [
            PublicBusiness(
                key=f.key, name=f.name, accepted_12_months=f.accepted, closed=f.closed,
                resolved=f.mediation.resolved,
                mediation_success_rate=f.mediation.success_rate,
                withdrawn=f.mediation.withdrawn, settled_privately=f.mediation.settled_privately,
                median_handling_working_days=median_days(f.handling_days),
                grade=(self.rules.grade_for(points.get(f.key, 0)).value if self.show_grade
                       else None),
                odr_forwarded=odr[f.key].forwarded if f.key in odr else None,
                odr_settlement_rate=odr[f.key].rate if f.key in odr else None,
            )
            for f in facts
        ]
        return PublicPage(as_of=as_of, q=q, items=items, total=total, page=page,
                          per_page=per_page, show_grade=self.show_grade)


def year_before(day: date) -> date:
    """The first day of the twelve months that end on `day`."""
    try:
        start = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        start = day.replace(year=day.year - 1, day=28)
    return date.fromordinal(start.toordinal() + 1)
