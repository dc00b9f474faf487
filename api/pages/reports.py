"""The statistical analysis report for supervisors: choose a month or quarter and an
office (or the whole centre), download it as PDF or XLSX."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.analysis_report_xlsx import render_xlsx
from adapters.documents.analysis_report import render_pdf
from api.bootstrap import Wiring
from api.pages.credit import today
from api.pages.i18n import Translator
from api.pages.rendering import page, render
from api.pages.sessions import require
from domain.errors import InvalidValue
from domain.vocabulary import Role

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/reports")
@page
def reports(request: Request) -> Response:
    require(request, Role.SUPERVISOR)
    wiring: Wiring = request.app.state.wiring
    last_month = today(wiring).replace(day=1) - timedelta(days=1)
    return render(request, "reports.html", period=f"{last_month:%Y-%m}",
                  offices=list(wiring.desk.offices or ()))


@router.get("/reports/analysis")
@page
def analysis(request: Request, period: str = "", office: str = "",
             format: str = "pdf") -> Response:
    require(request, Role.SUPERVISOR)
    wiring: Wiring = request.app.state.wiring
    if format not in ("pdf", "xlsx"):
        raise InvalidValue("format", "pdf or xlsx")
    report = wiring.analysis_report(period[:16], office[:32] or None)
    label = Translator("zh").label
    name = f"analysis-report-{report.period.label}" + (f"-{office}" if office else "")
    if format == "pdf":
        body, media = render_pdf(report, label), "application/pdf"
    else:
        body, media = render_xlsx(report, label), XLSX
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{name}.{format}"',
        "Cache-Control": "no-store"})
