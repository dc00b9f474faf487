"""The statistical analysis report (Order 121 Art. 38): the dashboard's own figures, as
PDF and XLSX, for the whole centre and for one office."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from adapters.analysis_report_xlsx import render_xlsx
from adapters.demo_data import DemoFactory, record_demo
from adapters.documents.analysis_report import render_pdf
from adapters.settings import Settings
from api.bootstrap import wire
from api.cli import app
from api.pages.i18n import Translator
from domain.errors import InvalidValue

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def wiring(database_url, clock):
    clock.now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    wired = wire(Settings(database_url=database_url), clock=clock)
    record_demo(wired.desk, DemoFactory(seed=7, now=clock.now, tz=wired.settings.tz), 250)
    wired.projections.catch_up()
    yield wired
    wired.close()


def test_the_report_has_the_dashboards_figures_and_the_change_against_the_month_before(wiring):
    report = wiring.analysis_report("2026-11")

    dashboard = wiring.disclosure.statistics(since=NOVEMBER[0], until=NOVEMBER[1])
    october = wiring.disclosure.statistics(since=date(2026, 10, 1), until=date(2026, 10, 31))
    assert report.stats == dashboard
    assert report.before == october
    received = next(c for c in report.changes if c.name == "received")
    assert (received.now, received.before) == (dashboard.received, october.received)
    assert dashboard.received > 0
    assert sum(o["received"] for o in report.per_office) == dashboard.received
    # The rankings count as the dashboard's breakdown does, busiest first.
    assert {x.key: x.complaints for x in report.top_industries} == dict(
        sorted(dashboard.by_industry.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
    assert [m.month for m in report.trend][-1] == "2026-11"
    assert report.top_businesses[0].complaints >= report.top_businesses[-1].complaints


def test_an_offices_report_counts_only_that_office(wiring):
    centre = wiring.analysis_report("2026-Q4")
    office, count = max(centre.stats.by_office.items(), key=lambda kv: kv[1])

    one = wiring.analysis_report("2026-Q4", office)

    assert one.stats.received == count
    assert set(one.stats.by_office) == {office}
    assert one.per_office == []
    with pytest.raises(InvalidValue, match="office"):
        wiring.analysis_report("2026-Q4", "NO-SUCH")
    with pytest.raises(InvalidValue, match="period"):
        wiring.analysis_report("2027-01")


def test_the_pdf_prints_the_figures_in_chinese_with_extractable_text(wiring):
    report = wiring.analysis_report("2026-11")

    pdf = render_pdf(report, Translator("zh").label)

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    compact = "".join(text.split())
    assert "2026年11月消费者投诉统计分析报告" in compact
    assert f"共受理登记消费者投诉{report.stats.received}件" in compact
    assert "调解成功率" in compact and "各办理机构" in compact
    top = report.top_industries[0]
    assert Translator("zh").label("industry", top.key) in compact
    assert render_pdf(report, Translator("zh").label)[:4] == b"%PDF"


def test_the_workbook_holds_the_same_numbers_and_a_chart(wiring):
    report = wiring.analysis_report("2026-11")

    book = load_workbook(BytesIO(render_xlsx(report, Translator("zh").label)))

    summary = book["概况"]
    rows = {row[0]: row[1:] for row in summary.iter_rows(min_row=4, values_only=True) if row[0]}
    assert rows["登记投诉"][:2] == (report.stats.received, report.before.received)
    assert rows["调解成功率"][0] == pytest.approx(float(report.stats.mediation_success_rate))
    assert book["近十二个月"]._charts and book["行业"]._charts
    industries = list(book["行业"].iter_rows(min_row=2, values_only=True))
    assert industries[0][1] == report.top_industries[0].complaints
    assert set(book.sheetnames) >= {"概况", "近十二个月", "行业", "问题类型", "经营者", "处理结果",
                                    "办理机构"}


def test_the_report_command_writes_both_files(database_url, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    wired = wire(Settings(database_url=database_url))
    try:
        record_demo(wired.desk, DemoFactory(seed=3, tz=wired.settings.tz), 60)
    finally:
        wired.close()
    runner = CliRunner()
    month = datetime.now(UTC).strftime("%Y-%m")

    done = runner.invoke(app, ["report", "--month", month, "--out", str(tmp_path)])
    neither = runner.invoke(app, ["report", "--out", str(tmp_path)])
    bad = runner.invoke(app, ["report", "--quarter", "2026-Q9", "--out", str(tmp_path)])

    assert done.exit_code == 0, done.output
    assert (tmp_path / f"analysis-report-{month}.pdf").read_bytes()[:4] == b"%PDF"
    assert (tmp_path / f"analysis-report-{month}.xlsx").stat().st_size > 0
    assert neither.exit_code == 2 and bad.exit_code == 2 and "period" in bad.output


def test_the_report_counts_the_reports_received_decided_and_closed_in_the_period(wiring):
    from adapters.demo_reports import STORIES, record_demo_reports

    record_demo_reports(wiring.desk, DemoFactory(seed=3, now=datetime(2026, 11, 20, 2, 0,
                                                                      tzinfo=UTC)))
    wiring.projections.catch_up()
    quarter = (date(2026, 10, 1), date(2026, 12, 31))

    centre = wiring.analysis_report("2026-Q4")
    office = max(centre.stats.by_office, key=centre.stats.by_office.get)
    one = wiring.analysis_report("2026-Q4", office)

    figures = wiring.report_views.statistics(start=quarter[0], end=quarter[1])
    assert centre.reports == figures and 0 < figures["received"] <= len(STORIES)
    assert one.reports == wiring.report_views.statistics(start=quarter[0], end=quarter[1],
                                                         office=office)
    assert one.reports["received"] < centre.reports["received"]
    label = Translator("zh").label
    text = "".join("".join(p.extract_text().split())
                   for p in PdfReader(BytesIO(render_pdf(centre, label))).pages)
    assert f"六、举报本期收到举报{figures['received']}件" in text
    assert "七、各办理机构" in text
    sheet = load_workbook(BytesIO(render_xlsx(centre, label)))["举报"]
    assert [sheet["A2"].value, sheet["B2"].value] == ["收到举报", figures["received"]]
