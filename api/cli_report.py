"""`complaints report`: the statistical analysis report as PDF and XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adapters.analysis_report_xlsx import render_xlsx
from adapters.documents.analysis_report import render_pdf
from adapters.settings import Settings
from api.bootstrap import wire
from api.pages.i18n import Translator
from domain.errors import InvalidValue

console = Console()


def report(
    month: Annotated[str | None, typer.Option(help="A month, e.g. 2026-11.")] = None,
    quarter: Annotated[str | None, typer.Option(help="A quarter, e.g. 2026-Q4.")] = None,
    office: Annotated[str | None, typer.Option(
        help="One office's report; the whole centre when omitted.")] = None,
    out: Annotated[Path, typer.Option(file_okay=False, help="Folder to write into.")] = Path("."),
) -> None:
    """Write the statistical analysis report (Order 121 Art. 38) as PDF and XLSX, with the
    dashboard's own figures for the period and the change against the period before."""
    if (month is None) == (quarter is None):
        console.print("[red]give one of --month YYYY-MM or --quarter YYYY-Qn[/red]")
        raise typer.Exit(2)
    wiring = wire(Settings())
    try:
        wiring.projections.catch_up()
        try:
            found = wiring.analysis_report(month or quarter or "", office)
        except InvalidValue as problem:
            console.print(f"[red]{problem}[/red]")
            raise typer.Exit(2) from None
        label = Translator("zh").label
        out.mkdir(parents=True, exist_ok=True)
        stem = f"analysis-report-{found.period.label}" + (f"-{office}" if office else "")
        pdf, xlsx = out / f"{stem}.pdf", out / f"{stem}.xlsx"
        pdf.write_bytes(render_pdf(found, label))
        xlsx.write_bytes(render_xlsx(found, label))
        s = found.stats
        console.print(f"{found.office_name} {found.period.label}: received {s.received}, "
                      f"accepted {s.accepted}, resolved {s.mediation.resolved}, "
                      f"recovered {s.amount_recovered} yuan")
        console.print(f"wrote {pdf} and {xlsx}")
    finally:
        wiring.close()
