"""`complaints documents verify`: render every issued document again and compare its
bytes with the SHA-256 recorded when it was issued (exit codes like `audit verify`)."""

from __future__ import annotations

import typer

from adapters.event_table import originators_with
from adapters.settings import Settings
from api.bootstrap import wire

documents_app = typer.Typer(help="Statutory documents.", no_args_is_help=True)


@documents_app.command("verify")
def documents_verify() -> None:
    """Exit 0 when every issued document renders to its recorded hash; otherwise name
    each one that does not, and exit 1."""
    wiring = wire(Settings())
    try:
        complaints = originators_with(wiring.engine, wiring.desk.recorder.events_table_name,
                                      "DocumentIssued")
        report = wiring.documents.verify(complaints)
    finally:
        wiring.close()
    for mismatch in report.mismatches:
        typer.echo(f"MISMATCH {mismatch.number} of complaint {mismatch.complaint_id}: "
                   f"recorded {mismatch.recorded}, renders {mismatch.rendered}")
    if report.erased:
        typer.echo(f"{report.erased} documents of erased cases not checked (no personal data "
                   "left to print them from)")
    typer.echo(f"checked {report.checked} documents: "
               f"{'all match' if report.ok else f'{len(report.mismatches)} do not match'}")
    raise typer.Exit(0 if report.ok else 1)
