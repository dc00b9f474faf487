"""Reports over HTTP (SPEC §13): intake, the inspector's commands, lists and figures; the
split of a mixed submission; a clue recorded on a complaint.

Routes are schema in, one application call, view out. The single-report view reads
the event store; the lists and figures come from the report views, which follow it.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from api.access import check_supervisor
from api.auth import CurrentUser, User
from api.bounds import Day
from api.deps import IdempotencyKey, IfMatch, WiringDep
from api.errors import documented
from api.report_schemas import (
    ClueIn, CloseIn, DeclineIn, ExtendIn, NotifyReporterIn, OpenCaseIn, ReferIn, ReportIn,
    ReportOut, ReportPageOut, ReportSummaryOut, SubmissionIn,
)
from api.routes import API_PREFIX
from api.routes.audit import ChainCheckOut, ChainReportOut, CheckpointOut
from api.schemas import ComplaintOut, HistoryItemOut
from api.bootstrap import Wiring
from domain.errors import InvalidValue, NotPermitted
from domain.permissions import report_role_may_ever
from domain.report_lifecycle import ReportState

router = APIRouter(prefix=API_PREFIX, tags=["reports"],
                   responses=documented(400, 401, 403, 413, 422, 503))
COMMAND = documented(404, 409, 412)


def may(command: str) -> Any:
    """The route's user, refused at once when their role may never do this."""

    def check(user: CurrentUser) -> User:
        if not report_role_may_ever(command, user.role):
            raise NotPermitted(command, f"the {user.role.value} role may not do this")
        return user

    return Depends(check)


Reader = Annotated[User, may("read")]


def _view(wiring: Wiring, report_id: UUID, user: User, response: Response,
          receipt: str | None = None) -> ReportOut:
    details = wiring.reports.get(report_id)
    response.headers["ETag"] = f'"{details.version}"'
    return ReportOut.of(details, user, receipt)


# ----- intake ----------------------------------------------------------------------

@router.post("/reports", status_code=201, response_model=ReportOut, responses={
    200: {"model": ReportOut, "description": "a repeat or new facts from the same reporter, "
                                             "merged into the earlier report"}})
def receive_report(body: ReportIn, user: Annotated[User, may("receive")], wiring: WiringDep,
                   response: Response) -> ReportOut:
    """Log a report. The same reporter against the same business is merged into the
    earlier report (200, `receipt` `repeat` or `merged`), never handled twice."""
    receipt = wiring.reports.receive(
        body.to_intake(now=wiring.desk.clock(), default_office=user.office), actor=user.actor)
    if receipt.outcome != "new":
        response.status_code = 200
    response.headers["Location"] = f"{API_PREFIX}/reports/{receipt.report_id}"
    return _view(wiring, receipt.report_id, user, response, receipt.outcome)


class SubmissionOut(BaseModel):
    complaint: ComplaintOut
    report: ReportOut


@router.post("/submissions", status_code=201, response_model=SubmissionOut,
             responses=documented(409))
def split_submission(body: SubmissionIn, user: Annotated[User, may("receive")],
                     wiring: WiringDep, response: Response,
                     idempotency_key: IdempotencyKey = None) -> SubmissionOut:
    """One submission that is both a complaint and a report, handled apart (Art. 9)."""
    complaint, report = body.to_intakes(now=wiring.desk.clock(), default_office=user.office)
    complaint_id, report_id = wiring.reports.split(complaint, report, actor=user.actor,
                                                   idempotency_key=idempotency_key)
    response.headers["Location"] = f"{API_PREFIX}/complaints/{complaint_id}"
    return SubmissionOut(complaint=ComplaintOut.of(wiring.desk.get_complaint(complaint_id), user),
                         report=ReportOut.of(wiring.reports.get(report_id), user))


@router.post("/complaints/{complaint_id}/clue", status_code=201, response_model=ReportOut,
             responses=COMMAND)
def record_clue(complaint_id: UUID, body: ClueIn, user: CurrentUser, wiring: WiringDep,
                response: Response) -> ReportOut:
    """A violation clue found in mediation becomes a report with its own clock (Art. 27)."""
    report_id = wiring.reports.clue(complaint_id, actor=user.actor, text=body.text)
    response.headers["Location"] = f"{API_PREFIX}/reports/{report_id}"
    return _view(wiring, report_id, user, response)


# ----- lists and figures -----------------------------------------------------------

class ReportListQuery(BaseModel):
    state: ReportState | None = None
    business: str | None = Field(default=None, max_length=200, description="a business key")
    inspector: str | None = Field(default=None, max_length=64)
    overdue: bool | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=200)


@router.get("/reports", response_model=ReportPageOut)
def list_reports(criteria: Annotated[ReportListQuery, Query()], user: Reader,
                 wiring: WiringDep) -> ReportPageOut:
    """Reports, soonest due first; reporters always masked."""
    total, rows = wiring.report_views.search(
        as_of=wiring.desk.clock(), state=criteria.state.value if criteria.state else None,
        business=criteria.business, inspector=criteria.inspector, overdue=criteria.overdue,
        page=criteria.page, per_page=criteria.per_page)
    return ReportPageOut(items=[ReportSummaryOut.of(r) for r in rows], total=total,
                         page=criteria.page, per_page=criteria.per_page)


class ReportTimelinessOut(BaseModel):
    open: int
    due_soon: int
    overdue: int
    items: list[ReportSummaryOut]


