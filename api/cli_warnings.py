"""`complaints warnings detect`: the weekly surge test behind consumer warnings."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.settings import Settings
from api.bootstrap import wire
from domain.permissions import Actor
from domain.vocabulary import Role

warnings_app = typer.Typer(help="Consumer warnings (Order 121 Art. 38).", no_args_is_help=True)
console = Console()


@warnings_app.command("detect")
def warnings_detect(
    by: Annotated[str, typer.Option(help="The supervisor running the test (recorded).")],
    week: Annotated[str | None, typer.Option(
        help="A day of the week to test (YYYY-MM-DD); default: the last complete week.")] = None,
) -> None:
    """Test every business, industry and kind of problem; record a flag for each surge.
    Run it weekly (cron); a week already tested raises nothing twice."""
    wiring = wire(Settings())
    try:
        wiring.projections.catch_up()
        found = wiring.warnings.detect(actor=Actor(by, Role.SUPERVISOR),
                                       week_start=date.fromisoformat(week) if week else None)
        wiring.projections.catch_up()
        console.print(f"week of {found.week_start}: {found.tested} subjects tested, "
                      f"{len(found.raised)} new flags")
        raised = {str(i) for i in found.raised}
        table = Table("kind", "subject", "complaints", "baseline/week", "p", title="new flags")
        for flag in wiring.warnings.flags(since=found.week_start):
            if str(flag["id"]) in raised:
                table.add_row(flag["kind"], flag["label"], str(flag["observed"]),
                              flag["baseline"], flag["p_value"])
        if raised:
            console.print(table)
    finally:
        wiring.close()
