"""The Complaint aggregate: public methods decide, private `@event` methods only record.

eventsourcing runs the body of each `_recorded` method again whenever a complaint
is loaded, so those bodies only assign: they never ask the lifecycle table, read a
clock or validate. Each event stores the state it moved to, so old histories replay
exactly even after the rules change. Values in events are plain (codes as strings,
money as Decimal, moments as datetimes) so stored history never depends on class names.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from decimal import Decimal
from typing import Any
from uuid import UUID, NAMESPACE_URL, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain import lifecycle, parties
from domain.case_numbers import legacy_number
from domain.errors import (
    CommandNotAllowed, ErasureRefused, IdentityCheckRunning, InvalidValue,
    MediationPeriodRunning, NotPermitted,
)
from domain.identifiers import business_key
from domain.evidence import MAX_CASE_BYTES, EvidenceFile, FileTooLarge
from domain.intake import Intake, bounded_text, code, money, office_code
from domain.offices import Offices
from domain.organisations import organisation_code
from domain.permissions import Actor, check_permitted, role_may_ever
from domain.personal_data import ERASED, erased_copy
from domain.regulation import Regulation, by_id, in_force
from domain.vocabulary import (
    TERMINAL_STATES,
    AgreementRecord,
    ErasureBasis,
    Forum,
    MediationMode,
    NoteKind,
    NotifyChannel,
    Outcome,
    RecusalBy,
    RejectReason,
    Role,
    SatisfactionLevel,
    State,
    SuspendReason,
    TerminateReason,
    WithdrawKind,
    level_of_score,
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
        complaint_id: UUID | None = None,
    ) -> Complaint:
        """`complaint_id` is for a case that already has an identity elsewhere (a
        national platform case number), so storing it twice collides."""
        check_permitted(None, "file", actor)
        regulation = in_force(intake.received_at.astimezone(tz).date())
        consumer, business = intake.consumer, intake.business
        return cls._create(
            cls.Filed,
            id=complaint_id or complaint_id_for(idempotency_key, actor.username),
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
            proxy=intake.proxy.as_data() if intake.proxy else None,
            joint=intake.joint.as_data() if intake.joint else None,
        )

    class Filed(Aggregate.Created):
        # v2 added `external_ref`, the case number on the national 12315 platform when a
        # complaint arrives from there. Histories stored as v1 are upcast on load.
        # v3 added `number`, the case number read out on the phone (domain/case_numbers.py).
        # v4 added `proxy` (Order 121 Art. 11) and `joint` (Art. 12), see domain/parties.py.
        class_version = 4

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
        proxy: dict[str, Any] | None
        joint: dict[str, Any] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["external_ref"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            # Filed before numbering: a number derived from what was stored, stable on every load.
            state["number"] = legacy_number(state["office"], state["received_at"],
                                            state["originator_id"])

        @staticmethod
        def upcast_v3_v4(state: dict[str, Any]) -> None:
            state["proxy"] = None
            state["joint"] = None

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
        proxy: dict[str, Any] | None = None,
        joint: dict[str, Any] | None = None,
    ) -> None:
        self.state = State.FILED
        self.proxy = proxy
        self.joint = joint
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
        self.recusal_pending = False
        self.decision_notified: bool | None = None
        self.notice_due = False
        self.notice_recorded = False
        self.satisfaction: int | None = None
        self.satisfaction_level: str | None = None
        self.outcome: dict[str, Any] | None = None
        self.closing_reason: str | None = None
        self.withdraw_kind: str | None = None
        self.forum: str | None = None
        self.dispatched_from: str | None = None
        self.notes_count = 0
        self.sessions = 0
        self.attachments: list[dict[str, Any]] = []
        self.documents: dict[str, dict[str, Any]] = {}

    # Whether the complaint sits at the intake centre is the directory's answer, not the
    # history's: `locate` asks it after loading, and before any move between offices.
    at_intake = False

    def locate(self, offices: Offices) -> Complaint:
        self.at_intake = offices.is_intake(self.office)
        return self

    @property
    def rated(self) -> bool:
        return self.satisfaction_level is not None

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

    @property
    def receipt_text(self) -> Regulation:
        """The text that governs acceptance and its grounds: the one in force at receipt."""
        return by_id(self.regulation)

    @property
    def mediation_text(self) -> Regulation:
        """The text that governs mediation and its grounds: the one in force at acceptance."""
        return by_id(self.mediation_regulation or self.regulation)

    @staticmethod
    def _ground(enum: Any, raw: object, field: str, text: Regulation, offered: frozenset[Any],
                what: str) -> Any:
        value = code(enum, raw, field)
        if value not in offered:
            listed = ", ".join(sorted(v.value for v in offered))
            raise InvalidValue(field, f"'{value.value}' is not {what} under {text.title}; "
                                      f"the grounds there are: {listed}")
        return value

    # ----- intake: where the complaint is handled -----------------------------

    def transfer(self, *, actor: Actor, at: datetime, to_office: str, offices: Offices,
                 note: str = "") -> None:
        self.locate(offices)
        state = self._decide("transfer", actor, by_supervisor=actor.role is Role.SUPERVISOR)
        to_office = office_code(to_office, "to_office")
        if to_office not in offices:
            raise InvalidValue("to_office", "not a known office")
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
        self.dispatched_from = from_office

    def return_to_intake(self, *, actor: Actor, at: datetime, reason: str,
                         offices: Offices) -> None:
        self.locate(offices)
        state = self._decide("return-to-intake", actor)
        reason = bounded_text(reason, "reason", 1000)
        to_office = offices.intake_for(self.office, dispatched_from=self.dispatched_from)
        if to_office is None:
            raise InvalidValue("office", "no intake centre is known for this office")
        self._returned_to_intake(actor=actor.as_data(), at=at, state=state,
                                 from_office=self.office, to_office=to_office, reason=reason)

    @event("ReturnedToIntake")
    def _returned_to_intake(self, actor: dict[str, str], at: datetime, state: str,
                            from_office: str, to_office: str, reason: str) -> None:
        self.state = State(state)
        self.office = to_office
        self.dispatched_from = None

    # ----- the decision on acceptance -----------------------------------------

    def accept(self, *, actor: Actor, at: datetime, tz: tzinfo,
               notified_via: str | None = None) -> None:
        state = self._decide("accept", actor)
        regulation = in_force(at.astimezone(tz).date())
        channel = _channel(notified_via, "notified_via")
        self._accepted(actor=actor.as_data(), at=at, state=state, regulation=regulation.id,
                       notified_via=channel)

    class Accepted(Aggregate.Event):
        # v2 added `notified_via`: how the complainant was told, when told with the decision.
        class_version = 2

        actor: dict[str, str]
        at: datetime
        state: str
        regulation: str
        notified_via: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["notified_via"] = None

    @event(Accepted)
    def _accepted(self, actor: dict[str, str], at: datetime, state: str, regulation: str,
                  notified_via: str | None) -> None:
        self.state = State(state)
        self.mediation_regulation = regulation
        self.decision_notified = notified_via is not None

    def reject(self, *, actor: Actor, at: datetime, reason: str, note: str = "",
               notified_via: str | None = None, impersonation: bool = False) -> None:
        """`impersonation`: the complainant used another's name (Order 121 Art. 16(六)),
        a ground for `identity_unverified` without any request; the note says how it
        was found."""
        if impersonation is not False and (impersonation is not True
                                           or not isinstance(note, str) or not note.strip()):
            raise InvalidValue("note", "say how the impersonation was found")
        try:
            state = self._decide("reject", actor, at=at, impersonation=impersonation,
                                 reason=reason if isinstance(reason, str) else "")
        except CommandNotAllowed as refused:
            if reason == RejectReason.IDENTITY_UNVERIFIED.value and "reject" in refused.allowed:
                # A text without the ground says so first (422), then the request (409).
                self._ground(RejectReason, reason, "reason", self.receipt_text,
                             self.receipt_text.reject_reasons, "a ground for non-acceptance")
                raise IdentityCheckRunning(self.state.value, date.fromisoformat(self.identity_due)
                                           if self.identity_due else None) from None
            raise
        text = self.receipt_text
        reason_code = self._ground(RejectReason, reason, "reason", text, text.reject_reasons,
                                   "a ground for non-acceptance")
        note = bounded_text(note, "note", 1000, required=False)
        channel = _channel(notified_via, "notified_via")
        self._rejected(actor=actor.as_data(), at=at, state=state, reason=reason_code.value,
                       note=note, notified_via=channel)

    class Rejected(Aggregate.Event):
        # v2 added `notified_via`, as for Accepted.
        class_version = 2

        actor: dict[str, str]
        at: datetime
        state: str
        reason: str
        note: str
        notified_via: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["notified_via"] = None

    @event(Rejected)
    def _rejected(self, actor: dict[str, str], at: datetime, state: str, reason: str, note: str,
                  notified_via: str | None) -> None:
        self.state = State(state)
        self.closing_reason = reason
        self.decision_notified = notified_via is not None

    def notify(self, *, actor: Actor, at: datetime, channel: str, note: str = "") -> None:
        """The complainant was told of the decision (Order 121 Art. 15), and how."""
        state = self._decide("notify", actor)
        channel_code = _channel(channel, "channel", required=True)
        note = bounded_text(note, "note", 1000, required=False)
        self._decision_notified(actor=actor.as_data(), at=at, state=state, channel=channel_code,
                                note=note)

    @event("DecisionNotified")
    def _decision_notified(self, actor: dict[str, str], at: datetime, state: str, channel: str,
                           note: str) -> None:
        self.state = State(state)
        self.decision_notified = True

    # ----- mediation ----------------------------------------------------------

    def assign(self, *, actor: Actor, at: datetime, mediator: str,
               mediator_organisation: str | None = None) -> None:
        state = self._decide("assign", actor)
        mediator = bounded_text(mediator, "mediator", 64)
        self._check_mediator_side(mediator_organisation)
        self._mediator_assigned(actor=actor.as_data(), at=at, state=state, mediator=mediator)

    @event("MediatorAssigned")
    def _mediator_assigned(self, actor: dict[str, str], at: datetime, state: str, mediator: str) -> None:
        self.state = State(state)
        self.mediator = mediator

    def reassign(self, *, actor: Actor, at: datetime, mediator: str,
                 mediator_organisation: str | None = None) -> None:
        state = self._decide("reassign", actor)
        mediator = bounded_text(mediator, "mediator", 64)
        self._check_mediator_side(mediator_organisation)
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
        # The mediation record counts the sessions held (Order 121 Art. 24).
        self.sessions += kind == "session"

    def suspend(self, *, actor: Actor, at: datetime, reason: str, note: str = "",
                body: str | None = None, designated: bool | None = None) -> None:
        state = self._decide("suspend", actor)
        text = self.mediation_text
        reason_code = self._ground(SuspendReason, reason, "reason", text, text.suspend_reasons,
                                   "a ground for suspending the mediation period")
        note = bounded_text(note, "note", 1000, required=False)
        body = bounded_text(body, "body", 200, required=False) or None
        if designated is not None and not isinstance(designated, bool):
            raise InvalidValue("designated", "must be true or false")
        self._clock_suspended(actor=actor.as_data(), at=at, state=state, reason=reason_code.value,
                              note=note, body=body, designated=designated)

    class ClockSuspended(Aggregate.Event):
        # v2 added the testing or appraisal `body`, and `designated` (Order 121 Art. 22:
        # the office chose it because the parties could not agree).
        class_version = 2

        actor: dict[str, str]
        at: datetime
        state: str
        reason: str
        note: str
        body: str | None
        designated: bool | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["body"] = None
            state["designated"] = None

    @event(ClockSuspended)
    def _clock_suspended(self, actor: dict[str, str], at: datetime, state: str, reason: str,
                         note: str, body: str | None, designated: bool | None) -> None:
        self.state = State(state)
        self.suspended = True

    def resume(self, *, actor: Actor, at: datetime) -> None:
        state = self._decide("resume", actor)
        self._clock_resumed(actor=actor.as_data(), at=at, state=state)

    @event("ClockResumed")
    def _clock_resumed(self, actor: dict[str, str], at: datetime, state: str) -> None:
        self.state = State(state)
        self.suspended = False

    def request_recusal(self, *, actor: Actor, at: datetime, by: str, reason: str) -> None:
        """A party asks the mediator to step aside: mediation is suspended (Art. 21)."""
        state = self._decide("recusal-request", actor)
        by_code = code(RecusalBy, by, "by")
        reason = bounded_text(reason, "reason", 1000)
        self._recusal_requested(actor=actor.as_data(), at=at, state=state, by=by_code.value,
                                reason=reason, mediator=self.mediator)

    @event("RecusalRequested")
    def _recusal_requested(self, actor: dict[str, str], at: datetime, state: str, by: str,
                           reason: str, mediator: str | None) -> None:
        self.state = State(state)
        self.recusal_pending = True

    def decide_recusal(self, *, actor: Actor, at: datetime, upheld: object,
                       mediator: str | None = None, note: str = "",
                       mediator_organisation: str | None = None) -> None:
        state = self._decide("recusal-decision", actor)
        if not isinstance(upheld, bool):
            raise InvalidValue("upheld", "must be true or false")
        new_mediator: str | None = None
        if upheld:
            new_mediator = bounded_text(mediator, "mediator", 64)
            if new_mediator == self.mediator:
                raise InvalidValue("mediator", "the challenged mediator cannot go on with the case")
            self._check_mediator_side(mediator_organisation)
        elif mediator:
            raise InvalidValue("mediator", "only an upheld request names a new mediator")
        note = bounded_text(note, "note", 1000, required=False)
        self._recusal_decided(actor=actor.as_data(), at=at, state=state, upheld=upheld,
                              mediator=new_mediator, previous=self.mediator, note=note,
                              suspended=self.suspended)

    @event("RecusalDecided")
    def _recusal_decided(self, actor: dict[str, str], at: datetime, state: str, upheld: bool,
                         mediator: str | None, previous: str | None, note: str,
                         suspended: bool) -> None:
        # `suspended`: a testing suspension begun before the request still holds the clock.
        self.state = State(state)
        self.recusal_pending = False
        if mediator:
            self.mediator = mediator

    # ----- closing ------------------------------------------------------------

    def resolve(self, *, actor: Actor, at: datetime, outcome: str, amount_recovered: object,
                terms: str, mode: str | None = None, record: str | None = None) -> None:
        state = self._decide("resolve", actor)
        outcome_code = code(Outcome, outcome, "outcome")
        amount = money(amount_recovered, "amount_recovered")
        terms = bounded_text(terms, "terms", 5000)
        mode_code = code(MediationMode, mode or MediationMode.REMOTE.value, "mode")
        record_code = code(AgreementRecord, record, "record") if record is not None else None
        if mode_code is MediationMode.ON_SITE and record_code is None:
            # Art. 24: an on-site agreement becomes a 调解书 unless performed at once or
            # both parties decline one; which of the three must be said.
            raise InvalidValue("record", "an on-site agreement must say: agreement_document, "
                                         "performed_immediately or parties_declined")
        self._resolved(actor=actor.as_data(), at=at, state=state, outcome=outcome_code.value,
                       amount_recovered=amount, terms=terms, mode=mode_code.value,
                       record=record_code.value if record_code else None)

    class Resolved(Aggregate.Event):
        # v2 added `mode` (on site or remote) and `record` (Order 121 Art. 20, 24). Older
        # agreements were remote in the desk's records, with no 调解书 recorded.
        class_version = 2

        actor: dict[str, str]
        at: datetime
        state: str
        outcome: str
        amount_recovered: Decimal
        terms: str
        mode: str
        record: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["mode"] = MediationMode.REMOTE.value
            state["record"] = None

    @event(Resolved)
    def _resolved(self, actor: dict[str, str], at: datetime, state: str, outcome: str,
                  amount_recovered: Decimal, terms: str, mode: str, record: str | None) -> None:
        self.state = State(state)
        self.suspended = False
        self.outcome = {"outcome": outcome, "amount_recovered": amount_recovered, "terms": terms,
                        "mode": mode, "record": record}

    def terminate(self, *, actor: Actor, at: datetime, reason: str, note: str = "",
                  period_over: bool = False, period_due: datetime | None = None) -> None:
        """End mediation. `period_over` says whether the mediation period has run out at
        `at` (the application works it out from the clocks), because "no agreement in
        time" is no ground while the period runs."""
        text = self.mediation_text
        reason_code = self._ground(TerminateReason, reason, "reason", text,
                                   text.terminate_reasons, "a ground for ending mediation")
        try:
            state = self._decide("terminate", actor, reason=reason_code.value,
                                 period_over=period_over)
        except CommandNotAllowed as refused:
            if reason_code is TerminateReason.NO_AGREEMENT_IN_TIME and "terminate" in refused.allowed:
                raise MediationPeriodRunning(self.state.value, period_due) from None
            raise
        note = bounded_text(note, "note", 1000, required=False)
        self._terminated(actor=actor.as_data(), at=at, state=state, reason=reason_code.value, note=note)

    @event("Terminated")
    def _terminated(self, actor: dict[str, str], at: datetime, state: str, reason: str, note: str) -> None:
        self.state = State(state)
        self.suspended = False
        self.recusal_pending = False
        self.closing_reason = reason
        self.notice_due = True

    def record_notice(self, *, actor: Actor, at: datetime, note: str = "") -> None:
        state = self._decide("notice", actor)
        note = bounded_text(note, "note", 1000, required=False)
        self._termination_notice_recorded(actor=actor.as_data(), at=at, state=state, note=note)

    @event("TerminationNoticeRecorded")
    def _termination_notice_recorded(self, actor: dict[str, str], at: datetime, state: str,
                                     note: str) -> None:
        self.state = State(state)
        self.notice_recorded = True
        self.notice_due = False

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
        self.recusal_pending = False
        self.notice_due = False
        self.forum = forum

    def withdraw(self, *, actor: Actor, at: datetime, note: str = "",
                 kind: str | None = None) -> None:
        state = self._decide("withdraw", actor)
        kind_code = code(WithdrawKind, kind or WithdrawKind.WITHDRAWN.value, "kind")
        note = bounded_text(note, "note", 1000, required=False)
        self._withdrawn(actor=actor.as_data(), at=at, state=state, note=note, kind=kind_code.value)

    class Withdrawn(Aggregate.Event):
        # v2 added `kind`: withdrawn, or settled privately (Order 121 Art. 23(一)).
        class_version = 2

        actor: dict[str, str]
        at: datetime
        state: str
        note: str
        kind: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["kind"] = WithdrawKind.WITHDRAWN.value

    @event(Withdrawn)
    def _withdrawn(self, actor: dict[str, str], at: datetime, state: str, note: str,
                   kind: str) -> None:
        # After acceptance a withdrawal ends mediation, and both parties are told of it.
        self.notice_due = self.mediation_regulation is not None
        self.state = State(state)
        self.suspended = False
        self.recusal_pending = False
        self.withdraw_kind = kind

    # ----- statutory documents (SPEC §12) ---------------------------------------

    def issue_document(self, *, actor: Actor, at: datetime, kind: str, document_id: str,
                       number: str, template: str, sha256: str) -> None:
        """Record a document rendered from this case as it stands now; the PDF itself is
        never stored: the same event renders the same bytes, proven by `sha256`."""
        check_permitted(self, "documents", actor)
        self._document_issued(actor=actor.as_data(), at=at, state=self.state.value, kind=kind,
                              document_id=document_id, number=number, template=template,
                              sha256=sha256)

    @event("DocumentIssued")
    def _document_issued(self, actor: dict[str, str], at: datetime, state: str, kind: str,
                         document_id: str, number: str, template: str, sha256: str) -> None:
        self.documents = {**self.documents, kind: {
            "id": document_id, "kind": kind, "number": number, "template": template,
            "sha256": sha256, "issued_at": at}}

    def record_satisfaction(self, *, actor: Actor, at: datetime, score: object = None,
                            level: object = None, comment: str = "") -> None:
        state = self._decide("satisfaction", actor)
        if score is not None and (isinstance(score, bool) or not isinstance(score, int)
                                  or not 1 <= score <= 5):
            raise InvalidValue("score", "must be a whole number from 1 to 5")
        if level is None and score is None:
            raise InvalidValue("level", "is required: satisfied, basically_satisfied or "
                                        "dissatisfied (or a score from 1 to 5)")
        level_code = (code(SatisfactionLevel, level, "level") if level is not None
                      else level_of_score(score))  # type: ignore[arg-type]
        if score is not None and level_of_score(score) is not level_code:
            raise InvalidValue("level", f"a score of {score} is {level_of_score(score).value}")
        comment = bounded_text(comment, "comment", 1000, required=False)
        self._satisfaction_recorded(actor=actor.as_data(), at=at, state=state, score=score,
                                    level=level_code.value, comment=comment)

    class SatisfactionRecorded(Aggregate.Event):
        # v2 added `level`, the 12315 scale; `score` (1-5) is kept when one was given.
        class_version = 2

        actor: dict[str, str]
        at: datetime
        state: str
        score: int | None
        level: str
        comment: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["level"] = level_of_score(state["score"]).value

    @event(SatisfactionRecorded)
    def _satisfaction_recorded(self, actor: dict[str, str], at: datetime, state: str,
                               score: int | None, level: str, comment: str) -> None:
        self.state = State(state)
        self.satisfaction = score
        self.satisfaction_level = level

    # ----- retention and erasure (PIPL Art. 19, 47) -------------------------------
    # Outside the lifecycle table: they change no state of the procedure. The legal
    # record (events, states, deadlines) stays; only the personal data goes.

    on_legal_hold = False
    personal_data_erased = False

    def place_legal_hold(self, *, actor: Actor, at: datetime, reference: str) -> None:
        check_permitted(self, "hold", actor)
        if self.on_legal_hold:
            raise ErasureRefused("hold", "the complaint is already on legal hold")
        reference = bounded_text(reference, "reference", 200)
        self._legal_hold_placed(actor=actor.as_data(), at=at, reference=reference)

    @event("LegalHoldPlaced")
    def _legal_hold_placed(self, actor: dict[str, str], at: datetime, reference: str) -> None:
        self.on_legal_hold = True

    def release_legal_hold(self, *, actor: Actor, at: datetime, reference: str) -> None:
        check_permitted(self, "hold", actor)
        if not self.on_legal_hold:
            raise ErasureRefused("release-hold", "the complaint is not on legal hold")
        reference = bounded_text(reference, "reference", 200)
        self._legal_hold_released(actor=actor.as_data(), at=at, reference=reference)

    @event("LegalHoldReleased")
    def _legal_hold_released(self, actor: dict[str, str], at: datetime, reference: str) -> None:
        self.on_legal_hold = False

    def erase_personal_data(self, *, actor: Actor, at: datetime, basis: str,
                            reference: str = "") -> None:
        """Record the erasure; the application then destroys the complaint's data key."""
        check_permitted(self, "erase", actor)
        basis_code = code(ErasureBasis, basis, "basis")
        if self.state not in TERMINAL_STATES:
            raise ErasureRefused("erase", f"the complaint is still open ({self.state.value})")
        if self.on_legal_hold:
            raise ErasureRefused("erase", "the complaint is on legal hold")
        if self.personal_data_erased:
            raise ErasureRefused("erase", "its personal data is already erased")
        reference = bounded_text(reference, "reference", 200, required=False)
        self._personal_data_erased(actor=actor.as_data(), at=at, basis=basis_code.value,
                                   reference=reference)

    @event("PersonalDataErased")
    def _personal_data_erased(self, actor: dict[str, str], at: datetime, basis: str,
                              reference: str) -> None:
        self.personal_data_erased = True
        self.consumer = {name: ERASED if value else value for name, value in self.consumer.items()}
        self.description = ERASED
        self.request = ERASED
        if self.outcome:
            self.outcome = {**self.outcome, "terms": ERASED}
        self.proxy = erased_copy(self.proxy)
        self.joint = erased_copy(self.joint)

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

    # ----- reports linked to this complaint (SPEC §13) ----------------------------
    # Outside the lifecycle table: they move nothing in the complaint's procedure.

    linked_reports: tuple[str, ...] = ()

    def record_clue(self, *, actor: Actor, at: datetime, report_id: UUID, text: str) -> None:
        """A violation clue found in mediation (Order 121 Art. 27); the report it makes
        carries its own clock."""
        check_permitted(self, "clue", actor)
        text = bounded_text(text, "text", 5000)
        self._clue_recorded(actor=actor.as_data(), at=at, report_id=str(report_id), text=text)

    @event("ClueRecorded")
    def _clue_recorded(self, actor: dict[str, str], at: datetime, report_id: str,
                       text: str) -> None:
        self.linked_reports = (*self.linked_reports, report_id)

    def link_report(self, *, actor: Actor, at: datetime, report_id: UUID) -> None:
        """The report part of the same submission (Order 121 Art. 9), handled apart."""
        self._report_linked(actor=actor.as_data(), at=at, report_id=str(report_id))

    @event("ReportLinked")
    def _report_linked(self, actor: dict[str, str], at: datetime, report_id: str) -> None:
        self.linked_reports = (*self.linked_reports, report_id)
    # ----- parties and identity (Order 121 Art. 10-12, 16(六); domain/parties.py) -----

    # Class defaults, unannotated so that they stay out of the aggregate's dataclass
    # fields; each event replaces them, never mutates them.
    proxy = None
    joint = None
    consents = MappingProxyType({})  # matter -> the represented consumers who agreed to it
    identity_due = None
    identity_due_at = None
    identity_verified = False

    @property
    def materials_complete(self) -> bool:
        return parties.authorised(self.proxy, self.received_at.date())

    @property
    def consents_missing(self) -> frozenset[str]:
        return parties.consents_missing(self.joint, self.consents)

    @property
    def identity_open(self) -> bool:
        return self.identity_due_at is not None and not self.identity_verified

    def request_identity(self, *, actor: Actor, at: datetime, tz: tzinfo, due: object,
                         note: str = "") -> None:
        """Ask for proof of identity by a day (Art. 10); once that day has passed
        without it, the complaint may be rejected `identity_unverified` (Art. 16(六))."""
        state = self._decide("request-identity", actor)
        day = identity_due_day(due, today=at.astimezone(tz).date())
        note = bounded_text(note, "note", 1000, required=False)
        due_at = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        self._identity_requested(actor=actor.as_data(), at=at, state=state,
                                 due=day.isoformat(), due_at=due_at, note=note)

    @event("IdentityRequested")
    def _identity_requested(self, actor: dict[str, str], at: datetime, state: str, due: str,
                            due_at: datetime, note: str) -> None:
        self.state = State(state)
        self.identity_due = due
        self.identity_due_at = due_at
        self.identity_verified = False

    def verify_identity(self, *, actor: Actor, at: datetime, note: str = "") -> None:
        state = self._decide("identity-verified", actor)
        note = bounded_text(note, "note", 1000, required=False)
        self._identity_verified(actor=actor.as_data(), at=at, state=state, note=note)

    @event("IdentityVerified")
    def _identity_verified(self, actor: dict[str, str], at: datetime, state: str,
                           note: str) -> None:
        self.state = State(state)
        self.identity_verified = True

    def record_consent(self, *, actor: Actor, at: datetime, consumer: object, matter: str,
                       note: str = "") -> None:
        """A represented consumer of a joint case agrees to what the representatives
        would do (Art. 12); recorded before the command it allows."""
        state = self._decide("consent", actor)
        matter_code = code(parties.ConsentMatter, matter, "matter")
        if isinstance(consumer, bool) or not isinstance(consumer, int) \
                or consumer not in parties.represented(self.joint):
            listed = ", ".join(map(str, parties.represented(self.joint)))
            raise InvalidValue("consumer", f"the number of a represented consumer: {listed}")
        if consumer in self.consents.get(matter_code.value, frozenset()):
            raise InvalidValue("consumer", f"consumer {consumer} has already consented to "
                                           f"{matter_code.value}")
        note = bounded_text(note, "note", 1000, required=False)
        self._consent_recorded(actor=actor.as_data(), at=at, state=state, consumer=consumer,
                               matter=matter_code.value, note=note)

    @event("ConsentRecorded")
    def _consent_recorded(self, actor: dict[str, str], at: datetime, state: str, consumer: int,
                          matter: str, note: str) -> None:
        self.state = State(state)
        given = self.consents.get(matter, frozenset())
        self.consents = {**self.consents, matter: given | {consumer}}

    def change_request(self, *, actor: Actor, at: datetime, request: str) -> None:
        state = self._decide("change-request", actor)
        request = bounded_text(request, "request", 1000)
        self._request_changed(actor=actor.as_data(), at=at, state=state, request=request)

    @event("RequestChanged")
    def _request_changed(self, actor: dict[str, str], at: datetime, state: str,
                         request: str) -> None:
        self.state = State(state)
        self.request = request
        # A consent covers the change it was given for, not the next one.
        self.consents = {**self.consents, parties.ConsentMatter.CHANGE.value: frozenset()}

    # ----- entrusted mediation (Order 121 Art. 19; domain/organisations.py) -----------

    organisation = None  # the organisation the case is entrusted to

    def entrust(self, *, actor: Actor, at: datetime, organisation: str,
                consumer_consent: object, business_consent: object) -> None:
        """With both parties' consent, an office entrusts an accepted case to a consumer
        association or other mediation body, which mediates in the office's name."""
        state = self._decide("entrust", actor)
        organisation = organisation_code(organisation)
        for field, given in (("consumer_consent", consumer_consent),
                             ("business_consent", business_consent)):
            if given is not True:
                raise InvalidValue(field, "both parties must consent to entrusted mediation")
        self._entrusted(actor=actor.as_data(), at=at, state=state, organisation=organisation,
                        consumer_consent=True, business_consent=True)

    @event("Entrusted")
    def _entrusted(self, actor: dict[str, str], at: datetime, state: str, organisation: str,
                   consumer_consent: bool, business_consent: bool) -> None:
        self.state = State(state)
        self.organisation = organisation

    def _check_mediator_side(self, mediator_organisation: str | None) -> None:
        # An entrusted case goes to one of the organisation's mediators, and no other
        # case ever does (Art. 19: the organisation mediates only what was entrusted).
        if (mediator_organisation or None) != self.organisation:
            raise InvalidValue("mediator", "an entrusted case needs a mediator of "
                               f"{self.organisation}" if self.organisation else
                               "a mediator of an organisation works only entrusted cases")


    # ----- online pre-settlement by an ODR business (SPEC §14; Order 121 Art. 6) ----
    # Histories from before ODR never carry these events: the defaults stand for them.

    odr_reply: bool | None = None
    odr_answer: dict[str, Any] | None = None

    def forward(self, *, actor: Actor, at: datetime, consent: object, note: str = "") -> None:
        """Send a filed complaint to its ODR business; the application has checked the
        business is on the register when `at` falls."""
        state = self._decide("forward", actor, consent=consent)
        note = bounded_text(note, "note", 1000, required=False)
        self._forwarded(actor=actor.as_data(), at=at, state=state, consent=True, note=note,
                        business_key=business_key(self.business["name"],
                                                  self.business.get("uscc")))

    @event("Forwarded")
    def _forwarded(self, actor: dict[str, str], at: datetime, state: str, consent: bool,
                   note: str, business_key: str) -> None:
        self.state = State(state)
        self.odr_reply = None
        self.odr_answer = None

    def business_reply(self, *, actor: Actor, at: datetime, settled: object, terms: str,
                       amount: object) -> None:
        state = self._decide("business-reply", actor)
        if not isinstance(settled, bool):
            raise InvalidValue("settled", "must be true or false")
        terms = bounded_text(terms, "terms", 5000)
        sum_ = money(amount, "amount")
        self._business_replied(actor=actor.as_data(), at=at, state=state, settled=settled,
                               terms=terms, amount=sum_)

    @event("BusinessReplied")
    def _business_replied(self, actor: dict[str, str], at: datetime, state: str,
                          settled: bool, terms: str, amount: Decimal) -> None:
        self.state = State(state)
        self.odr_reply = settled
        self.odr_answer = {"settled": settled, "terms": terms, "amount": amount, "at": at}

    def confirm_settlement(self, *, actor: Actor, at: datetime, note: str = "") -> None:
        """The consumer confirmed the business's settlement: resolved before any decision."""
        state = self._decide("confirm-settlement", actor)
        note = bounded_text(note, "note", 1000, required=False)
        self._settlement_confirmed(actor=actor.as_data(), at=at, state=state, note=note)

    @event("SettlementConfirmed")
    def _settlement_confirmed(self, actor: dict[str, str], at: datetime, state: str,
                              note: str) -> None:
        self.state = State(state)
        answer = self.odr_answer or {}
        self.outcome = {"outcome": "settled_by_business",
                        "amount_recovered": answer.get("amount", Decimal("0")),
                        "terms": answer.get("terms", ""), "mode": "online", "record": None}

    def return_from_negotiation(self, *, actor: Actor, at: datetime, note: str = "",
                                lapsed: bool = False) -> None:
        """Back to `filed` for the office's decision, with a fresh acceptance clock;
        `lapsed` when the ODR window ran out without an answer."""
        state = self._decide("return", actor)
        note = bounded_text(note, "note", 1000, required=False)
        self._returned_from_negotiation(actor=actor.as_data(), at=at, state=state, note=note,
                                        lapsed=lapsed)

    @event("ReturnedFromNegotiation")
    def _returned_from_negotiation(self, actor: dict[str, str], at: datetime, state: str,
                                   note: str, lapsed: bool) -> None:
        self.state = State(state)
        self.odr_reply = None

