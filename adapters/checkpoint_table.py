"""Where signed checkpoints and the chain heads behind the latest one are kept.

Beside the event store, in the same database, so a backup carries them. Nothing here
is trusted: what is signed is the payload, and the heads must fold into its digest.
Only the latest checkpoint keeps its list of heads; older ones keep their signed
payload (each names the digest of the one before).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
)

from application.audit import Head
from application.checkpoints import Checkpoint

metadata = MetaData()  # apart from the views', so rebuilding views never touches it

checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("created", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Column("signature", String(120), nullable=False),
)

checkpoint_heads = Table(
    "audit_checkpoint_heads",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("chain_id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

_BATCH = 5000


class CheckpointTable:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def setup(self) -> None:
        metadata.create_all(self.engine)

    def latest(self) -> Checkpoint | None:
        with self.engine.connect() as db:
            row = db.execute(select(checkpoints.c.seq, checkpoints.c.payload,
                                    checkpoints.c.signature)
                             .order_by(checkpoints.c.seq.desc()).limit(1)).first()
        return Checkpoint.stored(row.payload, row.signature, seq=row.seq) if row else None

    def payload_of(self, seq: int) -> str | None:
        with self.engine.connect() as db:
            return db.scalar(select(checkpoints.c.payload).where(checkpoints.c.seq == seq))

    def heads(self, seq: int) -> Iterator[Head]:
        # Byte order, as Python compares ids: PostgreSQL's text collation might not be.
        chain_id = (checkpoint_heads.c.chain_id.collate("C")
                    if self.engine.dialect.name == "postgresql" else checkpoint_heads.c.chain_id)
        statement = (select(checkpoint_heads.c.chain_id, checkpoint_heads.c.version,
                            checkpoint_heads.c.hash)
                     .where(checkpoint_heads.c.seq == seq).order_by(chain_id))
        with self.engine.connect() as db:
            result = db.execution_options(stream_results=True, yield_per=_BATCH).execute(statement)
            for row in result:
                yield Head(row.chain_id, row.version, row.hash)

    def head_of(self, seq: int, chain_id: str) -> Head | None:
        with self.engine.connect() as db:
            row = db.execute(select(checkpoint_heads.c.version, checkpoint_heads.c.hash).where(
                checkpoint_heads.c.seq == seq, checkpoint_heads.c.chain_id == chain_id)).first()
        return Head(chain_id, row.version, row.hash) if row else None

    def save(self, checkpoint: Checkpoint, heads: list[Head]) -> None:
        """The checkpoint and its heads in one transaction; a racing checkpoint of the
        same number fails on the primary key instead of overwriting."""
        with self.engine.begin() as db:
            db.execute(insert(checkpoints).values(
                seq=checkpoint.seq, created=checkpoint.created, payload=checkpoint.payload,
                signature=checkpoint.signature))
            db.execute(delete(checkpoint_heads).where(checkpoint_heads.c.seq < checkpoint.seq))
            for start in range(0, len(heads), _BATCH):
                db.execute(insert(checkpoint_heads), [
                    {"seq": checkpoint.seq, "chain_id": h.chain_id, "version": h.version,
                     "hash": h.hash} for h in heads[start:start + _BATCH]])
