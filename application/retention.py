"""Retention: a closed complaint's personal data is erased some years after it closed.

The period is data (`COMPLAINTS_RETENTION_YEARS`, counted from the day the complaint
entered a closed state). Running twice erases nothing twice: an erased complaint is
skipped (its data key destroyed again, in case a crash came between the two), a held
one is kept and counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from application.desk import ComplaintDesk
from application.views import HistoryItem
from domain.permissions import Actor
from domain.vocabulary import TERMINAL_STATES, ErasureBasis, Role

RETENTION_ACTOR = Actor("retention", Role.SUPERVISOR)
_CLOSED = frozenset(s.value for s in TERMINAL_STATES)


@dataclass
class RetentionReport:
    examined: int = 0
    erased: list[str] = field(default_factory=list)
    held: int = 0
    already_erased: int = 0
    not_due: int = 0


def years_after(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February, in a year that has none
        return moment.replace(year=moment.year + years, day=28)


def closed_at(history: Iterable[HistoryItem]) -> datetime | None:
    """When the complaint last entered a closed state from an open one (None: open)."""
    closed: datetime | None = None
    was_closed = False
    for item in history:
        state = item.data.get("state")
        if state is None:
            continue
        now_closed = state in _CLOSED
        if now_closed and not was_closed:
            closed = item.at
        was_closed = now_closed
    return closed if was_closed else None


class Retention:
    def __init__(self, desk: ComplaintDesk, *, years: int,
                 candidates: Callable[[datetime], list[str]]) -> None:
        self.desk = desk
        self.years = years
        # Closed complaints received before the cutoff (a complaint closes after receipt,
        # so nothing due is missed), from the list view.
        self.candidates = candidates

    def cutoff(self) -> datetime:
        return years_after(self.desk.clock(), -self.years)

    def due(self) -> list[str]:
        return self.candidates(self.cutoff())

    def run(self, ids: list[str], *, actor: Actor = RETENTION_ACTOR,
            progress: Callable[[int], None] | None = None) -> RetentionReport:
        report = RetentionReport()
        now = self.desk.clock()
        for complaint_id in ids:
            report.examined += 1
            self._one(UUID(complaint_id), now, actor, report)
            if progress:
                progress(1)
        vacuum = getattr(self.desk.data_keys, "vacuum", None)
        if report.erased and vacuum:
            vacuum()
        return report

    def _one(self, complaint_id: UUID, now: datetime, actor: Actor, report: RetentionReport) -> None:
        complaint = self.desk.get_complaint(complaint_id)
        if complaint.personal_data_erased:
            report.already_erased += 1
            self.desk.shred(complaint_id)
            return
        closed = closed_at(self.desk.history(complaint_id))
        if closed is None or years_after(closed, self.years) > now:
            report.not_due += 1
            return
        if complaint.on_legal_hold:
            report.held += 1
            return
        self.desk.erase_personal_data(
            complaint_id, actor=actor, basis=ErasureBasis.RETENTION.value,
            reference=f"{self.years} years after closure", expected_version=complaint.version)
        report.erased.append(str(complaint_id))
