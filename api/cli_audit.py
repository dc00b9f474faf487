"""`complaints audit verify`: recompute every hash chain in the store."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from adapters.event_table import count_stored_events, stored_events_by_complaint
from adapters.settings import Settings
from api.bootstrap import wire

audit_app = typer.Typer(help="Tamper evidence.", no_args_is_help=True)
console = Console(stderr=True)


@audit_app.command("verify")
def audit_verify() -> None:
    """Exit 0 when every complaint's chain is intact; otherwise name each broken one."""
    wiring = wire(Settings())
    try:
        table = wiring.desk.recorder.events_table_name
        total = count_stored_events(wiring.engine, table)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=console) as progress:
            task = progress.add_task("verifying hash chains", total=total)
            report = wiring.desk.verify_store(
                stored_events_by_complaint(wiring.engine, table),
                progress=lambda n: progress.advance(task, n),
            )
    finally:
        wiring.close()
    for broken in report.broken:
        typer.echo(f"BROKEN {broken.complaint_id} at version {broken.first_bad_version}: "
                   f"{broken.problem}")
    typer.echo(f"checked {report.complaints} complaints, {report.events} events: "
               f"{'all intact' if report.intact else f'{len(report.broken)} broken'}")
    raise typer.Exit(0 if report.intact else 1)
