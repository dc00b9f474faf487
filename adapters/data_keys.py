"""Each complaint's own data key, kept wrapped under the cipher key (envelope encryption).

Destroying a complaint's row is crypto-shredding: the personal fields sealed with that
key (application/sealing.py) can no longer be opened by anyone, while the events
themselves stay. The row is deleted with SQLite's secure_delete and the write-ahead
log truncated, so the wrapped key does not linger in free pages; on PostgreSQL the
table is vacuumed after erasures.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError

from adapters.keyring import Keyring

metadata = MetaData()

data_keys = Table(
    "data_keys",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

KEY_BYTES = 32
# A key erased in another process is still cached here for at most this long.
CACHE_SECONDS = 60.0
CACHE_SIZE = 20_000


class DataKeys:
    def __init__(self, engine: Engine, keyring: Keyring, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.keyring = keyring
        self.clock = clock
        self._cache: OrderedDict[str, tuple[bytes | None, float]] = OrderedDict()
        # Bumped when a key is destroyed: a look-up that read the row before the
        # delete committed (another thread, e.g. a view catching up) must not put
        # the erased key back into the cache.
        self._erasures: dict[str, int] = {}
        self._lock = threading.Lock()

    def setup(self) -> None:
        metadata.create_all(self.engine)

    # ----- the store's side of application.sealing.DataKeyStore ----------------

    def key_for(self, complaint_id: UUID, *, first: bool = False) -> bytes:
        """The complaint's key, made when missing; `first`: its first event, so no
        key is expected and the look-up is skipped (a retried filing finds its key
        through the conflict)."""
        key = self._cached(complaint_id) if first else self.find(complaint_id)
        if key is not None:
            return key
        key = os.urandom(KEY_BYTES)
        row = {"complaint_id": str(complaint_id), "created_at": datetime.now(UTC).replace(tzinfo=None),
               "wrapped": self.keyring.encrypt(key, _associated(complaint_id))}
        try:
            with self.engine.begin() as db:
                self._no_flush_wait(db)
                db.execute(data_keys.insert(), row)
        except IntegrityError:  # another writer made it first: use theirs
            self._forget(complaint_id)
            found = self.find(complaint_id)
            assert found is not None
            return found
        self._remember(complaint_id, key)
        return key

    def make_many(self, complaint_ids: list[UUID]) -> None:
        """New complaints' keys in one transaction (imports, demo data: many at once)."""
        made = {str(i): os.urandom(KEY_BYTES) for i in complaint_ids}
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = [{"complaint_id": i, "created_at": now,
                 "wrapped": self.keyring.encrypt(key, _associated(i))} for i, key in made.items()]
        try:
            with self.engine.begin() as db:
                self._no_flush_wait(db)
                db.execute(data_keys.insert(), rows)
        except IntegrityError:  # one exists already: each on its own, as key_for does
            return
        for complaint_id, key in made.items():
            self._remember(complaint_id, key)

    def _no_flush_wait(self, db: Connection) -> None:
        """A new key need not wait for its own flush to disk: the event sealed with it
        is committed next, durably, and flushing the log up to that commit flushes
        this earlier one with it (PostgreSQL's WAL, like SQLite's, is written in
        order). Should the event never be stored, an unused key is harmless."""
        if self.engine.dialect.name == "postgresql":
            db.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")

    def find(self, complaint_id: UUID) -> bytes | None:
        name = str(complaint_id)
        with self._lock:
            cached = self._cache.get(name)
            if cached and cached[1] > self.clock():
                self._cache.move_to_end(name)
                return cached[0]
            erasures = self._erasures.get(name, 0)
        with self.engine.connect() as db:
            wrapped = db.scalar(select(data_keys.c.wrapped).where(data_keys.c.complaint_id == name))
        key = self.keyring.decrypt(bytes(wrapped), _associated(complaint_id)) if wrapped else None
        if not self._remember(complaint_id, key, erasures):
            return None  # destroyed while we read it
        return key

    def prefetch(self, complaint_ids: Iterable[UUID | str]) -> None:
        """Cache the keys of many complaints with one query (a page of a view rebuild)."""
        wanted = [str(i) for i in complaint_ids if self._cached(str(i)) is None]
        if not wanted:
            return
        with self._lock:
            erasures = {i: self._erasures.get(i, 0) for i in wanted}
        found: dict[str, bytes] = {}
        with self.engine.connect() as db:
            for chunk in range(0, len(wanted), 500):
                rows = db.execute(select(data_keys.c.complaint_id, data_keys.c.wrapped).where(
                    data_keys.c.complaint_id.in_(wanted[chunk:chunk + 500])))
                found.update((i, bytes(w)) for i, w in rows)
        for complaint_id in wanted:
            wrapped = found.get(complaint_id)
            self._remember(complaint_id, self.keyring.decrypt(wrapped, _associated(complaint_id))
                           if wrapped else None, erasures[complaint_id])

    # ----- erasure and rotation -------------------------------------------------

    def destroy(self, complaint_id: UUID) -> None:
        """Crypto-shred: delete the wrapped key so no copy stays readable in the file."""
        self._forget(complaint_id)
        statement = data_keys.delete().where(data_keys.c.complaint_id == str(complaint_id))
        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.begin() as db:
            if sqlite:
                db.exec_driver_sql("PRAGMA secure_delete=ON")
            deleted = db.execute(statement).rowcount
        with self._lock:
            name = str(complaint_id)
            self._erasures[name] = self._erasures.get(name, 0) + 1
            self._cache.pop(name, None)
        if sqlite and deleted:
            with self.engine.connect() as db:
                db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def vacuum(self) -> None:
        """PostgreSQL keeps deleted rows until vacuumed; erased keys should not wait."""
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            db.execute(text("VACUUM data_keys"))

    def rewrap(self, progress: Callable[[int], None] | None = None, batch: int = 1000) -> int:
        """Wrap every data key under the newest cipher key; returns how many moved."""
        moved = 0
        last = ""
        while True:
            with self.engine.connect() as db:
                rows = db.execute(
                    select(data_keys.c.complaint_id, data_keys.c.wrapped)
                    .where(data_keys.c.complaint_id > last)
                    .order_by(data_keys.c.complaint_id).limit(batch)
                ).all()
            if not rows:
                return moved
            updates = []
            for complaint_id, wrapped in rows:
                associated = _associated(complaint_id)
                key, index = self.keyring.decrypt_with_index(bytes(wrapped), associated)
                if index:
                    updates.append({"id": complaint_id, "wrapped": self.keyring.encrypt(key, associated)})
            if updates:
                with self.engine.begin() as db:
                    db.execute(
                        data_keys.update().where(data_keys.c.complaint_id == bindparam("id"))
                        .values(wrapped=bindparam("wrapped")), updates)
                moved += len(updates)
            if progress:
                progress(len(rows))
            last = rows[-1][0]

    def count(self) -> int:
        with self.engine.connect() as db:
            return int(db.scalar(select(func.count()).select_from(data_keys)) or 0)

    # ----- cache ----------------------------------------------------------------

    def _cached(self, complaint_id: UUID | str) -> bytes | None:
        with self._lock:
            cached = self._cache.get(str(complaint_id))
        return cached[0] if cached and cached[1] > self.clock() else None

    def _remember(self, complaint_id: UUID | str, key: bytes | None,
                  erasures: int | None = None) -> bool:
        """Cache a key read from the store, unless it was destroyed since `erasures`
        was taken; says whether it was kept."""
        with self._lock:
            if erasures is not None and self._erasures.get(str(complaint_id), 0) != erasures:
                return False
            self._cache[str(complaint_id)] = (key, self.clock() + CACHE_SECONDS)
            self._cache.move_to_end(str(complaint_id))
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return True

    def _forget(self, complaint_id: UUID) -> None:
        with self._lock:
            self._cache.pop(str(complaint_id), None)


def _associated(complaint_id: UUID | str) -> bytes:
    # Bound to its complaint: a wrapped key copied onto another row does not open.
    return b"data-key:" + str(complaint_id).encode()
