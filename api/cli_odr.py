"""`complaints odr ...`: the ODR window sweep, meant to run on a schedule (cron, a
systemd timer) from one or several hosts at once."""

from __future__ import annotations

import typer
from rich.console import Console

from adapters.settings import Settings
from api.bootstrap import wire

odr_app = typer.Typer(help="Online pre-settlement (ODR).", no_args_is_help=True)
console = Console(stderr=True)


@odr_app.command("sweep")
def odr_sweep() -> None:
    """Return to `filed` every forwarded complaint whose ODR window ran out unanswered.

    Idempotent and safe from several workers: a complaint already returned, answered
    or taken by another worker is left alone.
    """
    wiring = wire(Settings())
    try:
        wiring.projections.catch_up()
        result = wiring.odr.sweep()
        wiring.projections.catch_up()
    finally:
        wiring.close()
    typer.echo(f"{len(result.returned)} of {result.looked_at} complaints under negotiation "
               "returned to the office")
