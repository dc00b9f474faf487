"""The statistical analysis report printed as PDF with the documents' typesetting
(WeasyPrint, Noto CJK), charts drawn as bars in the page itself so that every label
is the same embedded font as the text: Chinese never prints as boxes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from adapters.documents.pdf import TEMPLATES, check_font
from application.analysis_report import AnalysisReport, Ranked

Label = Callable[[str, str], str]
TEMPLATE = "analysis_report.v1.html"

WORDS = {
    "received": "登记投诉", "accepted": "受理", "closed": "已办结（本期登记中）",
    "resolved": "调解成功（本期结案中）",
    "amount_recovered": "挽回经济损失（元）",
    "acceptance_on_time_rate": "受理按时率", "mediation_success_rate": "调解成功率",
    "mediation_on_time_rate": "调解按时率", "closure_rate": "办结率",
    "satisfaction_rate": "满意率", "callback_rate": "回访率",
}


def report_title(report: AnalysisReport) -> str:
    return f"{report.period.title}消费者投诉统计分析报告"


def render_html(report: AnalysisReport, label: Label, *, public: bool = False) -> str:
    """`public`: the edition for everyone, without the ranking of businesses (whose
    disclosure goes case by case, with the withholdings of Order 121 Art. 39)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html"], default=True))
    env.filters["day"] = lambda d: f"{d.year}年{d.month}月{d.day}日" if d else ""
    s = report.stats
    changes = {c.name: c for c in report.changes}

    def change(name: str) -> str:
        c = changes[name]
        if c.percent is None:
            return "上期无可比数据"
        word = "增长" if c.percent > 0 else ("下降" if c.percent < 0 else "持平")
        return word if c.percent == 0 else f"{word}{abs(c.percent)}%"

    def named(section: str, x: Ranked) -> str:
        if section == "industry":
            return label("industry", x.key)
        if section == "problem":
            category, industry = x.key.split(":", 1)
            return f"{label('industry', industry)} · {label('category', category)}"
        return x.label

    states = sorted(s.by_state.items(), key=lambda kv: -kv[1])
    return env.get_template(TEMPLATE).render(
        r=report, s=s, title=report_title(report), public=public,
        created=str(report.generated_on or ""),
        period_text="月度报告" if report.period.kind == "month" else "季度报告",
        words=WORDS, change=change, named=named, label=label, states=states,
        month_max=max([m.received for m in report.trend] or [1]) or 1,
        number=_number, money=_money, signed=_signed, percent=_percent, share=_share,
        width=_width, scaled=_scaled)


def render_pdf(report: AnalysisReport, label: Label, *, public: bool = False) -> bytes:
    from weasyprint import HTML

    check_font()
    return HTML(string=render_html(report, label, public=public),
                base_url=str(TEMPLATES)).write_pdf()


def _number(value: Any) -> str:
    return _money(value) if isinstance(value, Decimal) else f"{value:,}"


def _money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):,.2f}"


def _signed(value: Any) -> str:
    text = _number(abs(value))
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else "0")


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:+}%"


def _share(value: Decimal | float | None) -> str:
    # The report figures give rates as floats, the complaint statistics as Decimals.
    return "—" if value is None else f"{(Decimal(str(value)) * 100).quantize(Decimal('0.1'))}%"


def _width(value: Decimal | None) -> str:
    return "0" if value is None else str((value * 100).quantize(Decimal("0.1")))


def _scaled(n: int, total: int) -> str:
    return "0" if not total else str(round(100 * n / total, 1))