@router.get("/reports/timeliness", response_model=ReportTimelinessOut)
def report_timeliness(user: Reader, wiring: WiringDep) -> ReportTimelinessOut:
    """Every report awaiting its decision, with its due day (15 working days, 30 once
    extended), working days left, due soon and overdue as of now."""
    rows = wiring.report_views.open_reports(wiring.desk.clock())
    return ReportTimelinessOut(open=len(rows), due_soon=sum(r.due_soon for r in rows),
                               overdue=sum(r.overdue for r in rows),
                               items=[ReportSummaryOut.of(r) for r in rows])


@router.get("/reports/stats")
def report_statistics(user: CurrentUser, wiring: WiringDep,
                      since: Annotated[Day, Query(alias="from")],
                      until: Annotated[Day, Query(alias="to")]) -> dict[str, Any]:
    """Reports received in the range by state, source, business and industry; the
    decisions made in it, their on-time rate and the case-opened rate."""
    check_supervisor(user, "read statistics")
    if until < since:
        raise InvalidValue("to", "must not be before from")
    return wiring.report_views.statistics(start=since, end=until)


# ----- one report ------------------------------------------------------------------

@router.get("/reports/{report_id}", response_model=ReportOut, responses=documented(404))
def get_report(report_id: UUID, user: Reader, wiring: WiringDep, response: Response,
               as_of: Annotated[int | None, Query(
                   ge=1, le=10**9, description="the report as it stood at this version "
                                               "(supervisor)")] = None) -> ReportOut:
    if as_of is None:
        return _view(wiring, report_id, user, response)
    check_supervisor(user, "read a past state")
    details = wiring.reports.get(report_id, as_of)
    response.headers["ETag"] = f'"{details.version}"'
    return ReportOut.of(details, user)


@router.get("/reports/{report_id}/history", response_model=list[HistoryItemOut],
            responses=documented(404))
def report_history(report_id: UUID, user: CurrentUser, wiring: WiringDep) -> list[HistoryItemOut]:
    check_supervisor(user, "read a report's history")
    return [HistoryItemOut.of(item) for item in wiring.reports.history(report_id)]


@router.get("/reports/{report_id}/verify", response_model=ChainCheckOut,
            responses=documented(404))
def verify_report(report_id: UUID, user: CurrentUser, wiring: WiringDep) -> ChainCheckOut:
    """The report's hash chain, recomputed and compared with the latest signed checkpoint."""
    check_supervisor(user, "verify a hash chain")
    wiring.reports.get(report_id)  # 404 for anything but a report
    report, checkpoint = wiring.auditor.verify(report_id)
    intact = report.intact and (checkpoint is None or checkpoint.valid)
    return ChainCheckOut(**{**ChainReportOut.of(report).model_dump(), "intact": intact},
                         checkpoint=CheckpointOut.of(checkpoint))


def _run(wiring: Wiring, command: str, report_id: UUID, user: User, response: Response,
         expected: int | None, **args: Any) -> ReportOut:
    wiring.reports.run(command, report_id, actor=user.actor, expected_version=expected, **args)
    return _view(wiring, report_id, user, response)


@router.post("/reports/{report_id}/verify", response_model=ReportOut, responses=COMMAND)
def verify(report_id: UUID, user: Annotated[User, may("verify")], wiring: WiringDep,
           response: Response, expected: IfMatch = None) -> ReportOut:
    """Take the report and begin verification (核查): you become its handling inspector."""
    return _run(wiring, "verify", report_id, user, response, expected)


@router.post("/reports/{report_id}/extend", response_model=ReportOut, responses=COMMAND)
def extend(report_id: UUID, body: ExtendIn, user: Annotated[User, may("extend")],
           wiring: WiringDep, response: Response, expected: IfMatch = None) -> ReportOut:
    """A supervisor approves 15 more working days, once (Art. 27)."""
    return _run(wiring, "extend", report_id, user, response, expected, reason=body.reason)


@router.post("/reports/{report_id}/open-case", response_model=ReportOut, responses=COMMAND)
def open_case(report_id: UUID, body: OpenCaseIn, user: Annotated[User, may("open-case")],
              wiring: WiringDep, response: Response, expected: IfMatch = None) -> ReportOut:
    return _run(wiring, "open-case", report_id, user, response, expected,
                case_number=body.case_number)


@router.post("/reports/{report_id}/decline", response_model=ReportOut, responses=COMMAND)
def decline(report_id: UUID, body: DeclineIn, user: Annotated[User, may("decline")],
            wiring: WiringDep, response: Response, expected: IfMatch = None) -> ReportOut:
    return _run(wiring, "decline", report_id, user, response, expected, reason=body.reason)


@router.post("/reports/{report_id}/refer", response_model=ReportOut, responses=COMMAND)
def refer(report_id: UUID, body: ReferIn, user: Annotated[User, may("refer")],
          wiring: WiringDep, response: Response, expected: IfMatch = None) -> ReportOut:
    """No power here: the reporter is told which office to go to (Art. 34)."""
    return _run(wiring, "refer", report_id, user, response, expected, to=body.to,
                note=body.note)


@router.post("/reports/{report_id}/notify-reporter", response_model=ReportOut,
             responses=COMMAND)
def notify_reporter(report_id: UUID, body: NotifyReporterIn,
                    user: Annotated[User, may("notify-reporter")], wiring: WiringDep,
                    response: Response, expected: IfMatch = None) -> ReportOut:
    return _run(wiring, "notify-reporter", report_id, user, response, expected,
                channel=body.channel.value)


@router.post("/reports/{report_id}/close", response_model=ReportOut, responses=COMMAND)
def close(report_id: UUID, body: CloseIn, user: Annotated[User, may("close")],
          wiring: WiringDep, response: Response, expected: IfMatch = None) -> ReportOut:
    return _run(wiring, "close", report_id, user, response, expected,
                outcome=body.outcome.value, note=body.note)
