"""Where each outbox message stands with each endpoint: pending, delivered or dead.

This is the delivery worker's own state, not a view: rebuilding the outbox view
leaves it alone, so a rebuild never sends the history again. Messages are taken
into an endpoint's queue in position order; a message is due only when every
earlier message of the same complaint to that endpoint was delivered, so a
receiver sees each complaint's changes in order, and a dead letter holds back the
later changes of its complaint until a supervisor replays it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger, Column, DateTime, Engine, Index, Integer, MetaData, String, Table, and_, exists,
    func, insert, literal, select, update,
)

from adapters.views.outbox import outbox_messages

deliveries_metadata = MetaData()

deliveries = Table(
    "outbox_deliveries",
    deliveries_metadata,
    Column("endpoint", String(64), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("complaint_id", String(36), nullable=False),
    Column("status", String(12), nullable=False),  # pending, delivered, dead
    Column("attempts", Integer, nullable=False),
    Column("next_at", DateTime, nullable=False),  # UTC, naive
    Column("last_error", String(200)),
    Column("delivered_at", DateTime),
    Column("replayed_by", String(64)),
    Column("replayed_at", DateTime),
    Index("ix_outbox_deliveries_due", "endpoint", "status", "next_at"),
    Index("ix_outbox_deliveries_order", "endpoint", "complaint_id", "position"),
)

queued_up_to = Table(
    "outbox_queued",
    deliveries_metadata,
    Column("endpoint", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


@dataclass(frozen=True)
class Due:
    position: int
    complaint_id: str
    version: int
    attempts: int
    body: str


@dataclass(frozen=True)
class DeadLetter:
    endpoint: str
    position: int
    complaint_id: str
    version: int
    type: str
    attempts: int
    last_error: str | None
    since: datetime
    held_back: int  # later changes of the same complaint waiting behind it

    def as_dict(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "position": self.position,
                "complaint_id": self.complaint_id, "version": self.version, "type": self.type,
                "attempts": self.attempts, "last_error": self.last_error,
                "since": self.since.isoformat(), "held_back": self.held_back}


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


class OutboxDeliveries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def setup(self) -> None:
        deliveries_metadata.create_all(self.engine)

    def enqueue(self, endpoint: str, now: datetime) -> int:
        """Take the messages the endpoint has not seen into its queue; how many."""
        with self.engine.begin() as db:
            since = db.scalar(select(queued_up_to.c.position)
                              .where(queued_up_to.c.endpoint == endpoint))
            head = db.scalar(select(func.max(outbox_messages.c.position)))
            if head is None or (since is not None and head <= since):
                return 0
            new = select(literal(endpoint), outbox_messages.c.position,
                         outbox_messages.c.complaint_id, literal("pending"), literal(0),
                         literal(_naive(now), DateTime)).where(
                outbox_messages.c.position > (since or 0),
                outbox_messages.c.position <= head)
            added = db.execute(insert(deliveries).from_select(
                ["endpoint", "position", "complaint_id", "status", "attempts", "next_at"], new))
            if since is None:
                db.execute(insert(queued_up_to), {"endpoint": endpoint, "position": head})
            else:
                db.execute(update(queued_up_to).where(queued_up_to.c.endpoint == endpoint)
                           .values(position=head))
            return added.rowcount or 0

    def due(self, endpoint: str, now: datetime, limit: int) -> list[Due]:
        """The next message of each complaint whose earlier messages were all delivered."""
        earlier = deliveries.alias("earlier")
        blocked = exists().where(and_(
            earlier.c.endpoint == deliveries.c.endpoint,
            earlier.c.complaint_id == deliveries.c.complaint_id,
            earlier.c.position < deliveries.c.position,
            earlier.c.status != "delivered"))
        query = (select(deliveries.c.position, deliveries.c.complaint_id, deliveries.c.attempts,
                        outbox_messages.c.version, outbox_messages.c.body)
                 .join(outbox_messages, outbox_messages.c.position == deliveries.c.position)
                 .where(deliveries.c.endpoint == endpoint, deliveries.c.status == "pending",
                        deliveries.c.next_at <= _naive(now), ~blocked)
                 .order_by(deliveries.c.position).limit(limit))
        with self.engine.connect() as db:
            return [Due(position=r.position, complaint_id=r.complaint_id, version=r.version,
                        attempts=r.attempts, body=r.body) for r in db.execute(query)]

    def delivered(self, endpoint: str, positions: list[int], now: datetime) -> None:
        if not positions:
            return
        with self.engine.begin() as db:
            db.execute(update(deliveries).where(deliveries.c.endpoint == endpoint,
                                                deliveries.c.position.in_(positions))
                       .values(status="delivered", delivered_at=_naive(now), last_error=None))

    def failed(self, endpoint: str, failures: list[tuple[int, int, str, datetime | None]],
               now: datetime) -> None:
        """(position, attempts so far, error, next attempt or None when given up)."""
        if not failures:
            return
        with self.engine.begin() as db:
            for position, attempts, error, next_at in failures:
                values: dict[str, Any] = {"attempts": attempts, "last_error": error[:200]}
                if next_at is None:  # a dead letter keeps the moment it was given up
                    values["status"] = "dead"
                    values["next_at"] = _naive(now)
                else:
                    values["next_at"] = _naive(next_at)
                db.execute(update(deliveries).where(deliveries.c.endpoint == endpoint,
                                                    deliveries.c.position == position)
                           .values(**values))

    def dead_letters(self, endpoint: str | None = None) -> list[DeadLetter]:
        later = deliveries.alias("later")
        held = (select(func.count()).where(
            later.c.endpoint == deliveries.c.endpoint,
            later.c.complaint_id == deliveries.c.complaint_id,
            later.c.position > deliveries.c.position,
            later.c.status != "delivered").scalar_subquery())
        query = (select(deliveries, outbox_messages.c.version, outbox_messages.c.type,
                        held.label("held_back"))
                 .join(outbox_messages, outbox_messages.c.position == deliveries.c.position)
                 .where(deliveries.c.status == "dead")
                 .order_by(deliveries.c.endpoint, deliveries.c.position))
        if endpoint is not None:
            query = query.where(deliveries.c.endpoint == endpoint)
        with self.engine.connect() as db:
            return [DeadLetter(endpoint=r.endpoint, position=r.position,
                               complaint_id=r.complaint_id, version=r.version, type=r.type,
                               attempts=r.attempts, last_error=r.last_error,
                               since=r.next_at.replace(tzinfo=UTC), held_back=r.held_back)
                    for r in db.execute(query)]

    def replay(self, endpoint: str, position: int, *, by: str, now: datetime) -> bool:
        """Put a dead letter back in the queue, due now, with fresh attempts."""
        with self.engine.begin() as db:
            moved = db.execute(update(deliveries).where(
                deliveries.c.endpoint == endpoint, deliveries.c.position == position,
                deliveries.c.status == "dead").values(
                status="pending", attempts=0, next_at=_naive(now), replayed_by=by,
                replayed_at=_naive(now)))
            return moved.rowcount == 1

    def counts(self) -> dict[str, dict[str, int]]:
        query = (select(deliveries.c.endpoint, deliveries.c.status, func.count())
                 .group_by(deliveries.c.endpoint, deliveries.c.status))
        found: dict[str, dict[str, int]] = {}
        with self.engine.connect() as db:
            for endpoint, status, n in db.execute(query):
                found.setdefault(endpoint, {"pending": 0, "delivered": 0, "dead": 0})[status] = n
        return found
