"""Report pages (SPEC §13): intake, the inspector's queue with due days, the report page
with the actions its table allows now, and the supervisor's figures.

Like the case pages, these call the application directly. The reporter is shown in
clear only to the inspector handling the report and to supervisors (Art. 37); the
queue shows everyone masked names and phones.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.bootstrap import Wiring
from api.pages.forms import FormFields, field_errors
from api.pages.rendering import error_page, page, render, see_other, translator
from api.pages.sessions import PageUser, check_csrf, require
from application.errors import ConcurrentUpdate, ReportNotFound, VersionMismatch
from domain.errors import CommandNotAllowed, InvalidValue, InvalidValues, NotPermitted
from domain.masking import mask_name, mask_phone
from domain.permissions import may_report, sees_reporter
from domain.report_intake import ReportIntake
from domain.report_lifecycle import CloseOutcome, ReportSource
from domain.vocabulary import Industry, NotifyChannel, Role

router = APIRouter()

READERS = (Role.OPERATOR, Role.INSPECTOR, Role.SUPERVISOR)
LOGGED = [s.value for s in ReportSource if s is not ReportSource.MEDIATION]
FIELDS = ("source", "reporter.name", "reporter.phone", "reporter.address",
          "reporter.id_number", "business.name", "business.uscc", "business.address",
          "industry", "facts", "office")


def report_uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ReportNotFound(raw) from None


# ----- intake ------------------------------------------------------------------------

def _intake_form(request: Request, *, values: dict[str, str], status: int = 200,
                 errors: dict[str, Any] | None = None) -> Response:
    return render(request, "report_intake.html", status=status, values=values,
                  errors=errors or {}, sources=LOGGED, industries=[i.value for i in Industry])


def report_body(form: dict[str, str]) -> dict[str, Any]:
    """The posted form as the body `ReportIntake.parse` reads; empty fields left out."""
    body: dict[str, Any] = {"anonymous": form.get("anonymous") == "on"}
    for name in FIELDS:
        raw = form.get(name, "").strip()
        if not raw:
            continue
        if "." in name:
            group, key = name.split(".", 1)
            body.setdefault(group, {})[key] = raw
        else:
            body[name] = raw
    if body["anonymous"]:
        body.pop("reporter", None)
    return body


@router.get("/reports/new")
@page
def report_intake(request: Request) -> Response:
    user = require(request, *READERS)
    return _intake_form(request, values={"source": "phone", "office": user.office or ""})


@router.post("/reports/new")
@page
def receive_report(request: Request, form: FormFields) -> Response:
    user = require(request, *READERS)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    values = {k: v for k, v in form.items() if k != "csrf"}
    try:
        intake = ReportIntake.parse(report_body(form), now=wiring.desk.clock(),
                                    default_office=user.office,
                                    sources=frozenset(ReportSource(s) for s in LOGGED))
        receipt = wiring.reports.receive(intake, actor=user.actor)
    except InvalidValues as refused:
        return _intake_form(request, values=values, status=422, errors=field_errors(
            {p.field: p for p in refused.problems}, translator(request)))
    except InvalidValue as refused:
        return _intake_form(request, values=values, status=422, errors=field_errors(
            {refused.field: refused}, translator(request)))
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    return see_other(f"/reports/{receipt.report_id}?done=report_{receipt.outcome}")


# ----- the queue ---------------------------------------------------------------------

SHOWS = ("open", "overdue", "all")


@router.get("/reports")
@page
def report_queue(request: Request, show: str = "open", mine: str | None = None) -> Response:
    user = require(request, *READERS)
    wiring: Wiring = request.app.state.wiring
    now = wiring.desk.clock()
    show = show if show in SHOWS else "open"
    inspector = user.username if mine and user.role is Role.INSPECTOR else None
    if show == "open":
        rows = [r for r in wiring.report_views.open_reports(now)
                if inspector is None or r.inspector in (None, inspector)]
    else:
        rows = wiring.report_views.search(as_of=now, inspector=inspector,
                                          overdue=True if show == "overdue" else None,
                                          per_page=200)[1]
    return render(request, "reports.html", rows=rows, show=show, shows=SHOWS, mine=bool(mine),
                  as_of=now)


# ----- the supervisor's figures ------------------------------------------------------

@router.get("/reports/figures")
@page
def report_figures(request: Request, since: str | None = None,
                   until: str | None = None) -> Response:
    require(request, Role.SUPERVISOR)
    wiring: Wiring = request.app.state.wiring
    now = wiring.desk.clock()
    today = wiring.desk.timekeeper.day_of(now) if wiring.desk.timekeeper else now.date()
    start, end = _day(since, today.replace(day=1)), _day(until, today)
    if end < start:
        start, end = end, start
    open_rows = wiring.report_views.open_reports(now)
    return render(request, "report_figures.html", since=start, until=end,
                  stats=wiring.report_views.statistics(start=start, end=end),
                  overdue=[r for r in open_rows if r.overdue],
                  due_soon=[r for r in open_rows if r.due_soon], as_of=now)


def _day(raw: str | None, default: date) -> date:
    try:
        day = date.fromisoformat(raw) if raw else default
    except ValueError:
        return default
    return max(min(day, default + timedelta(days=3660)), date(2014, 1, 1))


# ----- one report --------------------------------------------------------------------

@router.get("/reports/{report_id}")
@page
def report_page(request: Request, report_id: str) -> Response:
    user = require(request, *READERS)
    return _report(request, user, report_uuid(report_id))


def _report(request: Request, user: PageUser, report_id: uuid.UUID, *, status: int = 200,
            **context: Any) -> Response:
    wiring: Wiring = request.app.state.wiring
    details = wiring.reports.get(report_id)
    reporter = details.reporter
    shown = reporter is not None and sees_reporter(details, user.actor)  # type: ignore[arg-type]
    if reporter is not None and not shown:
        reporter = {"name": mask_name(reporter.get("name") or ""),
                    "phone": mask_phone(reporter.get("phone") or "")}
    actions = [c for c in details.allowed_actions
               if may_report(details, c, user.actor)]  # type: ignore[arg-type]
    history = wiring.reports.history(report_id) if user.role is Role.SUPERVISOR else []
    return render(request, "report.html", status=status, r=details, reporter=reporter,
                  reporter_shown=shown, actions=actions, history=history,
                  channels=[c.value for c in NotifyChannel],
                  outcomes=[o.value for o in CloseOutcome], **context)


ACTIONS = {
    "verify": lambda f: {},
    "extend": lambda f: {"reason": f.get("reason", "")},
    "open-case": lambda f: {"case_number": f.get("case_number", "")},
    "decline": lambda f: {"reason": f.get("reason", "")},
    "refer": lambda f: {"to": f.get("to", ""), "note": f.get("note", "")},
    "notify-reporter": lambda f: {"channel": f.get("channel", "")},
    "close": lambda f: {"outcome": f.get("outcome", ""), "note": f.get("note", "")},
}


@router.post("/reports/{report_id}/{command}")
@page
def act(request: Request, report_id: str, command: str, form: FormFields) -> Response:
    user = require(request, *READERS)
    check_csrf(request, form)
    key = report_uuid(report_id)
    args = ACTIONS.get(command)
    if args is None:
        return error_page(request, 404, "error.not_found")
    wiring: Wiring = request.app.state.wiring
    version = form.get("version", "")
    expected = int(version) if version.isdigit() else None
    t = translator(request)
    try:
        wiring.reports.run(command, key, actor=user.actor, expected_version=expected,
                           **args(form))
    except InvalidValue as error:
        return _report(request, user, key, status=422, open_action=command,
                       values=dict(form), errors=field_errors({error.field: error}, t))
    except (VersionMismatch, ConcurrentUpdate):
        return _report(request, user, key, status=409,
                       banner=("error", t("banner.changed_meanwhile")))
    except CommandNotAllowed as error:
        allowed = ", ".join(t.label("report_command", c) for c in error.allowed) or "—"
        return _report(request, user, key, status=409, banner=("error", t(
            "report.not_allowed", command=t.label("report_command", error.command),
            state=t.label("report_state", error.state), allowed=allowed)))
    except NotPermitted:
        return _report(request, user, key, status=403, banner=("error", t(
            "report.not_permitted", command=t.label("report_command", command))))
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    return see_other(f"/reports/{key}?done=report_{command.replace('-', '_')}")


# ----- the split on the complaint intake page (Art. 9) ---------------------------------

SPLIT_FIELD = "report.facts"


def report_part(form: dict[str, str], intake: Any, now: Any) -> ReportIntake | None:
    """The report half of a submission typed on the complaint intake page: the consumer
    is its real-name reporter, the respondent the business reported. None when the
    caller reported nothing; `InvalidValue` on the form's own field when it is bad."""
    facts = form.get(SPLIT_FIELD, "")
    if not facts.strip():
        return None
    consumer, business = intake.consumer, intake.business
    body = {
        "source": intake.channel.value, "received_at": intake.received_at,
        "reporter": {"name": consumer.name, "phone": consumer.phone,
                     "address": consumer.address, "id_number": consumer.id_number},
        "business": {"name": business.name, "uscc": business.uscc,
                     "address": business.address},
        "industry": intake.industry.value, "facts": facts, "office": intake.office,
    }
    try:
        return ReportIntake.parse(body, now=now, default_office=intake.office)
    except InvalidValues as refused:
        problem = refused.problems[0]
        raise InvalidValue(SPLIT_FIELD if problem.field == "facts" else problem.field,
                           problem.message) from None
