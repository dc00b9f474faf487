"""A report's two clocks (SPEC §13), on the same calendar as the complaint's.

- `decision`: verification and the decision whether to open a case, 15 working days
  counted from the day after the latest receipt (a receipt with new facts restarts it,
  Art. 35; a clue from mediation counts from the day it was found, Art. 27), plus 15
  once a supervisor approved an extension; stopped by opening a case, declining or
  referring.
- `reporter_notice`: a real-name reporter told within 5 working days of the decision.

Both are worked out from a few facts about the report, which the aggregate and the
report views each keep, so a calendar update and a rebuild recompute every due day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.clocks import ClockStatus, Timekeeper
from domain.regulation import DayKind, by_id

DECISION = "decision"
REPORTER_NOTICE = "reporter_notice"


@dataclass(frozen=True)
class ReportTimes:
    regulation: str
    period_start: datetime
    extended: bool
    decided_at: datetime | None
    real_name: bool
    notified_at: datetime | None


@dataclass(frozen=True)
class ReportClock:
    name: str
    due: date
    provisional: bool
    stopped_at: datetime | None
    met: bool | None  # None while it runs

    def status(self, keeper: Timekeeper, as_of: datetime) -> ClockStatus | None:
        """How the clock stands at `as_of` while it runs; None once stopped."""
        if self.stopped_at is not None:
            return None
        return keeper.status(due_day=self.due, kind=DayKind.WORKING, as_of=as_of)


def report_clocks(times: ReportTimes, keeper: Timekeeper) -> list[ReportClock]:
    text = by_id(times.regulation)
    extension = text.report_extension.days if times.extended else 0
    due, provisional = keeper.deadline(keeper.day_of(times.period_start), text.report_decision,
                                       extension)
    clocks = [_clock(DECISION, due, provisional, times.decided_at, keeper)]
    if times.real_name and times.decided_at is not None:
        due, provisional = keeper.deadline(keeper.day_of(times.decided_at), text.reporter_notice)
        clocks.append(_clock(REPORTER_NOTICE, due, provisional, times.notified_at, keeper))
    return clocks


def _clock(name: str, due: date, provisional: bool, stopped_at: datetime | None,
           keeper: Timekeeper) -> ReportClock:
    met = None if stopped_at is None else keeper.day_of(stopped_at) <= due
    return ReportClock(name=name, due=due, provisional=provisional, stopped_at=stopped_at,
                       met=met)


def times_of(report: object) -> ReportTimes:
    return ReportTimes(regulation=report.regulation,  # type: ignore[attr-defined]
                       period_start=report.period_start,  # type: ignore[attr-defined]
                       extended=report.extended,  # type: ignore[attr-defined]
                       decided_at=report.decided_at,  # type: ignore[attr-defined]
                       real_name=report.real_name,  # type: ignore[attr-defined]
                       notified_at=report.notified_at)  # type: ignore[attr-defined]
