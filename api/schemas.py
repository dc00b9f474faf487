"""What goes over the wire: request bodies in, views out, with SPEC §8's field names.

Request models only shape the input (types, codes, lengths); the domain still checks
every value once (`Intake.parse`, the aggregate's commands), so a bad value is a 422
naming its field whichever layer notices it first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.access import check_read
from api.auth import User
from application.listing import SORTS, ComplaintSummary, ListFilter, SummaryPage
from application.views import ComplaintDetails, HistoryItem
from domain.errors import InvalidValue, NotPermitted
from domain.intake import Intake
from domain.masking import mask_name, mask_phone
from domain.personal_data import is_erased
from domain.vocabulary import (
    AgreementRecord, Category, Channel, Forum, Industry, MediationMode, NoteKind, NotifyChannel,
    Outcome, RecusalBy, RejectReason, SatisfactionLevel, State, SuspendReason, TerminateReason,
    WithdrawKind,
)
from domain.vocabulary import ErasureBasis, Role
from application.errors import ComplaintNotFound

Note = Field(default="", max_length=1000)
SORT_PATTERN = "^-?(" + "|".join(SORTS) + ")$"


class In(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


# ----- filing --------------------------------------------------------------------

class ConsumerIn(In):
    name: str = Field(max_length=50)
    phone: str = Field(max_length=40, description="mainland mobile, or landline with area code")
    address: str | None = Field(default=None, max_length=500)
    id_number: str | None = Field(default=None, max_length=30)


class BusinessIn(In):
    name: str = Field(max_length=200)
    uscc: str | None = Field(default=None, max_length=72,
                             description="unified social credit code (GB 32100-2015)")
    address: str | None = Field(default=None, max_length=500)
    platform: str | None = Field(default=None, max_length=100)


class AuthorisationIn(In):
    matters: str = Field(max_length=500, description="委托事项: what the proxy acts on")
    powers: str = Field(max_length=500, description="权限: what the proxy may do")
    term: date = Field(description="the last day the authorisation holds")
    signed: bool = Field(description="signed by the consumer (委托人签名)")


class ProxyIn(ConsumerIn):
    """Order 121 Art. 11: the proxy's identity and the authorisation; without the
    authorisation the complaint can only be rejected as `incomplete`."""

    authorisation: AuthorisationIn | None = None


class JointIn(In):
    """Order 121 Art. 12: the other consumers of the same dispute with the same business."""

    consumers: list[ConsumerIn] = Field(max_length=200, description="besides `consumer`")
    representatives: list[int] = Field(
        default_factory=list, max_length=2,
        description="up to two, by number: 0 is `consumer`, 1.. the consumers listed here")
    consent: bool = Field(description="the consumers agreed to be handled as one case")


class FileIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "channel": "phone",
        "consumer": {"name": "张三", "phone": "13812345678", "address": "上海市黄浦区南京东路1号"},
        "business": {"name": "上海优选电子商务有限公司", "uscc": "91350100M000100Y43",
                     "platform": "天猫"},
        "category": "goods",
        "industry": "online_shopping",
        "incident_date": "2026-05-01",
        "amount": "1280.00",
        "description": "网购的手机屏幕有坏点，商家拒绝七天无理由退货。",
        "request": "退货退款",
    }]})

    channel: Channel
    received_at: AwareDatetime | None = Field(default=None, description="defaults to now")
    consumer: ConsumerIn
    business: BusinessIn
    category: Category
    industry: Industry
    incident_date: date | None = None
    amount: str = Field(default="0", max_length=24, description='CNY as a decimal string, "128.50"')
    description: str = Field(max_length=5000)
    request: str = Field(max_length=1000)
    office: str | None = Field(default=None, max_length=32,
                               description="handling office; defaults to the operator's")
    proxy: ProxyIn | None = None
    joint: JointIn | None = None

    def to_intake(self, *, now: datetime, default_office: str | None) -> Intake:
        return Intake.parse(self.model_dump(), now=now, default_office=default_office)


# ----- commands --------------------------------------------------------------------

class AcceptIn(In):
    notified_via: NotifyChannel | None = Field(
        default=None, description="how the complainant was told, when told with the decision")


class RejectIn(In):
    reason: RejectReason = Field(description="a ground of the text in force at receipt")
    note: str = Note
    notified_via: NotifyChannel | None = None
    impersonation: bool = Field(
        False, description="identity_unverified because the complainant used another's "
                           "name (Art. 16(六)); the note says how it was found")


class NotifyIn(In):
    channel: NotifyChannel
    note: str = Note


class TransferIn(In):
    to_office: str = Field(max_length=32)
    note: str = Note


class ReturnToIntakeIn(In):
    reason: str = Field(max_length=1000, description="why this office has no power over it")


class RecusalRequestIn(In):
    by: RecusalBy
    reason: str = Field(max_length=1000)


class RecusalDecisionIn(In):
    upheld: bool
    mediator: str | None = Field(default=None, max_length=64,
                                 description="the new mediator, when the request is upheld")
    note: str = Note


class AssignIn(In):
    mediator: str = Field(max_length=64, description="the mediator's username")


class NoteIn(In):
    kind: NoteKind
    text: str = Field(max_length=5000)


class SuspendIn(In):
    reason: SuspendReason = Field(description="a ground of the text in force at acceptance")
    body: str | None = Field(default=None, max_length=200,
                             description="the testing or appraisal institution")
    designated: bool | None = Field(
        default=None, description="the office designated the body (Order 121 Art. 22)")
    note: str = Note


class ResolveIn(In):
    outcome: Outcome
    amount_recovered: str = Field(default="0", max_length=24,
                                  description='CNY as a decimal string, "128.50"')
    terms: str = Field(max_length=5000)
    mode: MediationMode | None = Field(default=None, description="on_site or remote (default)")
    record: AgreementRecord | None = Field(
        default=None, description="agreement_document (a 调解书), performed_immediately or "
                                  "parties_declined; required for an on-site agreement")


class TerminateIn(In):
    reason: TerminateReason
    note: str = Note


class EscalateIn(In):
    forum: Forum
    reason: str = Field(max_length=1000, description='free text, or "agreement_breached"')


class NoticeIn(In):
    note: str = Note


class WithdrawIn(In):
    kind: WithdrawKind | None = Field(default=None,
                                      description="withdrawn (default) or settled_privately")
    note: str = Note


class SatisfactionIn(In):
    level: SatisfactionLevel | None = Field(default=None, description="the 12315 scale")
    score: int | None = Field(default=None, ge=1, le=5,
                              description="1-5, mapped: 4-5 satisfied, 3 basically, 1-2 not")
    comment: str = Note


# ----- the complaint view ------------------------------------------------------------

class IdentityRequestIn(In):
    due: date = Field(description="the last day to provide proof of identity")
    note: str = Note


class IdentityVerifiedIn(In):
    note: str = Note


class ConsentIn(In):
    consumer: int = Field(description="the represented consumer, by number (0 is `consumer`)")
    matter: str = Field(max_length=20, description="settle, waive or change")
    note: str = Note


class ChangeRequestIn(In):
    request: str = Field(max_length=1000)


class EntrustIn(In):
    organisation: str = Field(max_length=32, description="the organisation's code")
    consumer_consent: bool
    business_consent: bool


class OrganisationIn(In):
    code: str = Field(max_length=32)
    name: str = Field(max_length=100)
    kind: str = Field(default="consumer_association", max_length=32,
                      description="consumer_association or mediation_body")


class OrganisationOut(BaseModel):
    code: str
    name: str
    kind: str


class ConsumerOut(BaseModel):
    name: str
    phone: str
    address: str | None = None
    id_number: str | None = None


class BusinessOut(BaseModel):
    name: str
    key: str
    uscc: str | None = None
    address: str | None = None
    platform: str | None = None


class ConsumerMaskedOut(BaseModel):
    name: str = Field(description="masked: 张*")
    phone: str = Field(description="masked: 138****5678")


class BusinessSummaryOut(BaseModel):
    name: str
    key: str


class OutcomeOut(BaseModel):
    outcome: str
    amount_recovered: str
    terms: str
    mode: str = "remote"
    record: str | None = None


class OdrReplyOut(BaseModel):
    settled: bool
    terms: str
    amount: str


class ComplaintOut(BaseModel):
    id: UUID
    version: int
    state: State
    channel: str
    received_at: datetime
    office: str
    mediator: str | None
    consumer: ConsumerOut
    business: BusinessOut
    category: str
    industry: str
    incident_date: date | None
    amount: str
    description: str
    request: str
    regulation: str
    mediation_regulation: str | None
    suspended: bool
    notice_recorded: bool
    satisfaction: int | None
    outcome: OutcomeOut | None
    closing_reason: str | None
    forum: str | None
    filed_at: datetime
    updated_at: datetime
    allowed_actions: list[str]
    acceptance_due: date | None = Field(
        None, description="last working day to accept or reject (restarted by a transfer)")
    mediation_due: date | None = Field(
        None, description="last working day of mediation, extended by suspensions; "
                          "null until accepted")
    deadlines_provisional: bool = Field(
        False, description="a deadline was counted across a year with no confirmed "
                           "official holiday schedule (weekends only)")
    personal_data_masked: bool = False
    office_name: str = ""
    recusal_pending: bool = False
    decision_notified: bool | None = Field(
        None, description="whether the complainant was told of the decision; null before one")
    decision_notice_due: date | None = Field(
        None, description="last day to tell the complainant of the decision, while untold")
    notice_due: date | None = Field(
        None, description="last working day to tell both parties that mediation ended, "
                          "while not yet recorded")
    withdraw_kind: str | None = None
    satisfaction_level: str | None = None
    on_legal_hold: bool = Field(False, description="erasure of personal data is refused while held")
    personal_data_erased: bool = Field(
        False, description="the consumer's personal data and free text were erased (shown as 已删除)")
    number: str | None = Field(None, description="the case number, office-year-sequence")
    reports: list[UUID] = Field(
        default_factory=list, description="reports split off this submission or made from "
                                          "a clue found in its mediation (SPEC §13)")
    proxy: dict[str, Any] | None = Field(
        None, description="the proxy (Art. 11) with the authorisation; masked like the consumer")
    materials_complete: bool = Field(
        True, description="false while a proxy's authorisation is missing or does not hold")
    joint: dict[str, Any] | None = Field(
        None, description="a joint complaint (Art. 12): the other consumers, the "
                          "representatives, the number of consumers")
    consents: dict[str, list[int]] = Field(
        default_factory=dict, description="matter -> represented consumers who agreed")
    consents_missing: list[str] = Field(
        default_factory=list, description="matters still lacking a represented consumer's consent")
    identity_due: date | None = Field(
        None, description="the last day to provide proof of identity, when it was asked for")
    identity_verified: bool = False
    organisation: str | None = Field(
        None, description="the organisation the case is entrusted to (Art. 19), or null")
    odr_due: date | None = Field(
        None, description="while negotiating: the last working day of the ODR business's "
                          "window to answer")
    odr_reply: OdrReplyOut | None = Field(
        None, description="the ODR business's answer, while the consumer is asked")
    abuse_signs: list[str] = Field(
        default_factory=list, description="signs of abuse the case shows now (Art. 17), for "
        "operators and supervisors reading one case; never decided on automatically")

    @classmethod
    def of(cls, details: ComplaintDetails, viewer: User) -> ComplaintOut:
        consumer = dict(details.consumer)
        masked = not _may_work(viewer, details)
        if masked:
            consumer = {"name": _mask(consumer["name"], mask_name),
                        "phone": _mask(consumer["phone"], mask_phone)}
        elif viewer.role is Role.BUSINESS:
            # Name and phone to settle with; never the address or ID number (SPEC §14).
            consumer = {"name": consumer["name"], "phone": consumer["phone"]}
        outcome = details.outcome
        return cls(
            id=details.id, version=details.version, state=State(details.state),
            channel=details.channel, received_at=details.received_at, office=details.office,
            mediator=details.mediator, consumer=ConsumerOut(**consumer),
            business=BusinessOut(**details.business), category=details.category,
            industry=details.industry,
            incident_date=(date.fromisoformat(details.incident_date)
                           if details.incident_date else None),
            amount=str(details.amount), description=details.description, request=details.request,
            regulation=details.regulation, mediation_regulation=details.mediation_regulation,
            suspended=details.suspended, notice_recorded=details.notice_recorded,
            satisfaction=details.satisfaction,
            outcome=(OutcomeOut(outcome=outcome["outcome"], terms=outcome["terms"],
                                amount_recovered=str(outcome["amount_recovered"]),
                                mode=outcome.get("mode", "remote"), record=outcome.get("record"))
                     if outcome else None),
            closing_reason=details.closing_reason, forum=details.forum,
            filed_at=details.filed_at, updated_at=details.updated_at,
            allowed_actions=list(details.allowed_actions), personal_data_masked=masked,
            acceptance_due=details.acceptance_due, mediation_due=details.mediation_due,
            deadlines_provisional=details.deadlines_provisional, number=details.number,
            office_name=details.office_name, recusal_pending=details.recusal_pending,
            decision_notified=details.decision_notified,
            decision_notice_due=details.decision_notice_due, notice_due=details.notice_due,
            withdraw_kind=details.withdraw_kind, satisfaction_level=details.satisfaction_level,
            on_legal_hold=details.on_legal_hold, personal_data_erased=details.personal_data_erased,
            reports=[UUID(r) for r in details.reports],
            **_parties_out(details, masked),
            odr_due=details.odr_due,
            odr_reply=(OdrReplyOut(settled=details.odr_answer["settled"],
                                   terms=details.odr_answer["terms"],
                                   amount=str(details.odr_answer["amount"]))
                       if details.odr_answer and details.state == "negotiating" else None),
        )


def _parties_out(details: ComplaintDetails, masked: bool) -> dict[str, Any]:
    """The proxy and the joint consumers, masked exactly as the consumer is."""
    def person(data: dict[str, Any]) -> dict[str, Any]:
        if not masked:
            return {k: v for k, v in data.items()}
        return {"name": _mask(data["name"], mask_name), "phone": _mask(data["phone"], mask_phone)}

    proxy = details.proxy
    joint = details.joint
    return {
        "proxy": ({**person(proxy), "authorisation": None if masked else proxy.get("authorisation")}
                  if proxy else None),
        "materials_complete": details.materials_complete,
        "joint": ({"consumers": [person(p) for p in joint["consumers"]],
                   "representatives": list(joint["representatives"]),
                   "count": 1 + len(joint["consumers"])} if joint else None),
        "consents": details.consents, "consents_missing": details.consents_missing,
        "identity_due": details.identity_due, "identity_verified": details.identity_verified,
        "organisation": details.organisation,
    }


def _mask(value: str, mask: Any) -> str:
    return value if is_erased(value) else mask(value)


def _may_work(viewer: User, details: ComplaintDetails) -> bool:
    try:
        check_read(viewer, details)
    except (NotPermitted, ComplaintNotFound):
        return False
    return True


# ----- lists ---------------------------------------------------------------------

class ListQuery(In):
    state: State | None = None
    office: str | None = Field(default=None, max_length=32)
    business: str | None = Field(default=None, max_length=200,
                                 description="credit code, business key or part of the name")
    mediator: str | None = Field(default=None, max_length=64)
    q: str | None = Field(default=None, max_length=200, description="words in business or text, or a case number exactly")
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=200)
    industry: Industry | None = None
    channel: Channel | None = None
    received_from: date | None = Field(default=None, description="first local day of receipt")
    received_to: date | None = Field(default=None, description="last local day of receipt")
    overdue: bool | None = Field(default=None, description="a clock running past its due moment")
    sort: str = Field(default="-received_at", pattern=SORT_PATTERN,
                      description="a column, `-` first for largest first: " + ", ".join(SORTS))

    def to_filter(self, tz: tzinfo | None = None) -> ListFilter:
        if self.received_from and self.received_to and self.received_from > self.received_to:
            raise InvalidValue("received_from", "must not be after received_to")
        zone = tz or UTC
        return ListFilter(state=self.state.value if self.state else None, office=self.office,
                          business=self.business, mediator=self.mediator, q=self.q,
                          page=self.page, per_page=self.per_page,
                          industry=self.industry.value if self.industry else None,
                          channel=self.channel.value if self.channel else None,
                          received_since=_day_start(self.received_from, zone),
                          received_before=_day_start(self.received_to, zone, after=True),
                          overdue=self.overdue, sort=self.sort)


def _day_start(day: date | None, tz: tzinfo, *, after: bool = False) -> datetime | None:
    """The first moment of a local day (of the next one, for an inclusive end)."""
    if day is None:
        return None
    if after:
        day = day + timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=tz)


class SummaryOut(BaseModel):
    id: UUID
    version: int
    state: State
    channel: str
    received_at: datetime
    office: str
    mediator: str | None
    consumer: ConsumerMaskedOut
    business: BusinessSummaryOut
    category: str
    industry: str
    amount: str
    suspended: bool
    updated_at: datetime
    number: str | None = None

    @classmethod
    def of(cls, s: ComplaintSummary) -> SummaryOut:
        return cls(
            id=UUID(s.id), version=s.version, state=State(s.state), channel=s.channel,
            received_at=s.received_at, office=s.office, mediator=s.mediator,
            consumer=ConsumerMaskedOut(name=s.consumer_name, phone=s.consumer_phone),
            business=BusinessSummaryOut(name=s.business_name, key=s.business_key),
            category=s.category, industry=s.industry, amount=str(s.amount),
            suspended=s.suspended, updated_at=s.updated_at, number=s.number,
        )


class PageOut(BaseModel):
    items: list[SummaryOut]
    total: int
    page: int
    per_page: int

    @classmethod
    def of(cls, page: SummaryPage) -> PageOut:
        return cls(items=[SummaryOut.of(s) for s in page.items], total=page.total,
                   page=page.page, per_page=page.per_page)


# ----- history and accounts --------------------------------------------------------

class ActorOut(BaseModel):
    username: str
    role: str


class HistoryItemOut(BaseModel):
    version: int
    type: str
    at: datetime
    recorded_at: datetime
    actor: ActorOut
    data: dict[str, Any]
    hash: str | None = Field(default=None, description="this event's link in the hash chain")

    @classmethod
    def of(cls, item: HistoryItem) -> HistoryItemOut:
        return cls(version=item.version, type=item.type, at=item.at,
                   recorded_at=item.recorded_at, actor=ActorOut(**item.actor), data=item.data,
                   hash=getattr(item, "hash", None))


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds")


class MeOut(BaseModel):
    username: str
    role: str
    office: str | None


# ----- retention and erasure -----------------------------------------------------------

class LegalHoldIn(In):
    reference: str = Field(min_length=1, max_length=200,
                           description="what requires the hold: a court case, an inquiry "
                                       "(no personal data: it outlives an erasure)")


class EraseIn(In):
    basis: ErasureBasis = Field(description="retention (the period ran out) or request "
                                            "(the person asked, PIPL Art. 47)")
    reference: str = Field(default="", max_length=200,
                           description="the request's number or file (no personal data: "
                                       "it outlives the erasure)")
