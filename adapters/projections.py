"""The projection mechanism shared by every view.

Each view owns SQLAlchemy tables and a row in `projection_positions`. A page of
notifications is read once, decoded once, and handed to every view that has not
seen it; each view writes its rows and moves its position in one transaction, so a
crash mid-page rolls both back and a restart never counts twice. The position is
moved with a compare-and-set, so two runners (the serving process and a worker)
never apply the same page twice either.

An event a view cannot apply (a value its columns cannot hold, a bug in the view)
must not stop the others: that view alone is stopped just before the event, its
fault recorded in `projection_faults` (view, position, the event's identity and the
error's type; never the event's data), and retried with a growing back-off. The
serving process, a worker and the command line all read the same fault rows.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from eventsourcing.application import Application
from sqlalchemy import BigInteger, Column, Connection, DateTime, Engine, Integer, MetaData
from sqlalchemy import String, Table, delete, inspect, select, update

from adapters.faults import is_unavailable

log = logging.getLogger(__name__)

metadata = MetaData()

positions = Table(
    "projection_positions",
    metadata,
    Column("view", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

faults = Table(
    "projection_faults",
    metadata,
    Column("view", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),  # the view stands here
    Column("notification_id", BigInteger, nullable=False),  # the event it cannot apply
    Column("originator_id", String(64), nullable=False),
    Column("originator_version", BigInteger, nullable=False),
    Column("topic", String(200), nullable=False),
    Column("error", String(200), nullable=False),  # the exception's type only
    Column("attempts", Integer, nullable=False),
    Column("since", DateTime, nullable=False),
    Column("last_attempt", DateTime, nullable=False),
)

Page = Sequence[tuple[Any, int]]  # (domain event, notification id)

FIRST_RETRY = 1.0  # seconds; doubled after every failed retry
LONGEST_RETRY = 300.0


@dataclass(frozen=True)
class Fault:
    """A view stopped before an event it could not apply."""

    view: str
    position: int
    notification_id: int
    originator_id: str
    originator_version: int
    topic: str
    error: str
    attempts: int
    since: datetime
    last_attempt: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"view": self.view, "position": self.position,
                "event": {"notification_id": self.notification_id,
                          "originator_id": self.originator_id,
                          "originator_version": self.originator_version,
                          "type": self.topic.rsplit(".", 1)[-1]},
                "error": self.error, "attempts": self.attempts,
                "since": self.since.replace(tzinfo=UTC).isoformat(),
                "last_attempt": self.last_attempt.replace(tzinfo=UTC).isoformat()}


class Undecodable:
    """A stored event that cannot be read back (a garbled ciphertext, an unknown topic):
    no view can apply it, so it stops every view that reaches it."""

    def __init__(self, notification: Any, error: BaseException) -> None:
        self.originator_id = notification.originator_id
        self.originator_version = notification.originator_version
        self.topic = notification.topic
        self.error = type(error)


class CannotApply(Exception):
    """Raised inside `_apply` when a page holds an undecodable event."""


class View(ABC):
    """A read model: tables in `metadata`, updated a page at a time."""

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]

    @abstractmethod
    def apply(self, db: Connection, page: Page) -> None:
        """Write the effect of these events; runs inside the page's transaction."""

    def clear(self, db: Connection) -> None:
        # Dropped and made again from the current definitions, so that a rebuild after
        # an upgrade also brings the tables' shape up to date (wider or new columns).
        for table in reversed(self.tables):
            table.drop(db, checkfirst=True)
        for table in self.tables:
            table.create(db)


class PositionMoved(Exception):
    """Another runner applied this page first; ours is rolled back."""


