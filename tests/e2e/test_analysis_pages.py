"""The statistical analysis report page: a supervisor downloads PDF and XLSX; no one else."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.e2e.test_pages import desk, strict_catalogs  # noqa: F401 (fixtures)


def test_a_supervisor_downloads_the_months_report_as_pdf_and_xlsx(api, desk):  # noqa: F811
    for state in ("accepted", "resolved", "rejected"):
        api.complaint_in(state)
    assert api.wiring.projections.wait_until(api.wiring.projections.head(), timeout=10)
    supervisor = desk["sup01"]

    form = supervisor.get("/analysis")
    pdf = supervisor.get("/analysis/download?period=2026-05&format=pdf")
    xlsx = supervisor.get("/analysis/download?period=2026-Q2&office=SH-PD&format=xlsx")

    assert form.status_code == 200 and 'action="/analysis/download"' in form.text
    assert 'href="/analysis"' in form.text  # in the supervisor's navigation
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="analysis-report-2026-05.pdf"'
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "2026年5月消费者投诉统计分析报告" in text and "共受理登记消费者投诉3件" in text
    book = load_workbook(BytesIO(xlsx.content))
    assert book["概况"]["A1"].value == "2026年第2季度消费者投诉统计分析报告"
    assert book["概况"]["A2"].value == "浦东新区市场监督管理局"


def test_the_report_refuses_other_roles_and_bad_periods_with_a_page(api, desk):  # noqa: F811
    refused = desk["op01"].get("/analysis/download?period=2026-05")
    bad = desk["sup01"].get("/analysis/download?period=someday")
    future = desk["sup01"].get("/analysis/download?period=2027-01")
    wrong = desk["sup01"].get("/analysis/download?period=2026-05&format=docx")

    assert refused.status_code == 403
    assert bad.status_code == 400 and future.status_code == 400 and wrong.status_code == 400
    assert "text/html" in bad.headers["content-type"]


def test_complete_periods_are_published_for_everyone_without_the_ranking_of_businesses(api, desk):  # noqa: F811
    api.complaint_in("resolved")
    assert api.wiring.projections.wait_until(api.wiring.projections.head(), timeout=10)

    listed = api.http.get("/public/analysis")
    published = api.http.get("/public/analysis/2026-04.pdf")
    current = api.http.get("/public/analysis/2026-05.pdf")
    internal = desk["sup01"].get("/analysis/download?period=2026-04&format=pdf")

    assert listed.status_code == 200
    assert 'href="/public/analysis/2026-04.pdf"' in listed.text
    assert 'href="/public/analysis/2026-Q1.pdf"' in listed.text
    assert "2026-05.pdf" not in listed.text  # the month is not over
    assert published.headers["content-type"] == "application/pdf"
    public_text = "".join(p.extract_text() for p in PdfReader(BytesIO(published.content)).pages)
    internal_text = "".join(p.extract_text() for p in PdfReader(BytesIO(internal.content)).pages)
    assert "2026年4月消费者投诉统计分析报告" in "".join(public_text.split())
    assert "被投诉较多的经营者" in internal_text and "被投诉较多的经营者" not in public_text
    assert current.status_code == 400
