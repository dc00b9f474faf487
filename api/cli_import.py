"""`complaints import FILE`: cases exported from the national 12315 platform."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from adapters.national_import import ColumnMap, ImportFileError, read_rows
from adapters.settings import Settings
from api.bootstrap import wire
from application.imports import ImportSummary, NationalImport

console = Console()
# Enough errors on screen to see what went wrong; `--errors` keeps every one.
SHOWN_ERRORS = 50


def import_cases(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                         help="A .csv or .xlsx export of the national platform.")],
    office: Annotated[str | None, typer.Option(
        help="Office code for rows that name no handling office.")] = None,
    columns: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False,
        help="A column map of your own (default: adapters/data/national_columns.toml).")] = None,
    errors: Annotated[Path | None, typer.Option(
        dir_okay=False, help="Write every row error to this CSV file.")] = None,
) -> None:
    """Import cases with their platform number and history; a case already imported is
    left as it is. Rows with errors are listed by row and column and skipped; the exit
    status is 1 when there were any."""
    try:
        total, rows = read_rows(file, ColumnMap.load(columns))
    except ImportFileError as problem:
        console.print(f"[red]{problem}[/red]")
        raise typer.Exit(2) from None
    wiring = wire(Settings())
    try:
        importer = NationalImport(wiring.desk, default_office=office)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=console) as progress:
            task = progress.add_task(f"importing {file.name}", total=total)
            summary = importer.run(rows, progress=lambda n: progress.advance(task, n))
            task = progress.add_task("updating views", total=None)
            wiring.projections.catch_up(progress=lambda n: progress.advance(task, n))
    finally:
        wiring.close()
    _report(summary, errors)
    if summary.errors:
        raise typer.Exit(1)


def _report(summary: ImportSummary, errors_file: Path | None) -> None:
    table = Table("rows read", "imported", "already imported", "rows with errors", "events",
                  title="import")
    failed = len({e.row for e in summary.errors})
    table.add_row(str(summary.rows), str(summary.imported), str(summary.already_imported),
                  str(failed), str(summary.events))
    console.print(table)
    if not summary.errors:
        return
    shown = Table("row", "column", "problem", title="rows not imported")
    for error in summary.errors[:SHOWN_ERRORS]:
        shown.add_row(str(error.row), error.column, error.message)
    console.print(shown)
    if len(summary.errors) > SHOWN_ERRORS:
        console.print(f"... and {len(summary.errors) - SHOWN_ERRORS} more"
                      + ("" if errors_file else " (use --errors FILE to keep them all)"))
    if errors_file:
        with errors_file.open("w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "column", "problem"])
            writer.writerows([e.row, e.column, e.message] for e in summary.errors)
        console.print(f"every row error is in {errors_file}")
