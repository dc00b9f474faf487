"""The Complaint aggregate: public methods decide, private `@event` methods only record.

eventsourcing runs the body of each `_recorded` method again whenever a complaint
is loaded, so those bodies only assign: they never ask the lifecycle table, read a
clock or validate. Each event stores the state it moved to, so old histories replay
exactly even after the rules change. Values in events are plain (codes as strings,
money as Decimal, moments as datetimes) so stored history never depends on class names.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any
from uuid import UUID, NAMESPACE_URL, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain import lifecycle
from domain.case_numbers import legacy_number
from domain.errors import InvalidValue, NotPermitted
from domain.evidence import MAX_CASE_BYTES, EvidenceFile, FileTooLarge
from domain.intake import Intake, bounded_text, code, money, office_code
from domain.permissions import Actor, check_permitted, role_may_ever
from domain.regulation import by_id, in_force
from domain.vocabulary import (
    Forum,
    NoteKind,
    Outcome,
    RejectReason,
    Role,
    State,
    SuspendReason,
    TerminateReason,
)

_IDEMPOTENCY_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaint-desk:idempotency")


def complaint_id_for(idempotency_key: str | None, username: str) -> UUID:
    """Same key from the same user, same id: a retried filing collides instead of doubling."""
    if idempotency_key is None:
        return uuid4()
    return uuid5(_IDEMPOTENCY_NAMESPACE, f"{username}\x1f{idempotency_key}")


class Complaint(Aggregate):
    """One consumer complaint against one business, from filing to its end."""

    # ----- filing -------------------------------------------------------------

    @classmethod
    def file(
        cls,
        intake: Intake,
        *,
        actor: Actor,
        at: datetime,
        tz: tzinfo,
        idempotency_key: str | None = None,
        number: str | None = None,
    ) -> Complaint:
        check_permitted(None, "file", actor)
        regulation = in_force(intake.received_at.astimezone(tz).date())
        consumer, business = intake.consumer, intake.business
        return cls._create(
            cls.Filed,
            id=complaint_id_for(idempotency_key, actor.username),
            actor=actor.as_data(),
            at=at,
            channel=intake.channel.value,
            received_at=intake.received_at,
            consumer={"name": consumer.name, "phone": consumer.phone,
                      "address": consumer.address, "id_number": consumer.id_number},
            business={"name": business.name, "uscc": business.uscc,
                      "address": business.address, "platform": business.platform},
            category=intake.category.value,
            industry=intake.industry.value,
            incident_date=intake.incident_date.isoformat() if intake.incident_date else None,
            amount=intake.amount,
            description=intake.description,
            request=intake.request,
            office=intake.office,
            regulation=regulation.id,
            external_ref=intake.external_ref,
            number=number,
        )

    class Filed(Aggregate.Created):
        # v2 added `external_ref`, the case number on the national 12315 platform when a
        # complaint arrives from there. Histories stored as v1 are upcast on load.
        # v3 added `number`, the case number read out on the phone (domain/case_numbers.py).
        class_version = 3

        actor: dict[str, str]
        at: datetime
        channel: str
        received_at: datetime
        consumer: dict[str, Any]
        business: dict[str, Any]
        category: str
        industry: str
        incident_date: str | None
        amount: Decimal
        description: str
        request: str
        office: str
        regulation: str
        external_ref: str | None
        number: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["external_ref"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            # Filed before numbering: a number derived from what was stored, stable on every load.
            state["number"] = legacy_number(state["office"], state["received_at"],
                                            state["originator_id"])

    @event(Filed)
    def __init__(
        self,
        actor: dict[str, str],
        at: datetime,
        channel: str,
        received_at: datetime,
        consumer: dict[str, Any],
        business: dict[str, Any],
        category: str,
        industry: str,
        incident_date: str | None,
        amount: Decimal,
        description: str,
        request: str,
        office: str,
        regulation: str,
        external_ref: str | None,
        number: str | None = None,
    ) -> None:
        self.state = State.FILED
        self.external_ref = external_ref
        self.number = number
        self.channel = channel
        self.received_at = received_at
        self.consumer = consumer
        self.business = business
        self.category = category
        self.industry = industry
        self.incident_date = incident_date
        self.amount = amount
        self.description = description
        self.request = request
        self.office = office
        self.regulation = regulation
        self.mediation_regulation: str | None = None
        self.filed_by = actor
        self.mediator: str | None = None
        self.suspended = False
        self.notice_recorded = False
        self.satisfaction: int | None = None
        self.outcome: dict[str, Any] | None = None
        self.closing_reason: str | None = None
        self.forum: str | None = None
        self.notes_count = 0
        self.attachments: list[dict[str, Any]] = []

    # ----- deciding -----------------------------------------------------------

    def _decide(self, command: str, actor: Actor, **args: Any) -> str:
        if not role_may_ever(command, actor.role):
            raise NotPermitted(command, f"the {actor.role.value} role may not do this")
        if actor.role is Role.MEDIATOR and self.mediator not in (None, actor.username):
            # Told before the state, so a case that is not theirs reveals nothing.
            raise NotPermitted(command, "only the mediator assigned to this case may do this")
        state = lifecycle.decide(self, command, **args)
        check_permitted(self, command, actor)
        return state.value

    def allowed_commands(self) -> list[str]:
        return lifecycle.allowed_commands(self)

    # ----- commands -----------------------------------------------------------

    def transfer(self, *, actor: Actor, at: datetime, to_office: str, note: str = "") -> None:
        state = self._decide("transfer", actor)
        to_office = office_code(to_office, "to_office")
        if to_office == self.office:
            raise InvalidValue("to_office", "the complaint is already with this office")
        note = bounded_text(note, "note", 1000, required=False)
        self._transferred(actor=actor.as_data(), at=at, state=state, from_office=self.office,
                          to_office=to_office, note=note)

    @event("Transferred")
    def _transferred(self, actor: dict[str, str], at: datetime, state: str, from_office: str,
                     to_office: str, note: str) -> None:
        self.state = State(state)
        self.office = to_office

    def accept(self, *, actor: Actor, at: datetime, tz: tzinfo) -> None:
        state = self._decide("accept", actor)
        regulation = in_force(at.astimezone(tz).date())
        self._accepted(actor=actor.as_data(), at=at, state=state, regulation=regulation.id)

    @event("Accepted")
    def _accepted(self, actor: dict[str, str], at: datetime, state: str, regulation: str) -> None:
        self.state = State(state)
        self.mediation_regulation = regulation

    def reject(self, *, actor: Actor, at: datetime, reason: str, note: str = "") -> None:
        state = self._decide("reject", actor)
        reason_code = code(RejectReason, reason, "reason")
        governing = by_id(self.regulation)
        if reason_code not in governing.reject_reasons:
            raise InvalidValue("reason", f"not a ground for non-acceptance under {governing.title}")
        note = bounded_text(note, "note", 1000, required=False)
        self._rejected(actor=actor.as_data(), at=at, state=state, reason=reason_code.value, note=note)

    @event("Rejected")
    def _rejected(self, actor: dict[str, str], at: datetime, state: str, reason: str, note: str) -> None:
        self.state = State(state)
        self.closing_reason = reason

    def assign(self, *, actor: Actor, at: datetime, mediator: str) -> None:
        state = self._decide("assign", actor)
        mediator = bounded_text(mediator, "mediator", 64)
        self._mediator_assigned(actor=actor.as_data(), at=at, state=state, mediator=mediator)

    @event("MediatorAssigned")
    def _mediator_assigned(self, actor: dict[str, str], at: datetime, state: str, mediator: str) -> None:
        self.state = State(state)
        self.mediator = mediator

    def reassign(self, *, actor: Actor, at: datetime, mediator: str) -> None:
        state = self._decide("reassign", actor)
        mediator = bounded_text(mediator, "mediator", 64)
        if mediator == self.mediator:
            raise InvalidValue("mediator", "the case is already assigned to this mediator")
        self._mediator_reassigned(actor=actor.as_data(), at=at, state=state, mediator=mediator,
                                  previous=self.mediator)

    @event("MediatorReassigned")
    def _mediator_reassigned(self, actor: dict[str, str], at: datetime, state: str, mediator: str,
                             previous: str | None) -> None:
        self.state = State(state)
        self.mediator = mediator

    def add_note(self, *, actor: Actor, at: datetime, kind: str, text: str) -> None:
        state = self._decide("notes", actor)
        kind_code = code(NoteKind, kind, "kind")
        text = bounded_text(text, "text", 5000)
        self._note_added(actor=actor.as_data(), at=at, state=state, kind=kind_code.value, text=text)

    @event("NoteAdded")
    def _note_added(self, actor: dict[str, str], at: datetime, state: str, kind: str, text: str) -> None:
        self.state = State(state)
        self.notes_count += 1

    def suspend(self, *, actor: Actor, at: datetime, reason: str, note: str = "") -> None:
        state = self._decide("suspend", actor)
        reason_code = code(SuspendReason, reason, "reason")
        note = bounded_text(note, "note", 1000, required=False)
        self._clock_suspended(actor=actor.as_data(), at=at, state=state, reason=reason_code.value,
                              note=note)

    @event("ClockSuspended")
    def _clock_suspended(self, actor: dict[str, str], at: datetime, state: str, reason: str,
                         note: str) -> None:
        self.state = State(state)
        self.suspended = True

    def resume(self, *, actor: Actor, at: datetime) -> None:
        state = self._decide("resume", actor)
        self._clock_resumed(actor=actor.as_data(), at=at, state=state)

    @event("ClockResumed")
    def _clock_resumed(self, actor: dict[str, str], at: datetime, state: str) -> None:
        self.state = State(state)
        self.suspended = False

    def resolve(self, *, actor: Actor, at: datetime, outcome: str, amount_recovered: object,
                terms: str) -> None:
        state = self._decide("resolve", actor)
        outcome_code = code(Outcome, outcome, "outcome")
        amount = money(amount_recovered, "amount_recovered")
        terms = bounded_text(terms, "terms", 5000)
        self._resolved(actor=actor.as_data(), at=at, state=state, outcome=outcome_code.value,
                       amount_recovered=amount, terms=terms)

    @event("Resolved")
    def _resolved(self, actor: dict[str, str], at: datetime, state: str, outcome: str,
                  amount_recovered: Decimal, terms: str) -> None:
        self.state = State(state)
        self.suspended = False
        self.outcome = {"outcome": outcome, "amount_recovered": amount_recovered, "terms": terms}

    def terminate(self, *, actor: Actor, at: datetime, reason: str, note: str = "") -> None:
        state = self._decide("terminate", actor)
        reason_code = code(TerminateReason, reason, "reason")
        governing = by_id(self.mediation_regulation or self.regulation)
        if reason_code not in governing.terminate_reasons:
            raise InvalidValue("reason", f"not a ground for ending mediation under {governing.title}")
        note = bounded_text(note, "note", 1000, required=False)
        self._terminated(actor=actor.as_data(), at=at, state=state, reason=reason_code.value, note=note)

    @event("Terminated")
    def _terminated(self, actor: dict[str, str], at: datetime, state: str, reason: str, note: str) -> None:
        self.state = State(state)
        self.suspended = False
        self.closing_reason = reason

    def record_notice(self, *, actor: Actor, at: datetime, note: str = "") -> None:
        state = self._decide("notice", actor)
        note = bounded_text(note, "note", 1000, required=False)
        self._termination_notice_recorded(actor=actor.as_data(), at=at, state=state, note=note)

    @event("TerminationNoticeRecorded")
    def _termination_notice_recorded(self, actor: dict[str, str], at: datetime, state: str,
                                     note: str) -> None:
        self.state = State(state)
        self.notice_recorded = True

    def escalate(self, *, actor: Actor, at: datetime, forum: str, reason: str) -> None:
        state = self._decide("escalate", actor, reason=reason.strip() if isinstance(reason, str) else "")
        reason = bounded_text(reason, "reason", 1000)
        forum_code = code(Forum, forum, "forum")
        self._escalated(actor=actor.as_data(), at=at, state=state, forum=forum_code.value,
                        reason=reason, from_state=self.state.value)

    @event("Escalated")
    def _escalated(self, actor: dict[str, str], at: datetime, state: str, forum: str, reason: str,
                   from_state: str) -> None:
        self.state = State(state)
        self.suspended = False
        self.forum = forum

    def withdraw(self, *, actor: Actor, at: datetime, note: str = "") -> None:
        state = self._decide("withdraw", actor)
        note = bounded_text(note, "note", 1000, required=False)
        self._withdrawn(actor=actor.as_data(), at=at, state=state, note=note)

    @event("Withdrawn")
    def _withdrawn(self, actor: dict[str, str], at: datetime, state: str, note: str) -> None:
        self.state = State(state)
        self.suspended = False

    def record_satisfaction(self, *, actor: Actor, at: datetime, score: object, comment: str = "") -> None:
        state = self._decide("satisfaction", actor)
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise InvalidValue("score", "must be a whole number from 1 to 5")
        comment = bounded_text(comment, "comment", 1000, required=False)
        self._satisfaction_recorded(actor=actor.as_data(), at=at, state=state, score=score,
                                    comment=comment)

    @event("SatisfactionRecorded")
    def _satisfaction_recorded(self, actor: dict[str, str], at: datetime, state: str, score: int,
                               comment: str) -> None:
        self.state = State(state)
        self.satisfaction = score

    # ----- evidence files -----------------------------------------------------

    def add_attachment(self, *, actor: Actor, at: datetime, file: EvidenceFile) -> str:
        """Take an evidence file in any state: receipts and photos arrive when they do.
        Staff who may read the case add to it; a mediator only to their own case."""
        if actor.role not in (Role.OPERATOR, Role.SUPERVISOR, Role.MEDIATOR):
            raise NotPermitted("attach", f"the {actor.role.value} role may not add files")
        if actor.role is Role.MEDIATOR and self.mediator != actor.username:
            raise NotPermitted("attach", "only the mediator assigned to this case may do this")
        held = sum(a["size"] for a in self.attachments)
        if held + file.size > MAX_CASE_BYTES:
            raise FileTooLarge("file", MAX_CASE_BYTES, per_case=True)
        attachment_id = uuid4().hex
        self._attachment_added(actor=actor.as_data(), at=at, attachment_id=attachment_id,
                               sha256=file.sha256, filename=file.filename,
                               media_type=file.media_type, size=file.size)
        return attachment_id

    @event("AttachmentAdded")
    def _attachment_added(self, actor: dict[str, str], at: datetime, attachment_id: str,
                          sha256: str, filename: str, media_type: str, size: int) -> None:
        self.attachments = [*getattr(self, "attachments", []), {
            "id": attachment_id, "sha256": sha256, "filename": filename,
            "media_type": media_type, "size": size, "at": at, "by": actor}]


# The command names of the lifecycle table, mapped to the aggregate's methods.
COMMAND_METHODS: dict[str, str] = {
    "transfer": "transfer",
    "accept": "accept",
    "reject": "reject",
    "assign": "assign",
    "reassign": "reassign",
    "notes": "add_note",
    "suspend": "suspend",
    "resume": "resume",
    "resolve": "resolve",
    "terminate": "terminate",
    "notice": "record_notice",
    "escalate": "escalate",
    "withdraw": "withdraw",
    "satisfaction": "record_satisfaction",
}
