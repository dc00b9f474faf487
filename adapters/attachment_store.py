"""Where evidence files' bytes live: content-addressed by the SHA-256 of the file, and
encrypted with the event store's own cipher, so a copied disk or database dump holds
no readable receipt or ID card photo. On the embedded SQLite default the bytes are
files beside the database; on PostgreSQL they are rows of one table, so a database
backup carries them. The same file stored twice is kept once.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from sqlalchemy import Column, Engine, LargeBinary, MetaData, String, Table, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from domain.errors import DomainError

_SHA256 = re.compile(r"[0-9a-f]{64}")


class Cipher(Protocol):
    def encrypt(self, plaintext: bytes) -> bytes: ...

    def decrypt(self, ciphertext: bytes) -> bytes: ...


class MissingBlob(DomainError):
    """The event names bytes the store does not hold (a store restored without them)."""


def _checked(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


class FileBlobs:
    """Files under `root`, two levels by the digest's first characters."""

    def __init__(self, root: Path, cipher: Cipher) -> None:
        self.root = root
        self.cipher = cipher

    def _path(self, sha256: str) -> Path:
        digest = _checked(sha256)
        return self.root / digest[:2] / digest

    def put(self, sha256: str, data: bytes) -> None:
        path = self._path(sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written whole, then renamed: a crash never leaves half a file under the name.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(self.cipher.encrypt(data))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, sha256: str) -> bytes:
        try:
            return self.cipher.decrypt(self._path(sha256).read_bytes())
        except FileNotFoundError:
            raise MissingBlob(sha256) from None


metadata = MetaData()
attachment_blobs = Table(
    "attachment_blobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)


class DatabaseBlobs:
    """Rows of `attachment_blobs` in the store's own database."""

    def __init__(self, engine: Engine, cipher: Cipher) -> None:
        self.engine = engine
        self.cipher = cipher
        metadata.create_all(engine)

    def put(self, sha256: str, data: bytes) -> None:
        values = {"sha256": _checked(sha256), "data": self.cipher.encrypt(data)}
        dialect_insert = postgresql_insert if self.engine.dialect.name == "postgresql" \
            else sqlite_insert
        with self.engine.begin() as db:
            # Two uploads of the same file at once: the second finds it kept.
            db.execute(dialect_insert(attachment_blobs).values(values).on_conflict_do_nothing())

    def get(self, sha256: str) -> bytes:
        with self.engine.connect() as db:
            data = db.scalar(select(attachment_blobs.c.data).where(
                attachment_blobs.c.sha256 == _checked(sha256)))
        if data is None:
            raise MissingBlob(sha256)
        return self.cipher.decrypt(bytes(data))
