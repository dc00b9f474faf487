"""`complaints outbox ...`: deliver the changes to the configured endpoints."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.http_post import HttpPost
from adapters.settings import Settings
from api.bootstrap import wire

outbox_app = typer.Typer(help="The outbox: changes delivered to other systems.",
                         no_args_is_help=True)
console = Console()


@outbox_app.command("run")
def outbox_run(
    poll: Annotated[float, typer.Option(min=0.05, help="Seconds between passes when idle.")] = 1.0,
) -> None:
    """Deliver continuously (one worker per store): new changes, retries when due."""
    wiring = wire(Settings())
    post = HttpPost()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        delivery = wiring.delivery(post)
        if not delivery.endpoints:
            console.print("[red]no endpoints: set COMPLAINTS_OUTBOX_ENDPOINTS[/red]")
            raise typer.Exit(2)
        console.print("delivering to " + ", ".join(e.name for e in delivery.endpoints))
        delivery.run_until(stop, poll=poll,
                           before=lambda: wiring.projections.catch_up(["outbox"]))
    except KeyboardInterrupt:
        pass
    finally:
        post.close()
        wiring.close()


@outbox_app.command("deliver")
def outbox_deliver() -> None:
    """One round: deliver everything due now, then stop (for cron, or after an outage)."""
    wiring = wire(Settings())
    post = HttpPost()
    try:
        wiring.projections.catch_up(["outbox"])
        result = wiring.delivery(post).drain()
        console.print(f"delivered {result.delivered}, failed {result.failed} "
                      f"(of which now dead letters: {result.dead})")
        _status(wiring)
    finally:
        post.close()
        wiring.close()


@outbox_app.command("status")
def outbox_status() -> None:
    """Per endpoint: changes pending, delivered, dead. Exit 1 when there are dead letters."""
    wiring = wire(Settings())
    try:
        wiring.projections.catch_up(["outbox"])
        if _status(wiring):
            raise typer.Exit(1)
    finally:
        wiring.close()


def _status(wiring) -> int:  # type: ignore[no-untyped-def]
    counts = wiring.outbox.counts()
    table = Table("endpoint", "pending", "delivered", "dead", title="outbox")
    dead = 0
    for endpoint in wiring.settings.outbox_endpoints:
        c = counts.get(endpoint.name, {"pending": 0, "delivered": 0, "dead": 0})
        table.add_row(endpoint.name, str(c["pending"]), str(c["delivered"]), str(c["dead"]))
        dead += c["dead"]
    console.print(table)
    return dead
