"""Reports over the wire (SPEC §13): bodies in, views out.

The reporter's identity leaves the desk in clear only for the inspector handling the
report and for supervisors (Order 121 Art. 37); everyone else gets it masked, and the
lists are masked for all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from adapters.views.reports import ReportRow
from api.auth import User
from api.schemas import BusinessIn, FileIn, In
from application.reports import ReportDetails
from domain.intake import Intake
from domain.masking import mask_name, mask_phone
from domain.permissions import sees_reporter
from domain.report_intake import ReportIntake
from domain.report_lifecycle import CloseOutcome, ReportSource, ReportState
from domain.vocabulary import Industry, NotifyChannel

# Sources a report may be logged from; `mediation` comes only through a complaint's clue.
LOGGED = frozenset(s for s in ReportSource if s is not ReportSource.MEDIATION)


class ReporterIn(In):
    name: str = Field(max_length=50)
    phone: str = Field(max_length=40, description="mainland mobile, or landline with area code")
    address: str | None = Field(default=None, max_length=500)
    id_number: str | None = Field(default=None, max_length=30)


class ReportIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "source": "phone", "reporter": {"name": "李四", "phone": "13912345678"},
        "business": {"name": "上海某某超市有限公司", "uscc": "91350100M000100Y43"},
        "industry": "food", "facts": "货架上销售过期牛奶。",
    }]})

    source: ReportSource
    received_at: AwareDatetime | None = Field(default=None, description="defaults to now")
    anonymous: bool = False
    reporter: ReporterIn | None = Field(default=None, description="required unless anonymous")
    business: BusinessIn
    industry: Industry = Industry.OTHER
    facts: str = Field(max_length=5000)
    office: str | None = Field(default=None, max_length=32)

    def to_intake(self, *, now: datetime, default_office: str | None) -> ReportIntake:
        return ReportIntake.parse(self.model_dump(), now=now, default_office=default_office,
                                  sources=LOGGED)


class SubmissionIn(In):
    """One submission that is both a complaint and a report (Order 121 Art. 9)."""

    complaint: FileIn
    report: ReportIn

    def to_intakes(self, *, now: datetime, default_office: str | None
                   ) -> tuple[Intake, ReportIntake]:
        return (self.complaint.to_intake(now=now, default_office=default_office),
                self.report.to_intake(now=now, default_office=default_office))


class ClueIn(In):
    text: str = Field(max_length=5000, description="the suspected violation found in mediation")


class ExtendIn(In):
    reason: str = Field(max_length=1000)


class OpenCaseIn(In):
    case_number: str = Field(max_length=64)


class DeclineIn(In):
    reason: str = Field(max_length=1000)


class ReferIn(In):
    to: str = Field(max_length=200, description="the office that has the power to handle it")
    note: str = Field(default="", max_length=1000)


class NotifyReporterIn(In):
    channel: NotifyChannel


class CloseIn(In):
    outcome: CloseOutcome
    note: str = Field(default="", max_length=1000)


class ReporterOut(BaseModel):
    name: str
    phone: str
    address: str | None = None
    id_number: str | None = None


class ReportOut(BaseModel):
    id: UUID
    version: int
    state: ReportState
    source: str
    received_at: datetime
    period_start: datetime = Field(description="the receipt the decision period counts from")
    office: str
    inspector: str | None
    anonymous: bool
    reporter: ReporterOut | None = Field(description="masked unless you handle the report")
    reporter_masked: bool
    business: dict[str, Any]
    business_key: str
    industry: str
    facts: list[str]
    complaint_id: UUID | None
    regulation: str
    extended: bool
    case_number: str | None
    referred_to: str | None
    outcome: str | None
    decided_at: datetime | None
    reporter_notified: bool
    repeats: int
    allowed_actions: list[str]
    decision_due: date | None
    decision_met: bool | None
    reporter_notice_due: date | None
    reporter_notice_met: bool | None
    deadlines_provisional: bool
    receipt: str | None = Field(
        None, description="on intake: new, repeat (the same facts: not handled again) or "
                          "merged (new facts: the period restarts)")

    @classmethod
    def of(cls, details: ReportDetails, viewer: User, receipt: str | None = None) -> ReportOut:
        reporter = details.reporter
        shown = sees_reporter(details, viewer.actor)  # type: ignore[arg-type]
        if reporter is not None and not shown:
            reporter = {"name": mask_name(reporter.get("name") or ""),
                        "phone": mask_phone(reporter.get("phone") or "")}
        return cls(
            id=details.id, version=details.version, state=ReportState(details.state),
            source=details.source, received_at=details.received_at,
            period_start=details.period_start, office=details.office,
            inspector=details.inspector, anonymous=details.reporter is None,
            reporter=ReporterOut(**reporter) if reporter else None,
            reporter_masked=reporter is not None and not shown,
            business=details.business, business_key=details.business_key,
            industry=details.industry, facts=details.facts,
            complaint_id=UUID(details.complaint_id) if details.complaint_id else None,
            regulation=details.regulation, extended=details.extended,
            case_number=details.case_number, referred_to=details.referred_to,
            outcome=details.outcome, decided_at=details.decided_at,
            reporter_notified=details.reporter_notified, repeats=details.repeats,
            allowed_actions=details.allowed_actions, decision_due=details.decision_due,
            decision_met=details.decision_met, reporter_notice_due=details.reporter_notice_due,
            reporter_notice_met=details.reporter_notice_met,
            deadlines_provisional=details.deadlines_provisional, receipt=receipt)


class ReportSummaryOut(BaseModel):
    id: UUID
    state: str
    source: str
    office: str
    business: dict[str, str]
    industry: str
    anonymous: bool
    reporter: dict[str, str] | None = Field(description="always masked")
    inspector: str | None
    complaint_id: UUID | None
    received_at: datetime
    decision_due: date
    working_days_left: int | None
    due_soon: bool
    overdue: bool
    provisional: bool
    reporter_notice_due: date | None
    outcome: str | None

    @classmethod
    def of(cls, row: ReportRow) -> ReportSummaryOut:
        return cls(
            id=UUID(row.id), state=row.state, source=row.source, office=row.office,
            business={"key": row.business_key, "name": row.business_name},
            industry=row.industry, anonymous=row.anonymous,
            reporter=None if row.anonymous else {"name": row.reporter_name,
                                                 "phone": row.reporter_phone},
            inspector=row.inspector,
            complaint_id=UUID(row.complaint_id) if row.complaint_id else None,
            received_at=row.received_at, decision_due=row.decision_due,
            working_days_left=row.working_days_left, due_soon=row.due_soon,
            overdue=row.overdue, provisional=row.provisional,
            reporter_notice_due=row.notice_due, outcome=row.outcome)


class ReportPageOut(BaseModel):
    items: list[ReportSummaryOut]
    total: int
    page: int
    per_page: int
