"""`complaints audit`: verify every hash chain against the latest signed checkpoint, make
checkpoints (once or at intervals), publish the checkpoint key, create audit keys."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from adapters.event_table import count_stored_events
from adapters.keys import new_chain_key, new_signing_key, signing_key_of, with_audit_keys
from adapters.settings import Settings
from api.bootstrap import Wiring, wire
from application.audit import StoreReport
from application.checkpoints import Checkpoint, StoreNotIntact, public_key_text

audit_app = typer.Typer(help="Tamper evidence.", no_args_is_help=True)
console = Console(stderr=True)
_stop = threading.Event()
# Waits between checkpoints; True means stop. Tests count the waits instead of sleeping.
pause = _stop.wait


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console)


def _total(wiring: Wiring) -> int:
    return count_stored_events(wiring.engine, wiring.desk.recorder.events_table_name)


def print_report(report: StoreReport) -> None:
    for broken in report.broken:
        typer.echo(f"BROKEN {broken.complaint_id} at version {broken.first_bad_version}: "
                   f"{broken.problem}")
    if report.checkpoint is None:
        typer.echo("no signed checkpoint yet (make one with: complaints audit checkpoint)")
    elif report.checkpoint.valid:
        typer.echo(f"checkpoint {report.checkpoint.seq} of {report.checkpoint.created} "
                   f"(digest {report.checkpoint.digest}): signature and chain heads match")
    else:
        typer.echo(f"CHECKPOINT {report.checkpoint.seq}: {report.checkpoint.problem}")
    typer.echo(f"checked {report.complaints} chains, {report.events} events: "
               f"{'all intact' if report.intact else f'{len(report.broken)} broken'}")


@audit_app.command("verify")
def audit_verify(
    against: Annotated[Path | None, typer.Option(
        help="A checkpoint published with `audit checkpoint --publish`: the store must "
             "still hold it.")] = None,
) -> None:
    """Exit 0 when every chain is intact and matches the latest checkpoint; otherwise
    name each broken chain and version, or what is wrong with the checkpoint."""
    published = _published(against) if against else None
    wiring = wire(Settings())
    try:
        with _progress() as progress:
            task = progress.add_task("verifying hash chains", total=_total(wiring))
            report = wiring.auditor.verify_store(progress=lambda n: progress.advance(task, n))
        missing = wiring.auditor.published_problem(published) if published else None
    finally:
        wiring.close()
    print_report(report)
    if missing:
        typer.echo(f"PUBLISHED: {missing}")
    raise typer.Exit(0 if report.intact and not missing else 1)


def _published(path: Path) -> Checkpoint:
    try:
        record = json.loads(path.read_text())
        return Checkpoint.stored(record["payload"], record["signature"])
    except (OSError, ValueError, KeyError, TypeError):
        typer.echo(f"{path} is not a checkpoint written by `audit checkpoint --publish`")
        raise typer.Exit(2) from None


def _checkpoint_once(wiring: Wiring) -> Checkpoint:
    with _progress() as progress:
        task = progress.add_task("verifying and signing", total=_total(wiring))
        return wiring.auditor.checkpoint(progress=lambda n: progress.advance(task, n))


@audit_app.command("checkpoint")
def audit_checkpoint(
    every: Annotated[int | None, typer.Option(
        min=1, help="Keep running: one checkpoint every this many minutes.")] = None,
    publish: Annotated[Path | None, typer.Option(
        help="Also write the signed checkpoint (JSON) to this file, to keep elsewhere.")] = None,
) -> None:
    """Verify the store, then sign the head of every chain as one checkpoint."""
    wiring = wire(Settings())
    try:
        while True:
            try:
                checkpoint = _checkpoint_once(wiring)
            except StoreNotIntact as refused:
                print_report(refused.report)
                typer.echo(f"REFUSED: {refused}")
                raise typer.Exit(1) from None
            typer.echo(f"checkpoint {checkpoint.seq}: {checkpoint.chains} chains, "
                       f"{checkpoint.events} events, digest {checkpoint.digest}")
            if publish:
                publish.write_text(json.dumps(checkpoint.as_published(), indent=1) + "\n")
            if every is None or pause(every * 60):
                break
    except KeyboardInterrupt:
        pass
    finally:
        wiring.close()


@audit_app.command("public-key")
def audit_public_key() -> None:
    """Print the checkpoint signing key's public half (base64 Ed25519), to publish."""
    settings = with_audit_keys(Settings())
    typer.echo(public_key_text(signing_key_of(settings.signing_key or "").public_key()))


@audit_app.command("keys")
def audit_keys() -> None:
    """Print a new chain key and signing key as environment lines, for a secret store."""
    typer.echo(f"COMPLAINTS_CHAIN_KEY={new_chain_key()}")
    typer.echo(f"COMPLAINTS_SIGNING_KEY={new_signing_key()}")
