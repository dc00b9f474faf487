"""Statistics for supervisors and the public disclosure (SPEC §5), as plain answers.

Nothing here, nor in the view behind it, holds a consumer's name, phone, address or
ID number: the facts table has no column for them, so no query can leak them.

Working days come in through `WorkingDays`, the one method of the working-day
calendar these answers need; `working_days_between(start, end)` counts the working
days after `start` up to and including `end` (counting starts the day after, as the
regulation counts).
"""

from __future__ import annotations

import statistics as stats
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from application.credit import CreditLedgerReader
from domain.credit_rules import CreditRules
from domain.errors import InvalidValue
from domain.regulation import DayKind, TimeLimit

RATE_PLACES = Decimal("0.0001")


class WorkingDays(Protocol):
    def working_days_between(self, start: date, end: date) -> int: ...


def rate(part: int, whole: int) -> Decimal | None:
    """A share to four places, or None when there is nothing to share."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def elapsed(calendar: WorkingDays, start: date, end: date, kind: DayKind) -> int:
    if kind is DayKind.CALENDAR:
        return max((end - start).days, 0)
    return calendar.working_days_between(start, end)


def within(calendar: WorkingDays, limit: TimeLimit, start: date, end: date,
           paused: Iterable[tuple[date, date]] = ()) -> bool:
    """Whether a clock started on `start` and stopped on `end` kept its limit, suspensions
    extending it by the days they lasted (counted the way the limit counts)."""
    used = elapsed(calendar, start, end, limit.kind)
    used -= sum(elapsed(calendar, s, min(r, end), limit.kind) for s, r in paused if s < end)
    return used <= limit.days


def median_days(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(stats.median(values)))


@dataclass(frozen=True)
class MonthStats:
    month: str  # YYYY-MM, by the local date complaints were received
    received: int = 0
    accepted: int = 0
    closed: int = 0
    resolved: int = 0
    amount_recovered: Decimal = Decimal("0.00")
    acceptance_on_time_rate: Decimal | None = None
    mediation_on_time_rate: Decimal | None = None


@dataclass(frozen=True)
class Statistics:
    """Complaints received from `since` to `until` (local dates, inclusive), and what became of them."""

    since: date
    until: date
    received: int
    by_state: dict[str, int]
    by_channel: dict[str, int]
    by_category: dict[str, int]
    by_industry: dict[str, int]
    by_office: dict[str, int]
    accepted: int
    # Mediation: accepted complaints that ended resolved, terminated or escalated (a
    # withdrawal is the consumer's choice, neither success nor failure).
    mediation_finished: int
    mediation_resolved: int
    mediation_success_rate: Decimal | None
    amount_recovered: Decimal
    satisfaction_ratings: int
    average_satisfaction: Decimal | None
    acceptance_decided: int
    acceptance_on_time: int
    acceptance_on_time_rate: Decimal | None
    mediation_closed: int
    mediation_on_time: int
    mediation_on_time_rate: Decimal | None
    months: list[MonthStats] = field(default_factory=list)


@dataclass(frozen=True)
class PublicFacts:
    """One business's accepted complaints in the window, as the statistics view counts them."""

    key: str
    name: str
    accepted: int
    closed: int
    resolved: int
    handling_days: list[int]  # per closed complaint, received to closed, in working days


@dataclass(frozen=True)
class PublicBusiness:
    """What the public may read about a business: counts and a grade, nothing personal."""

    key: str
    name: str
    accepted_12_months: int
    closed: int
    resolved: int
    resolved_share: Decimal | None  # resolved ÷ closed
    median_handling_working_days: Decimal | None
    grade: str


@dataclass(frozen=True)
class PublicPage:
    as_of: date
    q: str | None
    items: list[PublicBusiness]
    total: int
    page: int
    per_page: int


class FactsReader(Protocol):
    def statistics(self, *, since: date, until: date) -> Statistics: ...

    def public_facts(self, q: str | None, *, since: date, until: date, page: int,
                     per_page: int) -> tuple[list[PublicFacts], int]: ...


class Disclosure:
    """`GET /stats` for supervisors and `GET /public/businesses` for anyone."""

    def __init__(self, *, facts: FactsReader, ledger: CreditLedgerReader,
                 rules: CreditRules) -> None:
        self.facts = facts
        self.ledger = ledger
        self.rules = rules

    def statistics(self, *, since: date, until: date) -> Statistics:
        if since > until:
            raise InvalidValue("from", "must not be after `to`")
        return self.facts.statistics(since=since, until=until)

    def public_businesses(self, q: str | None = None, *, as_of: date, page: int = 1,
                          per_page: int = 20) -> PublicPage:
        """Businesses with complaints accepted in the twelve months to `as_of`, busiest first."""
        per_page = max(1, min(per_page, 100))
        page = max(1, page)
        q = (q or "").strip() or None
        facts, total = self.facts.public_facts(q, since=year_before(as_of), until=as_of,
                                               page=page, per_page=per_page)
        points = self.ledger.points(as_of=as_of, keys=[f.key for f in facts])
        items = [
            PublicBusiness(
                key=f.key, name=f.name, accepted_12_months=f.accepted, closed=f.closed,
                resolved=f.resolved, resolved_share=rate(f.resolved, f.closed),
                median_handling_working_days=median_days(f.handling_days),
                grade=self.rules.grade_for(points.get(f.key, 0)).value,
            )
            for f in facts
        ]
        return PublicPage(as_of=as_of, q=q, items=items, total=total, page=page, per_page=per_page)


def year_before(day: date) -> date:
    """The first day of the twelve months that end on `day`."""
    try:
        start = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        start = day.replace(year=day.year - 1, day=28)
    return date.fromordinal(start.toordinal() + 1)
