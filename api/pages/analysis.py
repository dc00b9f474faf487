"""The statistical analysis report for supervisors: choose a month or quarter and an
office (or the whole centre), download it as PDF or XLSX."""

from __future__ import annotations

from datetime import date, timedelta

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


@router.get("/analysis")
@page
def analysis_form(request: Request) -> Response:
    require(request, Role.SUPERVISOR)
    wiring: Wiring = request.app.state.wiring
    last_month = today(wiring).replace(day=1) - timedelta(days=1)
    return render(request, "analysis.html", period=f"{last_month:%Y-%m}",
                  offices=list(wiring.desk.offices or ()))


@router.get("/analysis/download")
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


# Order 121 Art. 38: the office publishes its statistical analysis reports. Every
# complete month and quarter of the last year is published for the whole centre.
PUBLISHED_MONTHS = 12


@router.get("/public/analysis")
@page
def public_analysis(request: Request) -> Response:
    wiring: Wiring = request.app.state.wiring
    return render(request, "public_analysis.html", periods=_published(today(wiring)))


@router.get("/public/analysis/{period}.pdf")
@page
def public_report(request: Request, period: str) -> Response:
    wiring: Wiring = request.app.state.wiring
    if period.upper() not in _published(today(wiring)):
        raise InvalidValue("period", "only complete months and quarters of the last year "
                                     "are published")
    report = wiring.analysis_report(period)
    body = render_pdf(report, Translator("zh").label, public=True)
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="analysis-report-{report.period.label}.pdf"'})


def _published(day: date) -> list[str]:
    """Complete periods, newest first: the last twelve months and four quarters."""
    periods = []
    month_end = day.replace(day=1) - timedelta(days=1)
    for _ in range(PUBLISHED_MONTHS):
        periods.append(f"{month_end:%Y-%m}")
        month_end = month_end.replace(day=1) - timedelta(days=1)
    quarter_start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    for _ in range(4):
        quarter_start = (quarter_start - timedelta(days=1)).replace(day=1)
        quarter_start = date(quarter_start.year, 3 * ((quarter_start.month - 1) // 3) + 1, 1)
        periods.append(f"{quarter_start.year}-Q{(quarter_start.month - 1) // 3 + 1}")
    return periods
