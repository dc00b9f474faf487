"""The `complaints` command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from adapters.demo_data import DemoFactory, record_demo
from adapters.projections import Fault
from adapters.settings import Settings
from api.bootstrap import Wiring, wire
from api.cli_audit import audit_app
from api.cli_backup import backup, restore
from api.cli_documents import documents_app
from api.cli_import import import_cases
from api.cli_outbox import outbox_app
from api.cli_report import report
from api.cli_warnings import warnings_app
from api.cli_keys import keys_app
from api.cli_organisations import organisations_app
from api.cli_odr import odr_app
from api.cli_retention import retention_app
from api.cli_serve import serve
from api.cli_users import users_app

app = typer.Typer(help="Consumer complaint desk (12315 model).", no_args_is_help=True)
projections_app = typer.Typer(help="Build and follow the read views.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
app.add_typer(projections_app, name="projections")
app.add_typer(demo_app, name="demo")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="user")
app.add_typer(retention_app, name="retention")
app.add_typer(keys_app, name="keys")
app.add_typer(documents_app, name="documents")
app.add_typer(organisations_app, name="organisation")
app.add_typer(odr_app, name="odr")
app.add_typer(outbox_app, name="outbox")
app.add_typer(warnings_app, name="warnings")
app.command("serve")(serve)
app.command("backup")(backup)
app.command("restore")(restore)
app.command("import")(import_cases)
app.command("report")(report)

console = Console()


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console)


def _open(follow: bool = False) -> Wiring:
    return wire(Settings(), follow=follow)


@projections_app.command("rebuild")
def projections_rebuild(
    name: Annotated[str | None, typer.Argument(help="One view; all views when omitted.")] = None,
) -> None:
    """Empty views and build them again from the first event."""
    wiring = _open()
    try:
        names = [name] if name else list(wiring.projections.views)
        unknown = [n for n in names if n not in wiring.projections.views]
        if unknown:
            console.print(f"[red]unknown view {unknown[0]!r}; known: "
                          f"{', '.join(wiring.projections.views)}[/red]")
            raise typer.Exit(2)
        with _progress() as progress:
            task = progress.add_task("rebuilding " + ", ".join(names), total=wiring.projections.head())
            done = wiring.projections.rebuild(names, progress=lambda n: progress.advance(task, n))
        console.print(f"rebuilt {', '.join(names)} from {done} events")
        faults = [f for f in wiring.projections.faults() if f.view in names]
        for fault in faults:
            console.print(f"[red]{fault.view} stopped at position {fault.position}: "
                          f"{_fault_line(fault)}[/red]")
        if faults:
            raise typer.Exit(1)
    finally:
        wiring.close()


@projections_app.command("run")
def projections_run(
    poll: Annotated[float, typer.Option(help="Seconds between polls when idle.")] = 0.5,
) -> None:
    """Follow the event store and keep every view current (a worker process)."""
    from api.views_worker import follow_until_stopped

    console.print(f"following {Settings().database_url.split('?')[0]}")
    follow_until_stopped(poll)


@projections_app.command("status")
def projections_status() -> None:
    """Each view's position, how far it trails the store, and any event that stops it.

    Exits 1 when a view is stopped by an event it cannot apply."""
    wiring = _open()
    try:
        table = Table("view", "position", "lag", "stopped by")
        head = wiring.projections.head()
        faults = {fault.view: fault for fault in wiring.projections.faults()}
        for name, position in wiring.projections.positions().items():
            fault = faults.get(name)
            table.add_row(name, str(position), str(head - position),
                          _fault_line(fault) if fault else "")
        console.print(table)
        if faults:
            raise typer.Exit(1)
    finally:
        wiring.close()


def _fault_line(fault: Fault) -> str:
    return (f"event {fault.notification_id} ({fault.topic.rsplit('.', 1)[-1]} of "
            f"{fault.originator_id} v{fault.originator_version}): {fault.error.rsplit('.', 1)[-1]}, "
            f"{fault.attempts} attempts")


@demo_app.command("seed")
def demo_seed(
    complaints: Annotated[int, typer.Option(min=1, max=2_000_000, help="How many complaints.")] = 500,
    seed: Annotated[int, typer.Option(help="Random seed, for repeatable demo data.")] = 12315,
) -> None:
    """Fill the store with realistic complaints across every state and industry."""
    wiring = _open()
    try:
        factory = DemoFactory(seed=seed, tz=wiring.settings.tz, offices=wiring.desk.offices)
        with _progress() as progress:
            task = progress.add_task("filing demo complaints", total=complaints)
            record_demo(wiring.desk, factory, complaints,
                        progress=lambda n: progress.advance(task, n))
            task = progress.add_task("updating views", total=None)
            wiring.projections.catch_up_in_bulk(progress=lambda n: progress.advance(task, n))
        _print_summary(wiring)
    finally:
        wiring.close()


def _print_summary(wiring: Wiring) -> None:
    counts = wiring.complaint_list.count_by_state()
    table = Table("state", "complaints", title="complaint list view")
    for state, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        table.add_row(state, str(n))
    table.add_row("[b]total[/b]", f"[b]{sum(counts.values())}[/b]")
    console.print(table)
    console.print(f"store: {wiring.settings.database_url.split('?')[0]}, "
                  f"events: {wiring.projections.head()}")


if __name__ == "__main__":
    app()
