"""`complaints retention run`: erase personal data kept past its retention period."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from adapters.settings import Settings
from api.bootstrap import wire

retention_app = typer.Typer(help="Retention and erasure of personal data.", no_args_is_help=True)
console = Console(stderr=True)


@retention_app.command("run")
def retention_run(
    dry_run: Annotated[bool, typer.Option(help="Only count what is due.")] = False,
) -> None:
    """Erase the personal data of complaints closed longer than the retention period.

    Idempotent: a complaint already erased is skipped, one on legal hold is kept.
    """
    wiring = wire(Settings())
    try:
        wiring.projections.catch_up()
        retention = wiring.retention
        due = retention.due()
        if dry_run:
            typer.echo(f"{len(due)} closed complaints received before "
                       f"{retention.cutoff():%Y-%m-%d} to examine "
                       f"(retention: {retention.years} years after closure)")
            return
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=console) as progress:
            task = progress.add_task("erasing personal data past retention", total=len(due))
            report = retention.run(due, progress=lambda n: progress.advance(task, n))
        wiring.projections.catch_up()
    finally:
        wiring.close()
    typer.echo(f"examined {report.examined}: erased {len(report.erased)}, "
               f"already erased {report.already_erased}, on legal hold {report.held}, "
               f"not yet due {report.not_due}")
