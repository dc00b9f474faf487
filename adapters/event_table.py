"""Reads the event store's own table in complaint order, for whole-store verification.

The recorders serve events per complaint or in log order; a check of every chain
wants them grouped by complaint, streamed, so memory stays flat whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import Engine, text


def stored_events_by_complaint(engine: Engine, table: str) -> Iterator[tuple[str, StoredEvent]]:
    statement = text(
        f"SELECT originator_id, originator_version, topic, state FROM {table} "  # noqa: S608
        "ORDER BY originator_id, originator_version"
    )
    with engine.connect() as db:
        result = db.execution_options(stream_results=True, yield_per=2000).execute(statement)
        for originator_id, version, topic, state in result:
            key = str(originator_id) if isinstance(originator_id, UUID) else str(UUID(originator_id))
            yield key, StoredEvent(originator_id=key, originator_version=version, topic=topic,
                                   state=bytes(state))


def count_stored_events(engine: Engine, table: str) -> int:
    with engine.connect() as db:
        return int(db.scalar(text(f"SELECT COUNT(*) FROM {table}")) or 0)  # noqa: S608


def originators_with(engine: Engine, table: str, topic_suffix: str) -> list[UUID]:
    """The complaints that recorded an event of this type (topics are stored in clear)."""
    statement = text(
        f"SELECT DISTINCT originator_id FROM {table} WHERE topic LIKE :topic "  # noqa: S608
        "ORDER BY originator_id")
    with engine.connect() as db:
        rows = db.execute(statement, {"topic": f"%{topic_suffix}"}).scalars()
        return [row if isinstance(row, UUID) else UUID(str(row)) for row in rows]
