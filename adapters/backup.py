"""Backups a regulator can trust, and restoring them into an empty store.

A backup is a folder:
- the native snapshot: `complaints.db` (SQLite's online backup API) or
  `complaints.pgdump` (`pg_dump` of the schema, custom format, for `pg_restore`);
- the portable rows, taken from the same snapshot: `events.jsonl.gz` (every stored
  event in log order, still encrypted) and `tables.json` (accounts, checkpoints, the
  complaints' wrapped data keys and the mediation organisations),
  which `complaints restore` reads into either backend;
- `manifest.json`: when, what, how many, the checkpoint's digest, the SHA-256 of
  every file, and where the keys are backed up (never the keys themselves).
The views are not carried: a restore rebuilds them from the events.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import (
    Connection, DateTime, LargeBinary, Table, create_engine, func, insert, select, text,
)

from adapters.accounts import users
from adapters.organisations import organisations
from adapters.checkpoint_table import checkpoint_heads, checkpoints
from adapters.data_keys import data_keys
from application.checkpoints import Checkpoint

FORMAT = 1
MANIFEST = "manifest.json"
EVENTS = "events.jsonl.gz"
TABLES = "tables.json"
SQLITE_SNAPSHOT = "complaints.db"
POSTGRES_SNAPSHOT = "complaints.pgdump"
# Rows that are state and not views; every other table is rebuilt from the events.
# The complaints' data keys travel too (still wrapped under the cipher key): without
# them a restored store could not read any personal data sealed with them.
CARRIED_TABLES: tuple[Table, ...] = (users, checkpoints, checkpoint_heads, data_keys,
                                     organisations)
_BATCH = 1000


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    data: dict[str, Any]

    @property
    def checkpoint_digest(self) -> str | None:
        return (self.data.get("checkpoint") or {}).get("digest")

    @property
    def events(self) -> int:
        return int(self.data["counts"]["events"])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _events_in_log_order(db: Connection, table: str, sqlite: bool) -> Iterator[Any]:
    order = "rowid" if sqlite else "notification_id"
    result = db.execution_options(yield_per=5000).execute(text(
        f"SELECT originator_id, originator_version, topic, state FROM {table} "  # noqa: S608
        f"ORDER BY {order}"))
    yield from result


def _export_rows(db: Connection, folder: Path, events_table: str, *, sqlite: bool,
                 progress: Callable[[int], None] | None) -> dict[str, int]:
    chains: set[str] = set()
    events = 0
    with gzip.open(folder / EVENTS, "wt", encoding="utf-8", compresslevel=3) as out:
        for originator_id, version, topic, state in _events_in_log_order(db, events_table, sqlite):
            chain = str(UUID(str(originator_id)))
            chains.add(chain)
            out.write(json.dumps({"id": chain, "v": version, "topic": topic,
                                  "state": base64.b64encode(bytes(state)).decode()}) + "\n")
            events += 1
            if progress and events % 1000 == 0:
                progress(1000)
    tables = {table.name: [{k: _plain(v) for k, v in row._mapping.items()}
                           for row in db.execute(select(table))] for table in CARRIED_TABLES}
    (folder / TABLES).write_text(json.dumps(tables, ensure_ascii=False))
    return {"events": events, "chains": len(chains),
            **{name: len(rows) for name, rows in tables.items()}}


def backed_up_checkpoint(folder: Path) -> Checkpoint | None:
    """The latest checkpoint in a backup, as stored (its signature is checked later)."""
    rows = json.loads((folder / TABLES).read_text()).get(checkpoints.name) or []
    if not rows:
        return None
    latest = max(rows, key=lambda r: r["seq"])
    return Checkpoint.stored(latest["payload"], latest["signature"], seq=latest["seq"])


def _latest_checkpoint(folder: Path) -> dict[str, Any] | None:
    latest = backed_up_checkpoint(folder)
    if latest is None:
        return None
    return {"seq": latest.seq, "created": latest.created, "digest": latest.digest}


def _sqlite_snapshot(settings: Any, folder: Path) -> Path:
    target = folder / SQLITE_SNAPSHOT
    source = sqlite3.connect(settings.sqlite_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step: the copy is the database as it stood when the step began.
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target


@contextmanager
def _postgres_snapshot(settings: Any, folder: Path) -> Iterator[Connection]:
    """pg_dump and the portable rows both read one exported snapshot."""
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed: install the postgresql-client package "
                          "(apt-get install postgresql-client)")
    engine = create_engine(settings.sqlalchemy_url(),
                           connect_args={"options": f"-csearch_path={settings.postgres_schema}"})
    try:
        with engine.connect() as db:
            db = db.execution_options(isolation_level="REPEATABLE READ")
            snapshot = db.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            parts = urlsplit(settings.database_url)
            dsn = f"postgresql://{parts.netloc}{parts.path}"
            done = subprocess.run(
                ["pg_dump", f"--snapshot={snapshot}", f"--schema={settings.postgres_schema}",
                 "--format=custom", "--no-owner", f"--file={folder / POSTGRES_SNAPSHOT}", dsn],
                capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            yield db
            db.rollback()
    finally:
        engine.dispose()


def check_destination(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file; a backup goes into a new folder")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; a backup goes into a new folder")


def back_up(settings: Any, events_table: str, folder: Path, *, keys_backed_up_at: str,
            progress: Callable[[int], None] | None = None) -> Manifest:
    """Write a consistent snapshot of the store, and its manifest, into an empty folder."""
    if not keys_backed_up_at.strip():
        raise BackupError("say where the keys are backed up (--keys-backed-up-at): without "
                          "them the backup cannot be read or verified")
    check_destination(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if settings.is_postgres:
        with _postgres_snapshot(settings, folder) as db:
            counts = _export_rows(db, folder, events_table, sqlite=False, progress=progress)
        snapshot = POSTGRES_SNAPSHOT
    else:
        _sqlite_snapshot(settings, folder)
        engine = create_engine(f"sqlite:///{folder / SQLITE_SNAPSHOT}")
        try:
            with engine.connect() as db:
                counts = _export_rows(db, folder, events_table, sqlite=True, progress=progress)
        finally:
            engine.dispose()
        snapshot = SQLITE_SNAPSHOT
    parts = urlsplit(settings.database_url)
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(),
        "backend": "postgresql" if settings.is_postgres else "sqlite",
        "source": f"{parts.scheme}://{parts.hostname or ''}{parts.path}"
                  + (f"?schema={settings.postgres_schema}" if settings.is_postgres else ""),
        "snapshot": snapshot,
        "keys_backed_up_at": keys_backed_up_at,
        "counts": counts,
        "checkpoint": _latest_checkpoint(folder),
        "files": {name: _sha256(folder / name) for name in (snapshot, EVENTS, TABLES)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return Manifest(manifest)


def read_manifest(folder: Path) -> Manifest:
    """The manifest, after checking every file it lists against its SHA-256."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}: not a backup")
    try:
        data = json.loads(path.read_text())
    except ValueError:
        raise BackupError(f"{path} is not valid JSON") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {data.get('format')!r}")
    for name, expected in data["files"].items():
        if not (folder / name).is_file():
            raise BackupError(f"{name} is missing from the backup")
        if _sha256(folder / name) != expected:
            raise BackupError(f"{name} does not match its SHA-256 in the manifest")
    return Manifest(data)


