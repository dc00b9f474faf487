"""Reports (SPEC §13) as commands and plain answers, stored in the desk's own event store.

A report shares the complaint's store, so it shares the hash chain, the checkpoints,
the per-aggregate data keys that seal personal fields, and `audit verify`. Split
submissions and clues from mediation save the complaint's event and the report's in
one write, so neither link exists without the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from application.audit import HASH_FIELD
from application.desk import ComplaintDesk
from application.errors import ReportNotFound, VersionMismatch
from application.views import HistoryItem
from domain.clocks import Timekeeper
from domain.intake import Intake
from domain.permissions import Actor
from domain.report import REPORT_COMMAND_METHODS, Report, same_facts
from domain.report_clocks import DECISION, REPORTER_NOTICE, report_clocks, times_of
from domain.report_intake import ReportIntake
from domain.report_lifecycle import OPEN_STATES

# Candidates for Art. 35: reports from the same reporter's phone against the same
# business, newest first (the report views answer this from their blind index).
FindDuplicates = Callable[[str, str], list[UUID]]


@dataclass(frozen=True)
class Receipt:
    report_id: UUID
    # `new`; `repeat` (the same facts again: not handled again); `merged` (new facts:
    # merged, the period restarts).
    outcome: str


@dataclass(frozen=True)
class ReportDetails:
    id: UUID
    version: int
    state: str
    source: str
    received_at: datetime
    period_start: datetime
    office: str
    inspector: str | None
    reporter: dict[str, Any] | None  # in clear: the API decides who sees it
    business: dict[str, Any]
    business_key: str
    industry: str
    facts: list[str]
    complaint_id: str | None
    regulation: str
    extended: bool
    case_number: str | None
    referred_to: str | None
    outcome: str | None
    decided_at: datetime | None
    reporter_notified: bool
    repeats: int
    allowed_actions: list[str] = field(default_factory=list)
    decision_due: date | None = None
    decision_met: bool | None = None
    reporter_notice_due: date | None = None
    reporter_notice_met: bool | None = None
    deadlines_provisional: bool = False

    @classmethod
    def of(cls, report: Report, keeper: Timekeeper | None) -> ReportDetails:
        clocks = {c.name: c for c in report_clocks(times_of(report), keeper)} if keeper else {}
        decision, notice = clocks.get(DECISION), clocks.get(REPORTER_NOTICE)
        return cls(
            id=report.id, version=report.version, state=report.state.value,
            source=report.source, received_at=report.received_at,
            period_start=report.period_start, office=report.office,
            inspector=report.inspector, reporter=report.reporter, business=report.business,
            business_key=report.business_key, industry=report.industry,
            facts=list(report.facts), complaint_id=report.complaint_id,
            regulation=report.regulation, extended=report.extended,
            case_number=report.case_number, referred_to=report.referred_to,
            outcome=report.outcome, decided_at=report.decided_at,
            reporter_notified=report.reporter_notified, repeats=report.repeats,
            allowed_actions=report.allowed_commands(),
            decision_due=decision.due if decision else None,
            decision_met=decision.met if decision else None,
            reporter_notice_due=notice.due if notice else None,
            reporter_notice_met=notice.met if notice else None,
            deadlines_provisional=any(c.provisional for c in clocks.values()),
        )


class Reports:
    def __init__(self, desk: ComplaintDesk, *, find_duplicates: FindDuplicates | None = None,
                 settle: Callable[[], None] | None = None) -> None:
        self.desk = desk
        self.find_duplicates = find_duplicates
        # Brings the report views up to the last write before a duplicate look-up, so a
        # repeat phoned in seconds after the first is still found.
        self.settle = settle

    # ----- intake -----------------------------------------------------------------

    def receive(self, intake: ReportIntake, *, actor: Actor) -> Receipt:
        """Log a report; the same reporter against the same business is merged (Art. 35)."""
        at = self.desk.clock()
        report = Report.receive(intake, actor=actor, at=at, tz=self.desk.tz)
        earlier = self._earlier_from(intake)
        repeated = next((r for r in earlier if any(same_facts(intake.facts, known)
                                                   for known in r.facts)), None)
        if repeated is not None:
            repeated.repeat(actor=actor, at=at, received_at=intake.received_at,
                            source=intake.source.value)
            self.desk.store(repeated)
            return Receipt(repeated.id, "repeat")
        # New facts join a report still being verified; once one is decided, they
        # start a report of their own.
        verifying = next((r for r in earlier if r.state in OPEN_STATES), None)
        if verifying is not None:
            verifying.add_facts(actor=actor, at=at, received_at=intake.received_at,
                                source=intake.source.value, facts=intake.facts)
            self.desk.store(verifying)
            return Receipt(verifying.id, "merged")
        self.desk.store(report)
        return Receipt(report.id, "new")

    def split(self, complaint: Intake, report: ReportIntake, *, actor: Actor,
              idempotency_key: str | None = None) -> tuple[UUID, UUID]:
        """One submission that is both (Art. 9): a complaint and a report, each naming
        the other. The complaint is filed first (it takes a case number); the report
        and the complaint's link to it follow in one write."""
        Report.receive(report, actor=actor, at=self.desk.clock(), tz=self.desk.tz)  # refuse early
        complaint_id = self.desk.file(complaint, actor=actor, idempotency_key=idempotency_key)
        filed = self.desk.load(complaint_id)
        if filed.linked_reports:  # a retried submission: the first answer
            return complaint_id, UUID(filed.linked_reports[0])
        at = self.desk.clock()
        made = Report.receive(report, actor=actor, at=at, tz=self.desk.tz,
                              complaint_id=complaint_id)
        filed.link_report(actor=actor, at=at, report_id=made.id)
        self.desk.store(filed, made)
        return complaint_id, made.id

    def clue(self, complaint_id: UUID, *, actor: Actor, text: str) -> UUID:
        """A violation clue found in mediation becomes a report (Art. 27)."""
        complaint = self.desk.load(complaint_id)
        at = self.desk.clock()
        report_id = uuid4()
        complaint.record_clue(actor=actor, at=at, report_id=report_id, text=text)
        report = Report.from_clue(complaint=complaint, text=text, actor=actor, at=at,
                                  tz=self.desk.tz, report_id=report_id)
        self.desk.store(complaint, report)
        return report_id

    # ----- the inspector's commands ---------------------------------------------------

    def run(self, command: str, report_id: UUID, *, actor: Actor,
            expected_version: int | None = None, **args: Any) -> None:
        report = self._load(report_id)
        if expected_version is not None and expected_version != report.version:
            raise VersionMismatch(report.id, expected_version, report.version)
        getattr(report, REPORT_COMMAND_METHODS[command])(actor=actor, at=self.desk.clock(),
                                                          **args)
        self.desk.store(report)

    # ----- queries --------------------------------------------------------------------

    def get(self, report_id: UUID, version: int | None = None) -> ReportDetails:
        return ReportDetails.of(self._load(report_id, version), self.desk.timekeeper)

    def history(self, report_id: UUID) -> list[HistoryItem]:
        self._load(report_id)
        return [HistoryItem.of(e) for e in self.desk.events.get(report_id)]

    # ----- plumbing -------------------------------------------------------------------

    def _earlier_from(self, intake: ReportIntake) -> list[Report]:
        """Reports from the same reporter against the same business, newest first."""
        if intake.reporter is None or self.find_duplicates is None:
            return []  # an anonymous report cannot be matched to a reporter
        if self.settle is not None:
            self.settle()
        loaded = [self._load(i) for i in self.find_duplicates(intake.reporter.phone,
                                                              intake.business_key)]
        # The index holds 64 bits of an HMAC: the stored phone itself decides.
        return [r for r in loaded
                if r.reporter and r.reporter.get("phone") == intake.reporter.phone]

    def _load(self, report_id: UUID, version: int | None = None) -> Report:
        report: Any = None
        last: Any = None
        events: Iterable[Any] = self.desk.events.get(report_id, lte=version)
        for last in events:
            report = last.mutate(report)
        if not isinstance(report, Report):
            raise ReportNotFound(report_id)
        # Where the hash chain stands, so the next event links to the last stored one.
        report._chain_head = getattr(last, HASH_FIELD, None)
        return report
