"""The Report aggregate (举报, SPEC §13): public methods decide, private `@event` methods record.

As with the complaint, the bodies of the `@event` methods run again on every load, so
they only assign; each event stores the state it moved to. The reporter's identity and
the facts are personal data, sealed with the report's own data key
(domain/personal_data.py) and shown only to the handling inspector and supervisors.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain import report_lifecycle
from domain.errors import InvalidValue
from domain.intake import Business, bounded_text, code
from domain.permissions import Actor, check_report_permitted
from domain.regulation import in_force
from domain.report_intake import FACTS_LIMIT, ReportIntake
from domain.report_lifecycle import (
    INTAKE_COMMANDS, CloseOutcome, ReportSource, ReportState,
)
from domain.vocabulary import Industry, NotifyChannel



def same_facts(one: str, other: str) -> bool:
    """Whether two accounts state the same facts: equal once width, case and spacing
    are set aside (a repeat typed again by the hotline is rarely byte-identical)."""
    return _normal(one) == _normal(other)


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split()).rstrip("。.!！")


class Report(Aggregate):
    """One report of a suspected violation against one business, from receipt to its end."""

    @classmethod
    def receive(cls, intake: ReportIntake, *, actor: Actor, at: datetime, tz: tzinfo,
                complaint_id: UUID | None = None, report_id: UUID | None = None) -> Report:
        check_report_permitted(None, "receive", actor)
        if intake.source is ReportSource.MEDIATION:
            raise InvalidValue("source", "a clue from mediation is recorded on its complaint")
        return cls._received_from(intake, actor=actor, at=at, tz=tz, complaint_id=complaint_id,
                                  report_id=report_id)

    @classmethod
    def from_clue(cls, *, complaint: Any, text: str, actor: Actor, at: datetime, tz: tzinfo,
                  report_id: UUID) -> Report:
        """A clue found in mediation (Art. 27): the office is the reporter, so no person
        is named; its clock runs from the day it was found."""
        business = complaint.business
        intake = ReportIntake(
            source=ReportSource.MEDIATION, received_at=at, reporter=None,
            business=Business(name=business["name"], uscc=business.get("uscc"),
                              address=business.get("address")),
            industry=code(Industry, complaint.industry, "industry"),
            facts=bounded_text(text, "text", FACTS_LIMIT), office=complaint.office)
        return cls._received_from(intake, actor=actor, at=at, tz=tz, complaint_id=complaint.id,
                                  report_id=report_id)

    @classmethod
    def _received_from(cls, intake: ReportIntake, *, actor: Actor, at: datetime, tz: tzinfo,
                       complaint_id: UUID | None, report_id: UUID | None) -> Report:
        regulation = in_force(intake.received_at.astimezone(tz).date())
        business = intake.business
        return cls._create(
            cls.ReportReceived,
            id=report_id or uuid4(),
            actor=actor.as_data(),
            at=at,
            received_at=intake.received_at,
            source=intake.source.value,
            reporter=intake.reporter.as_data() if intake.reporter else None,
            business={"name": business.name, "uscc": business.uscc, "address": business.address},
            business_key=intake.business_key,
            industry=intake.industry.value,
            facts=intake.facts,
            office=intake.office,
            regulation=regulation.id,
            complaint_id=str(complaint_id) if complaint_id else None,
        )

    class ReportReceived(Aggregate.Created):
        actor: dict[str, str]
        at: datetime
        received_at: datetime
        source: str
        reporter: dict[str, Any] | None
        business: dict[str, Any]
        business_key: str
        industry: str
        facts: str
        office: str
        regulation: str
        complaint_id: str | None

    @event(ReportReceived)
    def __init__(self, actor: dict[str, str], at: datetime, received_at: datetime, source: str,
                 reporter: dict[str, Any] | None, business: dict[str, Any], business_key: str,
                 industry: str, facts: str, office: str, regulation: str,
                 complaint_id: str | None) -> None:
        self.state = ReportState.RECEIVED
        self.received_at = received_at
        self.period_start = received_at  # restarts at a receipt with new facts (Art. 35)
        self.source = source
        self.reporter = reporter
        self.business = business
        self.business_key = business_key
        self.industry = industry
        self.facts = [facts]
        self.office = office
        self.regulation = regulation
        self.complaint_id = complaint_id
        self.received_by = actor
        self.inspector: str | None = None
        self.extended = False
        self.decided_at: datetime | None = None
        self.reporter_notified = False
        self.notified_at: datetime | None = None
        self.outcome: str | None = None
        self.case_number: str | None = None
        self.referred_to: str | None = None
        self.repeats = 0

    @property
    def real_name(self) -> bool:
        return self.reporter is not None

    def allowed_commands(self) -> list[str]:
        return report_lifecycle.allowed_commands(self)

    def _decide(self, command: str, actor: Actor, **args: Any) -> str:
        check_report_permitted(self, "receive" if command in INTAKE_COMMANDS else command, actor)
        return report_lifecycle.decide(self, command, **args).value

    # ----- the same reporter again (Order 121 Art. 35) ----------------------------------

    def repeat(self, *, actor: Actor, at: datetime, received_at: datetime, source: str) -> None:
        """The same facts again: recorded, not handled again."""
        state = self._decide("repeat", actor)
        self._repeated(actor=actor.as_data(), at=at, state=state, received_at=received_at,
                       source=source)

    @event("ReportRepeated")
    def _repeated(self, actor: dict[str, str], at: datetime, state: str, received_at: datetime,
                  source: str) -> None:
        self.repeats += 1

    def add_facts(self, *, actor: Actor, at: datetime, received_at: datetime, source: str,
                  facts: str) -> None:
        """New facts: merged, and the period counts again from this receipt."""
        state = self._decide("add-facts", actor)
        facts = bounded_text(facts, "facts", FACTS_LIMIT)
        self._facts_added(actor=actor.as_data(), at=at, state=state, received_at=received_at,
                          source=source, facts=facts)

    @event("ReportFactsAdded")
    def _facts_added(self, actor: dict[str, str], at: datetime, state: str,
                     received_at: datetime, source: str, facts: str) -> None:
        self.facts = [*self.facts, facts]
        self.period_start = received_at

    # ----- verification and the decision ----------------------------------------------

    def verify(self, *, actor: Actor, at: datetime) -> None:
        state = self._decide("verify", actor)
        self._verification_started(actor=actor.as_data(), at=at, state=state,
                                   inspector=actor.username)

    @event("VerificationStarted")
    def _verification_started(self, actor: dict[str, str], at: datetime, state: str,
                              inspector: str) -> None:
        self.state = ReportState(state)
        self.inspector = inspector

    def extend(self, *, actor: Actor, at: datetime, reason: str) -> None:
        """A supervisor's approval of 15 more working days, once (Art. 27)."""
        state = self._decide("extend", actor)
        reason = bounded_text(reason, "reason", 1000)
        self._verification_extended(actor=actor.as_data(), at=at, state=state, reason=reason)

    @event("VerificationExtended")
    def _verification_extended(self, actor: dict[str, str], at: datetime, state: str,
                               reason: str) -> None:
        self.extended = True

    def open_case(self, *, actor: Actor, at: datetime, case_number: str) -> None:
        state = self._decide("open-case", actor)
        case_number = bounded_text(case_number, "case_number", 64)
        self._case_opened(actor=actor.as_data(), at=at, state=state, case_number=case_number)

    @event("CaseOpened")
    def _case_opened(self, actor: dict[str, str], at: datetime, state: str,
                     case_number: str) -> None:
        self.state = ReportState(state)
        self.case_number = case_number
        self.decided_at = at

    def decline(self, *, actor: Actor, at: datetime, reason: str) -> None:
        state = self._decide("decline", actor)
        reason = bounded_text(reason, "reason", 1000)
        self._case_declined(actor=actor.as_data(), at=at, state=state, reason=reason)

    @event("CaseDeclined")
    def _case_declined(self, actor: dict[str, str], at: datetime, state: str,
                       reason: str) -> None:
        self.state = ReportState(state)
        self.decided_at = at

    def refer(self, *, actor: Actor, at: datetime, to: str, note: str = "") -> None:
        """No power here (Art. 34): the reporter is told which office to go to."""
        state = self._decide("refer", actor)
        to = bounded_text(to, "to", 200)
        note = bounded_text(note, "note", 1000, required=False)
        inspector = self.inspector or (actor.username if actor.role.value == "inspector"
                                       else None)
        self._referred(actor=actor.as_data(), at=at, state=state, to=to, note=note,
                       inspector=inspector)

    @event("ReportReferred")
    def _referred(self, actor: dict[str, str], at: datetime, state: str, to: str, note: str,
                  inspector: str | None) -> None:
        self.state = ReportState(state)
        self.referred_to = to
        self.inspector = inspector
        self.decided_at = at

    def notify_reporter(self, *, actor: Actor, at: datetime, channel: str) -> None:
        state = self._decide("notify-reporter", actor)
        channel_code = code(NotifyChannel, channel, "channel")
        self._reporter_notified(actor=actor.as_data(), at=at, state=state,
                                channel=channel_code.value)

    @event("ReporterNotified")
    def _reporter_notified(self, actor: dict[str, str], at: datetime, state: str,
                           channel: str) -> None:
        self.reporter_notified = True
        self.notified_at = at

    def close(self, *, actor: Actor, at: datetime, outcome: str, note: str = "") -> None:
        outcome_code = code(CloseOutcome, outcome, "outcome")
        state = self._decide("close", actor, outcome=outcome_code.value)
        note = bounded_text(note, "note", 1000, required=False)
        self._closed(actor=actor.as_data(), at=at, state=state, outcome=outcome_code.value,
                     note=note, from_state=self.state.value)

    @event("ReportClosed")
    def _closed(self, actor: dict[str, str], at: datetime, state: str, outcome: str, note: str,
                from_state: str) -> None:
        self.state = ReportState(state)
        self.outcome = outcome

# The command names of the report's table, mapped to the aggregate's methods.
REPORT_COMMAND_METHODS: dict[str, str] = {
    "verify": "verify",
    "extend": "extend",
    "open-case": "open_case",
    "decline": "decline",
    "refer": "refer",
    "notify-reporter": "notify_reporter",
    "close": "close",
}