def backed_up_events(folder: Path) -> Iterator[StoredEvent]:
    with gzip.open(folder / EVENTS, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            yield StoredEvent(originator_id=UUID(row["id"]), originator_version=row["v"],
                              topic=row["topic"], state=base64.b64decode(row["state"]))


def store_is_empty(engine: Any, events_table: str) -> bool:
    with engine.connect() as db:
        has_events = db.scalar(text(f"SELECT 1 FROM {events_table} LIMIT 1"))  # noqa: S608
        others = [db.scalar(select(func.count()).select_from(t)) for t in CARRIED_TABLES]
    return not has_events and not any(others)


def restore_rows(folder: Path, engine: Any, insert_events: Callable[[list[StoredEvent]], Any],
                 progress: Callable[[int], None] | None = None) -> int:
    """Events in their log order through the recorder, then the carried tables."""
    batch: list[StoredEvent] = []
    count = 0
    for event in backed_up_events(folder):
        batch.append(event)
        if len(batch) == _BATCH:
            insert_events(batch)
            count += len(batch)
            batch = []
            if progress:
                progress(_BATCH)
    if batch:
        insert_events(batch)
        count += len(batch)
        if progress:
            progress(len(batch))
    tables = json.loads((folder / TABLES).read_text())
    with engine.begin() as db:
        for table in CARRIED_TABLES:
            rows = [_typed(table, row) for row in tables.get(table.name, [])]
            for start in range(0, len(rows), 5000):
                db.execute(insert(table), rows[start:start + 5000])
    return count


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    typed = dict(row)
    for column in table.columns:
        if isinstance(column.type, DateTime) and isinstance(typed.get(column.name), str):
            typed[column.name] = datetime.fromisoformat(typed[column.name])
        elif isinstance(column.type, LargeBinary) and isinstance(typed.get(column.name), str):
            typed[column.name] = base64.b64decode(typed[column.name])
    return typed
