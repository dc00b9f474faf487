"""Rotating keys while the desk runs: add a newest key, then move everything onto it.

1. A new key goes first in the key list. On SQLite the key file beside the database is
   rewritten (running processes re-read it within a second); on PostgreSQL the operator
   puts "new,old" in the secret store and restarts the processes one at a time, so
   each reads both keys throughout.
2. `rotate` moves what the old key protects onto the newest: the wrapped data keys
   (and, on request, the stored events) for the cipher key; the index rows, recomputed
   from the events, for an index key. Reads and searches keep working meanwhile: every
   key of the list is tried.
3. Once a rotation reports nothing left under older keys, the operator drops them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, text

from adapters.keyring import Keyring
from adapters.keys import KeyKind, key_file_for, new_key, parse_keys, write_key_file
from adapters.settings import Settings
from adapters.views.complaint_list import ComplaintListView
from adapters.views.search_index import complaint_terms, consumer_lookup
from application.desk import ComplaintDesk
from domain.complaint import Complaint


class RotationRefused(RuntimeError):
    pass


def add_newest_key(settings: Settings, kind: KeyKind) -> list[str]:
    """Put a new key first (SQLite key file); on PostgreSQL check one was put there."""
    variable = "COMPLAINTS_" + kind.setting.upper()
    if settings.is_postgres or kind.setting not in settings.key_files:
        keys = parse_keys(getattr(settings, kind.setting) or "")
        if len(keys) < 2:
            raise RotationRefused(
                f"{variable} holds one key: put the new key first (\"new,old\"), restart the "
                "processes one at a time, then run the rotation again")
        return keys
    path = key_file_for(settings, kind)
    keys = [new_key(), *parse_keys(path.read_text())]
    write_key_file(path, keys)
    return keys


def drop_older_keys(settings: Settings, kind: KeyKind) -> bool:
    """Keep only the newest key in the SQLite key file (False: configured elsewhere)."""
    if settings.is_postgres or kind.setting not in settings.key_files:
        return False
    path = key_file_for(settings, kind)
    write_key_file(path, parse_keys(path.read_text())[:1])
    return True


@dataclass(frozen=True)
class CipherRotation:
    data_keys: int
    events: int


def reencrypt_events(desk: ComplaintDesk, engine: Engine, keyring: Keyring,
                     progress: Callable[[int], None] | None = None, batch: int = 1000) -> int:
    """Rewrite every stored event still under an older key under the newest.

    The bytes change, the content does not: the hash chain covers the decoded state,
    so every chain still verifies.
    """
    table = desk.recorder.events_table_name  # type: ignore[attr-defined]
    select_page = text(
        f"SELECT originator_id, originator_version, state FROM {table} "  # noqa: S608
        "WHERE originator_id > :after OR (originator_id = :after AND originator_version > :v) "
        "ORDER BY originator_id, originator_version LIMIT :n")
    update = text(f"UPDATE {table} SET state = :state "  # noqa: S608
                  "WHERE originator_id = :id AND originator_version = :version")
    moved = 0
    after: Any = "" if engine.dialect.name == "sqlite" else "00000000-0000-0000-0000-000000000000"
    version = 0
    while True:
        with engine.connect() as db:
            rows = db.execute(select_page, {"after": after, "v": version, "n": batch}).all()
        if not rows:
            return moved
        updates = []
        for originator_id, originator_version, state in rows:
            plaintext, index = keyring.decrypt_with_index(bytes(state))
            if index:
                updates.append({"id": originator_id, "version": originator_version,
                                "state": keyring.encrypt(plaintext)})
        if updates:
            with engine.begin() as db:
                db.execute(update, updates)
            moved += len(updates)
        if progress:
            progress(len(rows))
        after, version = rows[-1][0], rows[-1][1]


def rekey_index(desk: ComplaintDesk, view: ComplaintListView, engine: Engine, *,
                applied: Callable[[], int],
                progress: Callable[[int], None] | None = None, page_size: int = 1000) -> int:
    """Recompute every complaint's index rows under the newest keys, page by page.

    Only events the list view has already applied are taken, so the view's own
    writes never meet these; searches find a complaint under its old or new rows
    throughout, since they try every key.
    """
    start, rekeyed = 1, 0
    delete = [t.delete().where(t.c.complaint_id == bindparam("_id"))
              for t in (consumer_lookup, complaint_terms)]
    while True:
        limit = min(page_size, applied() - start + 1)
        if limit <= 0:
            return rekeyed
        notifications = desk.recorder.select_notifications(start, limit)
        if not notifications:
            return rekeyed
        lookups: dict[str, list[dict[str, Any]]] = {}
        terms: dict[str, list[dict[str, Any]]] = {}
        ids: list[dict[str, str]] = []
        for notification in notifications:
            topic = notification.topic
            if topic.endswith("Complaint.Filed"):
                event = desk.mapper.to_domain_event(notification)
                assert isinstance(event, Complaint.Filed)
                key = str(event.originator_id)
                lookups[key], terms[key] = view.index_rows(event)
                ids.append({"_id": key})
            elif topic.endswith("PersonalDataErased"):
                # A history stored before data keys still reads in clear: its rows go
                # again, as the view itself removed them when it met the erasure.
                key = str(notification.originator_id)
                lookups.pop(key, None)
                terms.pop(key, None)
                ids.append({"_id": key})
        if ids:
            with engine.begin() as db:
                for statement in delete:
                    db.execute(statement, ids)
                for table, rows in ((consumer_lookup, lookups), (complaint_terms, terms)):
                    flat = [row for per_complaint in rows.values() for row in per_complaint]
                    if flat:
                        db.execute(table.insert(), flat)
            rekeyed += len(lookups)
        if progress:
            progress(len(notifications))
        start = notifications[-1].id + 1
