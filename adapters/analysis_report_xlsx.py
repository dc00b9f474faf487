"""The statistical analysis report as an XLSX workbook (openpyxl): the same figures as
the PDF, one sheet per part, numbers as numbers (rates as percentages, money to the
fen), and native Excel charts of the monthly volume and the industries."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from adapters.documents.analysis_report import WORDS, report_title
from application.analysis_report import AnalysisReport

Label = Callable[[str, str], str]
PERCENT = "0.0%"
MONEY = "#,##0.00"


def render_xlsx(report: AnalysisReport, label: Label) -> bytes:
    book = Workbook()
    s = report.stats
    summary = book.active
    summary.title = "概况"
    summary.append([report_title(report)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([report.office_name, str(report.period.since), str(report.period.until)])
    summary.append([])
    _rows(summary, ["指标", "本期", "上期", "增减", "增减幅度"], [
        [WORDS[c.name], _num(c.now), _num(c.before), _num(c.delta),
         float(c.percent) / 100 if c.percent is not None else None] for c in report.changes],
        formats={2: MONEY, 3: MONEY, 4: MONEY, 5: PERCENT})
    summary.append([])
    _rows(summary, ["比率", "本期", "上期"], [
        [WORDS[name], _rate(now), _rate(before)] for name, now, before in report.rates],
        formats={2: PERCENT, 3: PERCENT})

    months = book.create_sheet("近十二个月")
    _rows(months, ["月份", "登记", "受理", "已办结", "调解成功", "挽回损失（元）", "受理按时率",
                   "调解按时率"],
          [[m.month, m.received, m.accepted, m.closed, m.resolved, _num(m.amount_recovered),
            _rate(m.acceptance_on_time_rate), _rate(m.mediation_on_time_rate)] for m in report.trend],
          formats={6: MONEY, 7: PERCENT, 8: PERCENT})
    _chart(months, "月度登记量", len(report.trend), anchor="J2")

    for title, rows, section in (("行业", report.top_industries, "industry"),
                                 ("问题类型", report.top_problems, "problem"),
                                 ("经营者", report.top_businesses, "business")):
        sheet = book.create_sheet(title)
        _rows(sheet, [title, "投诉量", "挽回损失（元）"],
              [[_named(label, section, x.key, x.label), x.complaints, _num(x.recovered)]
               for x in rows], formats={3: MONEY})
        if section == "industry":
            _chart(sheet, "行业投诉量", len(rows), anchor="E2")

    outcomes = book.create_sheet("处理结果")
    _rows(outcomes, ["结果", "件数"],
          [[label("state", k), n] for k, n in sorted(s.by_state.items(), key=lambda kv: -kv[1])]
          + [["不予受理：" + label("reject_reason", k), n] for k, n in s.by_reject_reason.items()]
          + [["终止调解：" + label("terminate_reason", k), n]
             for k, n in s.by_terminate_reason.items()])
    if report.reports is not None:
        q = report.reports
        reports = book.create_sheet("举报")
        _rows(reports, ["举报", "本期"], [
            ["收到举报", q["received"]], ["作出是否立案的决定", q["decisions"]],
            *[[label("report_state", k), n] for k, n in sorted(q["by_decision"].items())],
            ["按期核查率", q["verification_on_time_rate"]], ["立案率", q["case_opened_rate"]]])
        for row in (reports.max_row - 1, reports.max_row):
            reports.cell(row=row, column=2).number_format = PERCENT
        reports.append([])
        _rows(reports, ["来源", "件数"],
              [[label("report_source", k), n] for k, n in sorted(q["by_source"].items())])
        reports.append([])
        _rows(reports, ["本期办结的举报", "件数"],
              [[label("report_outcome", k) if k else "—", n]
               for k, n in sorted(q["by_outcome"].items(), key=lambda kv: kv[0] or "")])
    if report.per_office:
        offices = book.create_sheet("办理机构")
        _rows(offices, ["机构", "代码", "登记", "受理按时率", "调解按时率"],
              [[o["name"], o["office"], o["received"], _rate(o["acceptance_on_time_rate"]),
                _rate(o["mediation_on_time_rate"])] for o in report.per_office],
              formats={4: PERCENT, 5: PERCENT})
    book.properties.creator = "complaint-desk"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(sheet: Any, header: list[str], rows: list[list[Any]],
          formats: dict[int, str] | None = None) -> None:
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for column, number_format in (formats or {}).items():
            sheet.cell(row=sheet.max_row, column=column).number_format = number_format
    sheet.column_dimensions["A"].width = 28


def _chart(sheet: Any, title: str, n: int, *, anchor: str) -> None:
    if not n:
        return
    chart = BarChart()
    chart.title = title
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=n + 1))
    sheet.add_chart(chart, anchor)


def _named(label: Label, section: str, key: str, name: str) -> str:
    if section == "industry":
        return label("industry", key)
    if section == "problem":
        category, industry = key.split(":", 1)
        return f"{label('industry', industry)} · {label('category', category)}"
    return name


def _num(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