class Projections:
    """Catch-up, rebuild and follow for a set of views over one application's log."""

    def __init__(self, app: Application[Any], engine: Engine, views: Iterable[View],
                 *, page_size: int = 500, rebuild_page_size: int = 5000,
                 batch_delay: float = 0.05) -> None:
        self.app = app
        self.rebuild_page_size = rebuild_page_size
        self.batch_delay = batch_delay
        self.engine = engine
        self.views = {view.name: view for view in views}
        self.page_size = page_size
        self._catching_up = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # view -> monotonic time before which its failing event is not tried again
        self._retry_at: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self.clock: Callable[[], float] = time.monotonic

    # ----- setup and positions ----------------------------------------------

    def setup(self) -> None:
        outdated = self._outdated_views()
        if outdated:
            # A view whose tables lack a column it now writes is rebuilt from the events.
            log.info("rebuilding views with new columns: %s", ", ".join(sorted(outdated)))
            for name in outdated:
                for table in reversed(self.views[name].tables):
                    table.drop(self.engine, checkfirst=True)
        metadata.create_all(self.engine)
        with self.engine.begin() as db:
            if outdated:
                db.execute(update(positions).where(positions.c.view.in_(outdated))
                           .values(position=0))
            known = set(db.scalars(select(positions.c.view)))
            missing = [{"view": n, "position": 0} for n in self.views if n not in known]
            if missing:
                db.execute(positions.insert(), missing)
        # Faults recorded before this process started: try those views at once, and
        # clear the record when they succeed.
        for fault in self.faults():
            self._retry_at.setdefault(fault.view, 0.0)

    def _outdated_views(self) -> list[str]:
        found = inspect(self.engine)
        outdated = []
        for name, view in self.views.items():
            for table in view.tables:
                if not found.has_table(table.name):
                    continue
                stored = {column["name"] for column in found.get_columns(table.name)}
                if set(table.columns.keys()) - stored:
                    outdated.append(name)
                    break
        return outdated

    def positions(self) -> dict[str, int]:
        with self.engine.connect() as db:
            rows = db.execute(select(positions.c.view, positions.c.position)).all()
        found = dict(rows)  # type: ignore[arg-type]
        return {name: int(found.get(name, 0)) for name in self.views}

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def lag(self) -> dict[str, int]:
        head = self.head()
        return {name: head - pos for name, pos in self.positions().items()}

    def faults(self) -> list[Fault]:
        """Views stopped before an event they cannot apply, as recorded by any runner."""
        with self.engine.connect() as db:
            rows = db.execute(select(faults).order_by(faults.c.view)).all()
        return [Fault(**row._mapping) for row in rows if row.view in self.views]

    # ----- catching up ------------------------------------------------------

    def catch_up(self, names: Iterable[str] | None = None, *,
                 progress: Callable[[int], None] | None = None,
                 retry_now: bool = False) -> int:
        """Apply every unseen notification to the named views (all by default).

        A view that cannot apply an event stops just before it (its fault recorded) and
        is left out until its back-off passes (`retry_now` tries it at once); the other
        views go on. Returns the number of events read (once per event, not per view).
        """
        wanted = list(names or self.views)
        done = 0
        with self._catching_up:
            now = self.clock()
            chosen = [self.views[n] for n in wanted
                      if retry_now or self._retry_at.get(n, 0.0) <= now]
            if not chosen:
                return 0
            current = {v.name: p for v, p in zip(chosen, self._positions_of(chosen), strict=True)}
            retried = {n for n in current if n in self._retry_at}
            while current:
                low = min(current.values())
                notifications = self.app.recorder.select_notifications(
                    start=low, limit=self.page_size, inclusive_of_start=False
                )
                if not notifications:
                    break
                # Personal fields are sealed per complaint: their keys come in one query.
                prefetch = getattr(self.app.mapper, "prefetch", None)
                if prefetch is not None:
                    prefetch(notifications)
                page = [(self._decode(n), n.id) for n in notifications]
                # Views at the same position (the usual case) share one transaction.
                by_position: dict[int, list[View]] = {}
                for view in chosen:
                    if view.name in current:
                        by_position.setdefault(current[view.name], []).append(view)
                for position, views in by_position.items():
                    unseen = [item for item in page if item[1] > position]
                    if not unseen:
                        continue
                    for view, reached in self._apply_or_isolate(views, unseen, position):
                        if reached is None:  # stopped at a fault: out of this round
                            current.pop(view.name, None)
                        else:
                            current[view.name] = reached
                            if view.name in retried:
                                self._cleared(view.name)
                                retried.discard(view.name)
                done += len(page)
                if progress:
                    progress(len(page))
        return done

    def _decode(self, notification: Any) -> Any:
        try:
            return self.app.mapper.to_domain_event(notification)
        except Exception as error:  # noqa: BLE001 - any unreadable event is one fault
            if is_unavailable(error):
                raise
            return Undecodable(notification, error)

    def _apply_or_isolate(self, views: Sequence[View], page: Page,
                          position: int) -> list[tuple[View, int | None]]:
        """Apply the page to the views together; if that fails on an event, find which
        views fail and where, apply what each can, and record each one's fault."""
        try:
            self._apply(views, page, position)
            return [(view, page[-1][1]) for view in views]
        except PositionMoved:
            return list(zip(views, self._positions_of(views), strict=True))
        except Exception as error:  # noqa: BLE001 - a poison event; the database is fine
            if is_unavailable(error):
                raise
        return [(view, self._apply_one_by_one(view, page, position)) for view in views]

    def _apply_one_by_one(self, view: View, page: Page, position: int) -> int | None:
        """Apply the page event by event; stop before the first that fails (None)."""
        for item in page:
            try:
                self._apply([view], [item], position)
            except PositionMoved:
                return self._positions_of([view])[0]
            except Exception as error:  # noqa: BLE001
                if is_unavailable(error):
                    raise
                self._record_fault(view.name, position, item, error)
                return None
            position = item[1]
        return position

    def _apply(self, views: Sequence[View], page: Page, expected: int) -> None:
        if any(isinstance(event, Undecodable) for event, _ in page):
            raise CannotApply("an event in this page cannot be decoded")
        with self.engine.begin() as db:
            for view in views:
                # Moving the position first takes the row lock, so a rival runner waits
                # here and then finds the position already moved.
                moved = db.execute(
                    update(positions)
                    .where(positions.c.view == view.name, positions.c.position == expected)
                    .values(position=page[-1][1])
                )
                if moved.rowcount != 1:
                    raise PositionMoved(view.name)
                view.apply(db, page)

    # ----- faults -----------------------------------------------------------

    def _record_fault(self, view: str, position: int, item: tuple[Any, int],
                      error: BaseException) -> None:
        event, notification_id = item
        delay = min(self._delay.get(view, FIRST_RETRY / 2) * 2, LONGEST_RETRY)
        self._delay[view] = delay
        self._retry_at[view] = self.clock() + delay
        kind = event.error if isinstance(event, Undecodable) else type(error)
        name = f"{kind.__module__}.{kind.__qualname__}"
        topic = getattr(event, "topic", None) or f"{type(event).__module__}.{type(event).__qualname__}"
        originator = str(getattr(event, "originator_id", ""))
        version = int(getattr(event, "originator_version", 0) or 0)
        # The event's identity and the error's type only: the message and the event's
        # data may hold a consumer's personal data.
        log.error("view %s cannot apply event %s (complaint %s, version %s, %s): %s; "
                  "stopped at position %s, next try in %.0f s", view, notification_id,
                  originator, version, topic.rsplit(".", 1)[-1], name, position, delay,
                  extra={"fields": {"view": view, "position": position,
                                    "notification_id": notification_id,
                                    "originator_id": originator,
                                    "originator_version": version, "error": name}})
        now = datetime.now(UTC).replace(tzinfo=None)
        row = {"position": position, "notification_id": notification_id,
               "originator_id": originator, "originator_version": version,
               "topic": topic[:200], "error": name[:200], "last_attempt": now}
        try:
            with self.engine.begin() as db:
                changed = db.execute(update(faults).where(faults.c.view == view)
                                     .values(attempts=faults.c.attempts + 1, **row))
                if changed.rowcount == 0:
                    db.execute(faults.insert(), {"view": view, "attempts": 1, "since": now, **row})
        except Exception as failure:  # noqa: BLE001 - the fault is still logged and retried
            log.warning("could not record the fault of view %s: %s", view,
                        type(failure).__name__)

    def _cleared(self, view: str) -> None:
        self._retry_at.pop(view, None)
        self._delay.pop(view, None)
        with self.engine.begin() as db:
            db.execute(delete(faults).where(faults.c.view == view))
        log.info("view %s applies events again", view)

    def _positions_of(self, views: Sequence[View]) -> list[int]:
        found = self.positions()
        return [found[v.name] for v in views]

    def rebuild(self, names: Iterable[str] | None = None, *,
                progress: Callable[[int], None] | None = None) -> int:
        """Empty the named views and build them again from the first event."""
        chosen = list(names or self.views)
        with self._catching_up, self.engine.begin() as db:
            for name in chosen:
                self.views[name].clear(db)
                db.execute(update(positions).where(positions.c.view == name).values(position=0))
                db.execute(delete(faults).where(faults.c.view == name))
                self._retry_at.pop(name, None)
                self._delay.pop(name, None)
        return self.catch_up_in_bulk(chosen, progress=progress, retry_now=True)

    def catch_up_in_bulk(self, names: Iterable[str] | None = None, *,
                         progress: Callable[[int], None] | None = None,
                         retry_now: bool = False) -> int:
        """`catch_up` in the rebuild's bigger pages, for views far behind (a rebuild, a
        store just filled with demo or imported cases): a complaint's several events in
        one page become one row write instead of several."""
        live_size, self.page_size = self.page_size, max(self.page_size, self.rebuild_page_size)
        try:
            return self.catch_up(names, progress=progress, retry_now=retry_now)
        finally:
            self.page_size = live_size

    def wait_until(self, notification_id: int, timeout: float = 5.0) -> bool:
        """Block until every view has reached the given position (or time runs out)."""
        if self._thread is None:
            self.catch_up()
        deadline = threading.Event()
        step = 0.01
        waited = 0.0
        while waited < timeout:
            if min(self.positions().values(), default=notification_id) >= notification_id:
                return True
            self._wake.set()
            deadline.wait(step)
            waited += step
        return False

    # ----- following --------------------------------------------------------

    def notify(self, _last_notification_id: int = 0) -> None:
        """Wake the follower: something was just written."""
        self._wake.set()

    @property
    def following(self) -> bool:
        """Whether a thread of this process keeps the views current."""
        return self._thread is not None

    def start(self, poll_interval: float = 0.5) -> None:
        """Follow the log in a background thread of this process."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.run_forever, kwargs={"poll_interval": poll_interval},
            name="projections", daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def run_forever(self, poll_interval: float = 0.5) -> None:
        """Catch up, then sleep until woken by a write, a notification or the poll timer.

        On PostgreSQL a LISTEN/NOTIFY subscription wakes us as soon as another process
        commits; SQLite offers no subscription, so other processes' writes are seen on
        the next poll.
        """
        listener = self._listen()
        try:
            while not self._stop.is_set():
                try:
                    self.catch_up()
                except Exception as error:  # noqa: BLE001 - the follower must live on
                    # The type only: a database error's text can quote the row's values.
                    log.warning("projection catch-up failed (%s); retrying",
                                type(error).__name__)
                    self._stop.wait(poll_interval * 4)
                self._wake.wait(poll_interval)
                self._wake.clear()
                # Gather what else is being written now into the same page: one view
                # transaction per burst instead of one per command, lag stays far under 1 s.
                self._stop.wait(self.batch_delay)
        finally:
            if listener is not None:
                listener.stop()

    def _listen(self) -> Any:
        try:
            subscription = self.app.recorder.subscribe(gt=self.head())
        except NotImplementedError:
            return None

        def pump() -> None:
            try:
                for _ in subscription:
                    self._wake.set()
            except Exception:  # the poll timer still covers us
                log.warning("notification listener stopped; falling back to polling")

        threading.Thread(target=pump, name="projections-listen", daemon=True).start()
        return subscription
