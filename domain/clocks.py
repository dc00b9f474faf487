"""Which clocks run for a complaint, read from its events (SPEC §3).

- acceptance: starts at receipt, and again at every transfer or return to the intake
  centre (the receiving office gets a whole period); stops at accept, reject or withdraw.
- decision notice: starts at accept or reject unless the decision already says how the
  complainant was told; due with the acceptance clock, or at the end of the decision
  day if that is later (Order 121 Art. 15); stops when the telling is recorded.
- mediation: starts at acceptance; extended by the days it was suspended (testing,
  appraisal, or a pending recusal request); stops at resolve, terminate, escalate or
  withdraw.
- notice: starts at termination, or at a withdrawal after acceptance (Order 121 Art.
  23(一) makes that a termination too); stops when the notice is recorded (or the case is
  escalated, after which no notice can be recorded).

A clock's length comes from the regulation in force on the local day it starts: the
text recorded on the event where there is one (Filed, Accepted), else the text in
force that day (a transfer, a termination). Counting starts the day after; the due
moment is the end of the last day, in the desk's time zone.

The timekeeper folds events one at a time into a `CaseClocks`, so a projection can
keep the state between pages; `replay` folds a whole history at once. Nothing here
reads a clock: "overdue" is asked of `status(...)` with the moment of the question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from domain.regulation import REGULATIONS, DayKind, Regulation, TimeLimit, by_id, in_force
from domain.vocabulary import TERMINAL_STATES, Coded
from domain.working_days import Calendar, touches_unconfirmed, working_days_left

DUE_SOON_DAYS = 2  # "due soon": this many working days left, or fewer


class ClockName(Coded):
    ACCEPTANCE = "acceptance"
    DECISION_NOTICE = "decision_notice"
    MEDIATION = "mediation"
    NOTICE = "notice"
    IDENTITY = "identity"  # proof of identity asked for, by the day the operator set
    # The ODR business's window to answer a forwarded complaint (SPEC §14).
    ODR = "odr"


_LIMIT_OF = {
    ClockName.ACCEPTANCE: "acceptance",
    ClockName.MEDIATION: "mediation",
    ClockName.NOTICE: "termination_notice",
    ClockName.ODR: "odr_window",
}
_TERMINAL = frozenset(state.value for state in TERMINAL_STATES)


@dataclass
class ClockRun:
    """One run of one clock: started once, stopped at most once, extended by suspensions."""

    seq: int  # the version of the complaint event that started it
    clock: ClockName
    regulation: str
    kind: DayKind
    length: int
    started_at: datetime
    start_day: date
    office: str
    mediator: str | None
    due_day: date
    provisional: bool
    extension: int = 0  # days added for suspensions already ended, in the clock's own kind
    suspensions: int = 0
    suspended_at: datetime | None = None
    left_at_suspension: int | None = None  # working days left, frozen while suspended
    stopped_at: datetime | None = None
    stopped_by: str | None = None
    met: bool | None = None
    used_days: int | None = None  # days the clock ran (suspensions excluded), once stopped

    @property
    def running(self) -> bool:
        return self.stopped_at is None


@dataclass
class CaseClocks:
    """Everything the timeliness view remembers about one complaint."""

    id: str
    office: str
    mediator: str | None
    state: str
    received_at: datetime
    received_day: date
    closed_at: datetime | None = None
    handling_days: int | None = None
    # The runs this fold knows about: every run in a full replay, the running ones
    # (plus any started or stopped since) when a projection resumes a case between pages.
    runs: list[ClockRun] = field(default_factory=list)

    @classmethod
    def resume(cls, id: str, *, received_at: datetime, received_day: date,
               running: list[ClockRun]) -> CaseClocks:
        """A case picked up from its running clocks alone, as a projection stores them.

        Office and mediator are the running clock's. Two clocks run on after a case
        closed: the termination notice (after a termination or a withdrawal after
        acceptance) and the decision notice of a rejection (no mediation runs beside it).
        """
        last = running[-1]
        clocks = {run.clock for run in running}
        notice = next((r for r in running if r.clock is ClockName.NOTICE), None)
        told = next((r for r in running if r.clock is ClockName.DECISION_NOTICE), None)
        rejected = told if told is not None and ClockName.MEDIATION not in clocks else None
        closing = notice or rejected
        state = "terminated" if notice else "rejected" if rejected else "open"
        return cls(id=id, office=last.office, mediator=last.mediator,
                   state=state, received_at=received_at,
                   received_day=received_day, closed_at=closing.started_at if closing else None,
                   runs=list(running))

    def running(self, clock: ClockName) -> ClockRun | None:
        for run in reversed(self.runs):
            if run.clock is clock and run.running:
                return run
        return None

    def latest(self, clock: ClockName) -> ClockRun | None:
        for run in reversed(self.runs):
            if run.clock is clock:
                return run
        return None

    def met(self, clock: ClockName) -> bool | None:
        """Whether the latest run of that clock was met (None while it runs, or never ran)."""
        run = self.latest(clock)
        return None if run is None else run.met


@dataclass(frozen=True)
class ClockStatus:
    """A clock as seen at one moment."""

    due: date  # the last day, inclusive (projected forward while suspended)
    due_at: datetime  # the moment it is late: the end of `due`, in the desk's zone
    working_days_left: int  # negative when late
    overdue: bool
    due_soon: bool
    suspended: bool


class Timekeeper:
    """Folds complaint events into clock runs, with a working-day calendar and a time zone."""

    def __init__(self, calendar: Calendar, tz: tzinfo,
                 texts: tuple[Regulation, ...] = REGULATIONS) -> None:
        self.calendar = calendar
        self.tz = tz
        self.texts = texts

    # ----- days and moments ---------------------------------------------------

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def end_of(self, day: date) -> datetime:
        """The due moment of a due day: local midnight at its end."""
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)

    def add_days(self, start: date, n: int, kind: DayKind) -> date:
        if kind is DayKind.CALENDAR:
            return start + timedelta(days=n)
        if kind is DayKind.CALENDAR_ROLLED:
            return self.next_working_day(start + timedelta(days=n))
        return self.calendar.add_working_days(start, n)

    def next_working_day(self, day: date) -> date:
        """The day itself when it is worked, else the first working day after it."""
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        return day

    def days_between(self, start: date, end: date, kind: DayKind) -> int:
        if kind is DayKind.WORKING:
            return self.calendar.working_days_between(start, end)
        return (end - start).days

    def deadline(self, start: date, limit: TimeLimit, extension: int = 0) -> tuple[date, bool]:
        """The due day of a clock started on `start`, and whether it is provisional.

        Suspended days are added before the roll to a working day (SPEC §3), which is
        why the extension is part of the count rather than added to a rolled day.
        """
        due = self.add_days(start, limit.days + extension, limit.kind)
        if limit.kind is DayKind.CALENDAR:
            return due, False
        if limit.kind is DayKind.CALENDAR_ROLLED:
            # Only whether the last day is worked depends on the schedule.
            raw = start + timedelta(days=limit.days + extension)
            return due, touches_unconfirmed(self.calendar, raw - timedelta(days=1), due)
        return due, touches_unconfirmed(self.calendar, start, due)

    # ----- folding events -------------------------------------------------------

    def replay(self, events: Iterable[Any]) -> CaseClocks:
        """Every clock of one complaint, from its whole history."""
        iterator = iter(events)
        case = self.filed(next(iterator))
        for event in iterator:
            self.apply(case, event)
        return case

    def filed(self, event: Any) -> CaseClocks:
        """A new complaint: the acceptance clock starts at receipt."""
        received_at: datetime = event.received_at
        case = CaseClocks(
            id=str(event.originator_id), office=event.office, mediator=None, state="filed",
            received_at=received_at, received_day=self.day_of(received_at),
        )
        self._start(case, ClockName.ACCEPTANCE, by_id(event.regulation, self.texts), received_at,
                    event.originator_version)
        return case

    @staticmethod
    def concerns(event: Any) -> bool:
        """Whether the event can change a clock (notes and ratings never do)."""
        return type(event).__name__ in _HANDLERS

    def apply(self, case: CaseClocks, event: Any) -> None:
        handler = _HANDLERS.get(type(event).__name__)
        if handler is None:
            return
        at: datetime = event.at
        handler(self, case, event, at)
        case.state = str(event.state)
        if case.state in _TERMINAL and case.closed_at is None:
            case.closed_at = at
            case.handling_days = self.calendar.working_days_between(
                case.received_day, self.day_of(at))

    def _transferred(self, case: CaseClocks, event: Any, at: datetime) -> None:
        # The receiving office gets a whole new acceptance period from the transfer.
        self._stop(case, ClockName.ACCEPTANCE, at, "transferred")
        case.office = event.to_office
        for run in case.runs:
            if run.running:
                run.office = case.office
        self._start(case, ClockName.ACCEPTANCE, self._in_force(at), at, event.originator_version)

    def _returned(self, case: CaseClocks, event: Any, at: datetime) -> None:
        # Back at the intake centre (Order 121 Art. 41), which dispatches it afresh.
        self._stop(case, ClockName.ACCEPTANCE, at, "returned")
        case.office = event.to_office
        for run in case.runs:
            if run.running:
                run.office = case.office
        self._start(case, ClockName.ACCEPTANCE, self._in_force(at), at, event.originator_version)

    def _accepted(self, case: CaseClocks, event: Any, at: datetime) -> None:
        self._decided(case, event, at, "accepted")
        self._start(case, ClockName.MEDIATION, by_id(event.regulation, self.texts), at,
                    event.originator_version)

    def _rejected(self, case: CaseClocks, event: Any, at: datetime) -> None:
        self._decided(case, event, at, "rejected")

    def _decided(self, case: CaseClocks, event: Any, at: datetime, by: str) -> None:
        acceptance = case.running(ClockName.ACCEPTANCE)
        self._stop(case, ClockName.IDENTITY, at, by)
        self._stop(case, ClockName.ACCEPTANCE, at, by)
        if getattr(event, "notified_via", None) or acceptance is None:
            return
        # Told with the decision, or by the acceptance deadline; a late decision is
        # due to be told the same day (Order 121 Art. 15).
        day = self.day_of(at)
        due = max(acceptance.due_day, day)
        case.runs.append(ClockRun(
            seq=event.originator_version, clock=ClockName.DECISION_NOTICE,
            regulation=acceptance.regulation, kind=DayKind.WORKING,
            length=self.calendar.working_days_between(day, due), started_at=at, start_day=day,
            office=case.office, mediator=case.mediator, due_day=due,
            provisional=acceptance.provisional,
        ))

    def _identity_requested(self, case: CaseClocks, event: Any, at: datetime) -> None:
        # The operator sets the day (Order 121 Art. 10 gives no length), so the run is
        # as long as that day is away, in working days.
        start, due = self.day_of(at), date.fromisoformat(event.due)
        case.runs.append(ClockRun(
            seq=event.originator_version, clock=ClockName.IDENTITY,
            regulation=self._in_force(at).id, kind=DayKind.WORKING,
            length=self.calendar.working_days_between(start, due), started_at=at,
            start_day=start, office=case.office, mediator=case.mediator, due_day=due,
            provisional=touches_unconfirmed(self.calendar, start, due),
        ))

    def _withdrawn(self, case: CaseClocks, event: Any, at: datetime) -> None:
        after_acceptance = case.running(ClockName.MEDIATION) is not None
        for clock in (ClockName.ACCEPTANCE, ClockName.DECISION_NOTICE, ClockName.MEDIATION,
                      ClockName.IDENTITY, ClockName.ODR):
            self._stop(case, clock, at, "withdrawn")
        if after_acceptance:
            # A withdrawal after acceptance ends mediation (Order 121 Art. 23(一)): both
            # parties are told within the same period as for any termination.
            self._start(case, ClockName.NOTICE, self._in_force(at), at, event.originator_version)

    def _forwarded(self, case: CaseClocks, event: Any, at: datetime) -> None:
        # The office decides only if the business does not settle: its clock stops here.
        self._stop(case, ClockName.ACCEPTANCE, at, "forwarded")
        self._start(case, ClockName.ODR, self._in_force(at), at, event.originator_version)

    def _returned_from_negotiation(self, case: CaseClocks, event: Any, at: datetime) -> None:
        self._stop(case, ClockName.ODR, at, "lapsed" if event.lapsed else "returned")
        self._start(case, ClockName.ACCEPTANCE, self._in_force(at), at, event.originator_version)

    def _recusal_requested(self, case: CaseClocks, event: Any, at: datetime) -> None:
        # Mediation is suspended (中止) until the decision (Order 121 Art. 21).
        self._suspended(case, event, at)

    def _recusal_decided(self, case: CaseClocks, event: Any, at: datetime) -> None:
        _hand_over(case, event.mediator or case.mediator)
        if not event.suspended:  # a testing suspension that began earlier still runs
            self._resumed(case, event, at)

    def _assigned(self, case: CaseClocks, event: Any, at: datetime) -> None:
        _hand_over(case, event.mediator)

    def _suspended(self, case: CaseClocks, event: Any, at: datetime) -> None:
        run = case.running(ClockName.MEDIATION)
        if run is None or run.suspended_at is not None:
            return
        run.suspended_at = at
        run.suspensions += 1
        run.left_at_suspension = working_days_left(self.calendar, self.day_of(at), run.due_day)

    def _resumed(self, case: CaseClocks, event: Any, at: datetime) -> None:
        run = case.running(ClockName.MEDIATION)
        if run is not None:
            self._end_suspension(run, at)

    def _terminated(self, case: CaseClocks, event: Any, at: datetime) -> None:
        self._stop(case, ClockName.MEDIATION, at, "terminated")
        self._stop(case, ClockName.DECISION_NOTICE, at, "terminated")
        self._start(case, ClockName.NOTICE, self._in_force(at), at, event.originator_version)

    # ----- starting and stopping ------------------------------------------------

    def _in_force(self, at: datetime) -> Regulation:
        return in_force(self.day_of(at), self.texts)

    def _start(self, case: CaseClocks, clock: ClockName, text: Regulation, at: datetime,
               seq: int) -> None:
        limit: TimeLimit = getattr(text, _LIMIT_OF[clock])
        start = self.day_of(at)
        due, provisional = self.deadline(start, limit)
        case.runs.append(ClockRun(
            seq=seq, clock=clock, regulation=text.id, kind=limit.kind,
            length=limit.days, started_at=at, start_day=start, office=case.office,
            mediator=case.mediator, due_day=due, provisional=provisional,
        ))

    def _end_suspension(self, run: ClockRun, at: datetime) -> None:
        if run.suspended_at is None:
            return
        since, until = self.day_of(run.suspended_at), self.day_of(at)
        # Every day of the suspension after the day it began, through the day it ended,
        # is given back: the same "from the day after" rule the clocks count by.
        run.extension += max(0, self.days_between(since, until, run.kind))
        run.suspended_at = None
        run.left_at_suspension = None
        due, provisional = self.deadline(run.start_day, _limit(run), run.extension)
        crossed = run.kind is not DayKind.CALENDAR and touches_unconfirmed(
            self.calendar, since, until)
        run.due_day = due
        run.provisional = run.provisional or provisional or crossed

    def _stop(self, case: CaseClocks, clock: ClockName, at: datetime, by: str) -> None:
        run = case.running(clock)
        if run is None:
            return
        self._end_suspension(run, at)
        stop_day = self.day_of(at)
        run.stopped_at = at
        run.stopped_by = by
        # Met means stopped by the due moment, whatever stopped it.
        run.met = stop_day <= run.due_day
        run.used_days = max(0, self.days_between(run.start_day, stop_day, run.kind) - run.extension)

    # ----- asking at a moment ---------------------------------------------------

    def status(self, *, due_day: date, kind: DayKind, as_of: datetime,
               suspended_at: datetime | None = None,
               left_at_suspension: int | None = None, start_day: date | None = None,
               length: int | None = None, extension: int = 0) -> ClockStatus:
        """A running clock as of `as_of`: due, working days left, overdue, due soon.

        A suspended clock does not run: its working days left stay as they were when it
        was suspended, and its due day is shown as it would be if resumed at `as_of`
        (counted again from its start when that is known, since a rolled due day
        cannot be counted on from).
        """
        today = self.day_of(as_of)
        if suspended_at is not None and suspended_at <= as_of:
            since = self.day_of(suspended_at)
            due = due_day
            if today > since:
                paused = self.days_between(since, today, kind)
                if start_day is not None and length is not None:
                    due = self.deadline(start_day, TimeLimit(length, kind), extension + paused)[0]
                else:
                    due = self.add_days(due_day, paused, kind)
            if left_at_suspension is None:
                left_at_suspension = working_days_left(self.calendar, since, due_day)
            left = left_at_suspension
            overdue = left < 0
            return ClockStatus(due=due, due_at=self.end_of(due), working_days_left=left,
                               overdue=overdue,
                               due_soon=not overdue and left <= DUE_SOON_DAYS, suspended=True)
        left = working_days_left(self.calendar, today, due_day)
        overdue = today > due_day
        return ClockStatus(due=due_day, due_at=self.end_of(due_day), working_days_left=left,
                           overdue=overdue, due_soon=not overdue and left <= DUE_SOON_DAYS,
                           suspended=False)

    def due_soon_before(self, as_of: datetime) -> date:
        """Running clocks due before this day, and not yet late, are due soon.

        With `left = working days in (today, due]`, left <= 2 exactly when the due day
        comes before the third working day after today; stores filter on this bound.
        """
        return self.calendar.add_working_days(self.day_of(as_of), DUE_SOON_DAYS + 1)


def _hand_over(case: CaseClocks, mediator: str | None) -> None:
    """The case's running clocks go with it to the mediator, except telling the
    complainant of the acceptance decision: that stays the office's (the operator's) duty."""
    case.mediator = mediator
    for run in case.runs:
        if run.running and run.clock is not ClockName.DECISION_NOTICE:
            run.mediator = mediator


def _limit(run: ClockRun) -> TimeLimit:
    return TimeLimit(run.length, run.kind)


def _stops(*clocks: ClockName, by: str) -> Any:
    def handle(keeper: Timekeeper, case: CaseClocks, event: Any, at: datetime) -> None:
        for clock in clocks:
            keeper._stop(case, clock, at, by)
    return handle


_HANDLERS: dict[str, Any] = {
    "Transferred": Timekeeper._transferred,
    "Accepted": Timekeeper._accepted,
    "Rejected": Timekeeper._rejected,
    "ReturnedToIntake": Timekeeper._returned,
    "DecisionNotified": _stops(ClockName.DECISION_NOTICE, by="notified"),
    "RecusalRequested": Timekeeper._recusal_requested,
    "RecusalDecided": Timekeeper._recusal_decided,
    "MediatorAssigned": Timekeeper._assigned,
    "MediatorReassigned": Timekeeper._assigned,
    "ClockSuspended": Timekeeper._suspended,
    "ClockResumed": Timekeeper._resumed,
    "Resolved": _stops(ClockName.MEDIATION, ClockName.DECISION_NOTICE, by="resolved"),
    "Terminated": Timekeeper._terminated,
    "TerminationNoticeRecorded": _stops(ClockName.NOTICE, by="notice_recorded"),
    # Escalating a terminated case sends it on: its notice can no longer be recorded.
    "Escalated": _stops(ClockName.MEDIATION, ClockName.NOTICE, ClockName.DECISION_NOTICE,
                        by="escalated"),
    "Withdrawn": Timekeeper._withdrawn,
    "IdentityRequested": Timekeeper._identity_requested,
    "IdentityVerified": _stops(ClockName.IDENTITY, by="verified"),
    "Forwarded": Timekeeper._forwarded,
    "BusinessReplied": _stops(ClockName.ODR, by="replied"),
    "SettlementConfirmed": _stops(ClockName.ODR, by="settled"),
    "ReturnedFromNegotiation": Timekeeper._returned_from_negotiation,
}
