"""`complaints keys rotate NAME`: move to a new key without stopping the desk."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from adapters.event_table import count_stored_events
from adapters.key_rotation import (
    RotationRefused,
    add_newest_key,
    drop_older_keys,
    reencrypt_events,
    rekey_index,
)
from adapters.keyring import Keyring
from adapters.keys import CIPHER, KINDS, KeySource, with_keys
from adapters.settings import Settings
from api.bootstrap import wire

keys_app = typer.Typer(help="Key rotation.", no_args_is_help=True)
console = Console(stderr=True)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    console=console)


@keys_app.command("rotate")
def keys_rotate(
    name: Annotated[str, typer.Argument(help="cipher, blind-index or search-tokens")],
    events: Annotated[bool, typer.Option(
        help="cipher: also rewrite stored events under the new key, so the old can go")] = False,
    drop_old: Annotated[bool, typer.Option(
        help="afterwards keep only the newest key in the SQLite key file")] = False,
) -> None:
    """Add a newest key (SQLite key file; on PostgreSQL put it first in the setting
    beforehand), then re-wrap the data keys or re-key the index rows under it."""
    kind = KINDS.get(name)
    if kind is None:
        console.print(f"[red]unknown key {name!r}; known: {', '.join(KINDS)}[/red]")
        raise typer.Exit(2)
    try:
        keys = add_newest_key(with_keys(Settings()), kind)
    except RotationRefused as refused:
        console.print(f"[red]{refused}[/red]")
        raise typer.Exit(2) from None
    wiring = wire(Settings())  # opened after the new key is in place: it writes under it
    try:
        with _progress() as progress:
            if kind is CIPHER:
                keyring = Keyring(KeySource.of(wiring.settings, CIPHER).current)
                task = progress.add_task("re-wrapping data keys", total=wiring.desk.data_keys.count())  # type: ignore[union-attr]
                wrapped = wiring.desk.data_keys.rewrap(  # type: ignore[union-attr]
                    progress=lambda n: progress.advance(task, n))
                moved = 0
                if events:
                    table = wiring.desk.recorder.events_table_name  # type: ignore[attr-defined]
                    task = progress.add_task("re-encrypting events",
                                             total=count_stored_events(wiring.engine, table))
                    moved = reencrypt_events(wiring.desk, wiring.engine, keyring,
                                             progress=lambda n: progress.advance(task, n))
                summary = f"re-wrapped {wrapped} data keys, re-encrypted {moved} events"
            else:
                wiring.projections.catch_up()
                task = progress.add_task("re-keying the search index", total=wiring.projections.head())
                done = rekey_index(
                    wiring.desk, wiring.complaint_list, wiring.engine,
                    applied=lambda: wiring.projections.positions()[wiring.complaint_list.name],
                    progress=lambda n: progress.advance(task, n))
                # Reporters' phones are in the same blind index: the report views are
                # small beside the log, so they are rebuilt under the newest key.
                wiring.projections.rebuild(["reports"])
                summary = f"re-keyed the index rows of {done} complaints, and the reporters'"
        if drop_old and kind is CIPHER and events:
            # Once more: a process that wrote just before it saw the new key is caught here.
            wiring.desk.data_keys.rewrap()  # type: ignore[union-attr]
            reencrypt_events(wiring.desk, wiring.engine, keyring)
        dropped = (drop_old and (kind is not CIPHER or events)
                   and drop_older_keys(wiring.settings, kind))
    finally:
        wiring.close()
    typer.echo(f"{name}: now under the newest of {len(keys)} keys; {summary}")
    if dropped:
        typer.echo("older keys removed from the key file")
    else:
        typer.echo("older keys are still listed: remove them once every process runs with the "
                   "newest" + ("" if kind is not CIPHER or events else
                               " (events still need them: run again with --events)"))
