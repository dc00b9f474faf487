"""`complaints backup DEST` and `complaints restore SRC`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from adapters.backup import (
    BackupError,
    Manifest,
    back_up,
    backed_up_checkpoint,
    backed_up_events,
    check_destination,
    read_manifest,
    restore_rows,
    store_is_empty,
)
from adapters.event_table import count_stored_events
from adapters.settings import Settings
from api.bootstrap import Wiring, wire
from api.cli_audit import print_report
from application.audit import SEED, chain_hash, decode_stored
from application.checkpoints import StoreNotIntact, key_id_of

console = Console(stderr=True)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console)


def backup(
    dest: Annotated[Path, typer.Argument(help="A new (or empty) folder for the backup.")],
    keys_backed_up_at: Annotated[str, typer.Option(
        "--keys-backed-up-at",
        help="Where the cipher, chain and signing keys are backed up (they are never put "
             "in the backup; without them it cannot be read or verified).")],
) -> None:
    """Sign a checkpoint, then write a consistent snapshot of the store and its manifest."""
    if not keys_backed_up_at.strip():
        typer.echo("REFUSED: say where the keys are backed up (--keys-backed-up-at)")
        raise typer.Exit(2)
    try:
        check_destination(dest)
    except BackupError as refused:
        typer.echo(f"REFUSED: {refused}")
        raise typer.Exit(1) from None
    wiring = wire(Settings())
    try:
        table = wiring.desk.recorder.events_table_name
        with _progress() as progress:
            task = progress.add_task("verifying and signing a checkpoint",
                                     total=count_stored_events(wiring.engine, table))
            checkpoint = wiring.auditor.checkpoint(progress=lambda n: progress.advance(task, n))
            task = progress.add_task("copying the store", total=None)
            manifest = back_up(wiring.settings, table, dest, keys_backed_up_at=keys_backed_up_at,
                               progress=lambda n: progress.advance(task, n))
    except StoreNotIntact as refused:
        print_report(refused.report)
        typer.echo(f"REFUSED: {refused}")
        raise typer.Exit(1) from None
    except BackupError as refused:
        typer.echo(f"REFUSED: {refused}")
        raise typer.Exit(1) from None
    finally:
        wiring.close()
    counts = manifest.data["counts"]
    typer.echo(f"backed up {counts['events']} events of {counts['chains']} chains to {dest} "
               f"(checkpoint {checkpoint.seq}, digest {manifest.checkpoint_digest}); "
               f"keys: {keys_backed_up_at}")


def restore(
    src: Annotated[Path, typer.Argument(help="A folder written by `complaints backup`.")],
) -> None:
    """Restore a backup into an empty store (either backend), rebuild the views, and
    succeed only when every chain and the checkpoint verify."""
    try:
        manifest = read_manifest(src)
    except BackupError as refused:
        typer.echo(f"REFUSED: {refused}")
        raise typer.Exit(1) from None
    settings = Settings()
    if not settings.is_postgres:  # restoring to a new place is the usual case
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    wiring = wire(settings)
    try:
        _restore_into(wiring, src, manifest)
    finally:
        wiring.close()


def _restore_into(wiring: Wiring, src: Path, manifest: Manifest) -> None:
    table = wiring.desk.recorder.events_table_name
    if not store_is_empty(wiring.engine, table):
        typer.echo("REFUSED: the store is not empty; restore goes into an empty store only")
        raise typer.Exit(1)
    problem = _keys_problem(wiring, src, manifest)
    if problem:
        typer.echo(f"REFUSED: {problem}; the manifest says the keys are backed up at: "
                   f"{manifest.data.get('keys_backed_up_at')}")
        raise typer.Exit(1)
    with _progress() as progress:
        task = progress.add_task("restoring events", total=manifest.events)
        restored = restore_rows(src, wiring.engine, wiring.desk.recorder.insert_events,
                                progress=lambda n: progress.advance(task, n))
        task = progress.add_task("rebuilding views", total=restored)
        wiring.projections.rebuild(progress=lambda n: progress.advance(task, n))
        task = progress.add_task("verifying chains and checkpoint", total=restored)
        report = wiring.auditor.verify_store(progress=lambda n: progress.advance(task, n))
    print_report(report)
    failures = []
    if not report.intact:
        failures.append("the restored store does not verify")
    if report.events != manifest.events:
        failures.append(f"{report.events} events restored, the manifest lists {manifest.events}")
    digest = report.checkpoint.digest if report.checkpoint else None
    if digest != manifest.checkpoint_digest:
        failures.append(f"the restored checkpoint ({digest}) is not the manifest's "
                        f"({manifest.checkpoint_digest})")
    if failures:
        typer.echo("FAILED: " + "; ".join(failures))
        raise typer.Exit(1)
    typer.echo(f"restored {restored} events from {src} ({manifest.data['backend']} backup of "
               f"{manifest.data['created']}); chains and checkpoint verified")


def _keys_problem(wiring: Wiring, src: Path, manifest: Manifest) -> str | None:
    """Check the configured keys against the backup before anything is written."""
    first = next(backed_up_events(src), None)
    if first is not None:
        try:
            state = decode_stored(wiring.desk.mapper, first)
        except Exception:  # the authentication tag fails under another cipher key
            return "the cipher key configured here cannot read the backed-up events"
        if first.originator_version == 1 and state.get("hash") != chain_hash(
                wiring.desk.mapper, SEED, originator_id=str(first.originator_id), version=1,
                topic=first.topic, state=state, key=wiring.desk.chain_key):
            return "the chain key configured here is not the one the events were linked with"
    signed = backed_up_checkpoint(src)
    if signed is not None:
        if signed.key_id != key_id_of(wiring.auditor.public_key):
            return "the signing key configured here is not the one that signed the checkpoint"
    return None
