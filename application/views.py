"""Plain answers to queries: frozen dataclasses, never the aggregate itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.clocks import CaseClocks, ClockName
from domain.complaint import Complaint
from domain.identifiers import business_key
from domain.offices import Offices


@dataclass(frozen=True)
class ComplaintDetails:
    id: UUID
    version: int
    state: str
    channel: str
    received_at: datetime
    office: str
    mediator: str | None
    consumer: dict[str, Any]
    business: dict[str, Any]
    category: str
    industry: str
    incident_date: str | None
    amount: Decimal
    description: str
    request: str
    regulation: str
    external_ref: str | None
    mediation_regulation: str | None
    suspended: bool
    notice_recorded: bool
    satisfaction: int | None
    outcome: dict[str, Any] | None
    closing_reason: str | None
    forum: str | None
    filed_at: datetime
    updated_at: datetime
    allowed_actions: list[str] = field(default_factory=list)
    number: str | None = None  # the case number read out on the phone
    attachments: list[dict[str, Any]] = field(default_factory=list)  # evidence files, in order
    acceptance_due: date | None = None  # the latest acceptance clock (a transfer restarts it)
    mediation_due: date | None = None  # None until accepted
    deadlines_provisional: bool = False  # counted across a year with no confirmed schedule
    office_name: str = ""
    recusal_pending: bool = False
    decision_notified: bool | None = None  # None before a decision
    decision_notice_due: date | None = None  # while the complainant is still to be told
    notice_due: date | None = None  # the termination notice, while it is still to be given
    withdraw_kind: str | None = None
    satisfaction_level: str | None = None
    on_legal_hold: bool = False
    personal_data_erased: bool = False  # names, phones, free text show as 已删除
    reports: list[str] = field(default_factory=list)  # split off or found in mediation (§13)
    # Order 121 Art. 10-12: the proxy (with the authorisation), the joint consumers,
    # the consents given, and a running request for proof of identity.
    proxy: dict[str, Any] | None = None
    materials_complete: bool = True
    joint: dict[str, Any] | None = None
    consents: dict[str, list[int]] = field(default_factory=dict)
    consents_missing: list[str] = field(default_factory=list)
    identity_due: date | None = None
    identity_due_at: datetime | None = None  # the end of `identity_due`, in the desk's zone
    identity_verified: bool = False
    organisation: str | None = None  # entrusted to (Order 121 Art. 19)
    odr_due: date | None = None  # the ODR business's window, while it runs (SPEC §14)
    odr_answer: dict[str, Any] | None = None  # the business's reply while negotiating

    @classmethod
    def of(cls, complaint: Complaint, clocks: CaseClocks | None = None,
           offices: Offices | None = None, end_of: Any = None) -> ComplaintDetails:
        acceptance = clocks.latest(ClockName.ACCEPTANCE) if clocks else None
        mediation = clocks.latest(ClockName.MEDIATION) if clocks else None
        told = clocks.running(ClockName.DECISION_NOTICE) if clocks else None
        notice = clocks.running(ClockName.NOTICE) if clocks else None
        odr = clocks.running(ClockName.ODR) if clocks else None
        business = dict(complaint.business)
        business["key"] = business_key(business["name"], business.get("uscc"))
        return cls(
            id=complaint.id,
            version=complaint.version,
            state=complaint.state.value,
            channel=complaint.channel,
            received_at=complaint.received_at,
            office=complaint.office,
            mediator=complaint.mediator,
            consumer=dict(complaint.consumer),
            business=business,
            category=complaint.category,
            industry=complaint.industry,
            incident_date=complaint.incident_date,
            amount=complaint.amount,
            description=complaint.description,
            request=complaint.request,
            regulation=complaint.regulation,
            external_ref=complaint.external_ref,
            mediation_regulation=complaint.mediation_regulation,
            suspended=complaint.suspended,
            notice_recorded=complaint.notice_recorded,
            satisfaction=complaint.satisfaction,
            outcome=complaint.outcome,
            closing_reason=complaint.closing_reason,
            forum=complaint.forum,
            filed_at=complaint.created_on,
            updated_at=complaint.modified_on,
            allowed_actions=(complaint.locate(offices) if offices else complaint)
            .allowed_commands(),
            number=complaint.number,
            attachments=[dict(a) for a in getattr(complaint, "attachments", [])],
            reports=list(complaint.linked_reports),
            acceptance_due=acceptance.due_day if acceptance else None,
            mediation_due=mediation.due_day if mediation else None,
            deadlines_provisional=any(
                run.provisional for run in (acceptance, mediation) if run is not None),
            office_name=offices.name_of(complaint.office) if offices else complaint.office,
            recusal_pending=complaint.recusal_pending,
            decision_notified=complaint.decision_notified,
            decision_notice_due=told.due_day if told else None,
            notice_due=notice.due_day if notice else None,
            withdraw_kind=complaint.withdraw_kind,
            satisfaction_level=complaint.satisfaction_level,
            on_legal_hold=complaint.on_legal_hold,
            personal_data_erased=complaint.personal_data_erased,
            proxy=_copied(complaint.proxy),
            materials_complete=complaint.materials_complete,
            joint=_copied(complaint.joint),
            consents={m: sorted(who) for m, who in complaint.consents.items() if who},
            consents_missing=sorted(complaint.consents_missing),
            identity_due=(date.fromisoformat(complaint.identity_due)
                          if complaint.identity_due else None),
            identity_due_at=complaint.identity_due_at,
            identity_verified=complaint.identity_verified,
            organisation=complaint.organisation,
            odr_due=odr.due_day if odr else None,
            odr_answer=dict(complaint.odr_answer) if complaint.odr_answer else None,
        )


def _copied(data: Any) -> Any:
    """A deep copy, so a view never shares a dict with the aggregate it was read from."""
    if isinstance(data, dict):
        return {k: _copied(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copied(v) for v in data]
    return data


_ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor", "at",
             "hash", "chain_version"}


@dataclass(frozen=True)
class HistoryItem:
    version: int
    type: str
    at: datetime
    recorded_at: datetime
    actor: dict[str, str]
    data: dict[str, Any]
    hash: str | None

    @classmethod
    def of(cls, event: Any) -> HistoryItem:
        data = {k: v for k, v in event.__dict__.items() if k not in _ENVELOPE}
        return cls(
            version=event.originator_version,
            type=type(event).__name__,
            at=getattr(event, "at", event.timestamp),
            recorded_at=event.timestamp,
            actor=dict(getattr(event, "actor", {})),
            data=data,
            hash=getattr(event, "hash", None),
        )