def identity_due_day(raw: object, *, today: date) -> date:
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw)
        except ValueError:
            raise InvalidValue("due", "must be an ISO 8601 date (YYYY-MM-DD)") from None
    if not isinstance(raw, date) or isinstance(raw, datetime):
        raise InvalidValue("due", "the last day to provide proof of identity is required")
    if raw < today:
        raise InvalidValue("due", "must not be in the past")
    if raw > today + timedelta(days=MAX_IDENTITY_DAYS):
        raise InvalidValue("due", f"at most {MAX_IDENTITY_DAYS} days ahead")
    return raw


# The acceptance decision is due within 7 working days; a longer wait for proof of
# identity would only ever run past it.
MAX_IDENTITY_DAYS = 30


def _channel(raw: object, field: str, *, required: bool = False) -> str | None:
    if raw is None or raw == "":
        if required:
            raise InvalidValue(field, "is required")
        return None
    return code(NotifyChannel, raw, field).value


# The command names of the lifecycle table, mapped to the aggregate's methods.
COMMAND_METHODS: dict[str, str] = {
    "transfer": "transfer",
    "return-to-intake": "return_to_intake",
    "accept": "accept",
    "reject": "reject",
    "notify": "notify",
    "recusal-request": "request_recusal",
    "recusal-decision": "decide_recusal",
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
    "request-identity": "request_identity",
    "identity-verified": "verify_identity",
    "consent": "record_consent",
    "change-request": "change_request",
    "entrust": "entrust",
    "forward": "forward",
    "business-reply": "business_reply",
    "confirm-settlement": "confirm_settlement",
    "return": "return_from_negotiation",
}
