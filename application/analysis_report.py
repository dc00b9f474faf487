"""The statistical analysis report (投诉举报统计分析报告; Order 121 Art. 38), monthly or
quarterly, for the whole centre or one office.

Every rate is the dashboard's own (Disclosure.statistics, SPEC §5 definitions in
application/statistics.py), for the same dates, so the report and the dashboard
never disagree; the report adds the change against the period before and rankings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from application.statistics import MonthStats, Statistics
from domain.errors import InvalidValue

TOP = 10


@dataclass(frozen=True)
class Period:
    kind: str  # month or quarter
    label: str  # 2026-11, 2026-Q4
    since: date
    until: date

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip().upper()
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12 or not 2014 <= year <= 2100:
                raise InvalidValue("period", "a month is YYYY-MM")
            since = date(year, month, 1)
            until = (since + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return cls("month", f"{year}-{month:02d}", since, until)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, quarter = int(m[1]), int(m[2])
            if not 2014 <= year <= 2100:
                raise InvalidValue("period", "a quarter is YYYY-Qn")
            since = date(year, 3 * quarter - 2, 1)
            end_month = date(year, 3 * quarter, 1)
            until = (end_month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return cls("quarter", f"{year}-Q{quarter}", since, until)
        raise InvalidValue("period", "a month (2026-11) or a quarter (2026-Q4)")

    def previous(self) -> Period:
        day_before = self.since - timedelta(days=1)
        if self.kind == "month":
            return Period.parse(f"{day_before.year}-{day_before.month:02d}")
        return Period.parse(f"{day_before.year}-Q{(day_before.month - 1) // 3 + 1}")

    @property
    def title(self) -> str:
        year = self.since.year
        if self.kind == "month":
            return f"{year}年{self.since.month}月"
        return f"{year}年第{(self.since.month - 1) // 3 + 1}季度"


@dataclass(frozen=True)
class Ranked:
    key: str
    label: str
    complaints: int
    recovered_fen: int

    @property
    def recovered(self) -> Decimal:
        return (Decimal(self.recovered_fen) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Change:
    name: str
    now: Decimal | int
    before: Decimal | int

    @property
    def delta(self) -> Decimal | int:
        return self.now - self.before

    @property
    def percent(self) -> Decimal | None:
        """Change against the period before, in percent; None when it had none."""
        if not self.before:
            return None
        return (Decimal(self.now - self.before) * 100 / Decimal(self.before)).quantize(
            Decimal("0.1"))


@dataclass(frozen=True)
class AnalysisReport:
    period: Period
    office: str | None  # None: the whole centre
    office_name: str
    stats: Statistics
    before: Statistics
    changes: list[Change]
    top_businesses: list[Ranked]
    top_industries: list[Ranked]
    top_problems: list[Ranked]
    per_office: list[dict[str, Any]] = field(default_factory=list)
    generated_on: date | None = None
    trend: list[MonthStats] = field(default_factory=list)  # the twelve months to the period's end
    # Reports (举报, SPEC §13) received, decided and closed in the period, as the
    # supervisors' report figures count them; None where the desk keeps no reports.
    reports: dict[str, Any] | None = None

    @property
    def rates(self) -> list[tuple[str, Decimal | None, Decimal | None]]:
        """(name, this period, the period before): the SPEC §5 rates."""
        s, b = self.stats, self.before
        return [(name, getattr(s, name), getattr(b, name)) for name in (
            "acceptance_on_time_rate", "mediation_success_rate", "mediation_on_time_rate",
            "closure_rate", "satisfaction_rate", "callback_rate")]


class StatisticsSource(Protocol):
    def statistics(self, *, since: date, until: date, office: str | None = None) -> Statistics: ...


class ReportFiguresSource(Protocol):
    def statistics(self, *, start: date, end: date, office: str | None = None) -> dict[str, Any]: ...


class RankingSource(Protocol):
    def top(self, dimension: str, *, since: date, until: date, office: str | None,
            limit: int) -> list[Ranked]: ...


def build_report(*, statistics: StatisticsSource, rankings: RankingSource, period: Period,
                 office: str | None, office_name: str, offices: dict[str, str],
                 today: date, reports: ReportFiguresSource | None = None) -> AnalysisReport:
    if period.since > today:
        raise InvalidValue("period", "the period has not begun")
    stats = statistics.statistics(since=period.since, until=period.until, office=office)
    previous = period.previous()
    before = statistics.statistics(since=previous.since, until=previous.until, office=office)
    changes = [
        Change("received", stats.received, before.received),
        Change("accepted", stats.accepted, before.accepted),
        Change("closed", stats.closed, before.closed),
        Change("resolved", stats.mediation.resolved, before.mediation.resolved),
        Change("amount_recovered", stats.amount_recovered, before.amount_recovered),
    ]

    def top(dimension: str) -> list[Ranked]:
        return rankings.top(dimension, since=period.since, until=period.until, office=office,
                            limit=TOP)

    first = period.until.replace(day=1)
    for _ in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    trend = statistics.statistics(since=first, until=period.until, office=office).months
    per_office = []
    if office is None:
        for code, n in sorted(stats.by_office.items(), key=lambda kv: (-kv[1], kv[0])):
            acceptance = stats.acceptance_by_office.get(code)
            mediation = stats.mediation_by_office.get(code)
            per_office.append({
                "office": code, "name": offices.get(code, code), "received": n,
                "acceptance_on_time_rate": acceptance.rate if acceptance else None,
                "mediation_on_time_rate": mediation.rate if mediation else None})
    return AnalysisReport(
        period=period, office=office, office_name=office_name, stats=stats, before=before,
        changes=changes, top_businesses=top("business"), top_industries=top("industry"),
        top_problems=top("problem"), per_office=per_office, generated_on=today,
        trend=trend,
        reports=(reports.statistics(start=period.since, end=period.until, office=office)
                 if reports is not None else None))
