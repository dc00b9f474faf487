"""The projection mechanism shared by every view.

Each view owns SQLAlchemy tables and a row in `projection_positions`. A page of
notifications is read once, decoded once, and handed to every view that has not
seen it; each view writes its rows and moves its position in one transaction, so a
crash mid-page rolls both back and a restart never counts twice. The position is
moved with a compare-and-set, so two runners (the serving process and a worker)
never apply the same page twice either.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from eventsourcing.application import Application
from sqlalchemy import BigInteger, Column, Connection, Engine, MetaData, String, Table, inspect
from sqlalchemy import select
from sqlalchemy import update

log = logging.getLogger(__name__)

metadata = MetaData()

positions = Table(
    "projection_positions",
    metadata,
    Column("view", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

Page = Sequence[tuple[Any, int]]  # (domain event, notification id)


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

    # ----- catching up ------------------------------------------------------

    def catch_up(self, names: Iterable[str] | None = None, *,
                 progress: Callable[[int], None] | None = None) -> int:
        """Apply every unseen notification to the named views (all by default).

        Returns the number of events applied (counted once per event, not per view).
        """
        chosen = [self.views[n] for n in (names or self.views)]
        done = 0
        with self._catching_up:
            current = {v.name: p for v, p in zip(chosen, self._positions_of(chosen), strict=True)}
            while True:
                low = min(current.values())
                notifications = self.app.recorder.select_notifications(
                    start=low, limit=self.page_size, inclusive_of_start=False
                )
                if not notifications:
                    return done
                # Personal fields are sealed per complaint: their keys come in one query.
                prefetch = getattr(self.app.mapper, "prefetch", None)
                if prefetch is not None:
                    prefetch(notifications)
                page = [(self.app.mapper.to_domain_event(n), n.id) for n in notifications]
                # Views at the same position (the usual case) share one transaction.
                by_position: dict[int, list[View]] = {}
                for view in chosen:
                    by_position.setdefault(current[view.name], []).append(view)
                for position, views in by_position.items():
                    unseen = [item for item in page if item[1] > position]
                    if not unseen:
                        continue
                    try:
                        self._apply(views, unseen, position)
                    except PositionMoved:
                        for view, moved_to in zip(views, self._positions_of(views), strict=True):
                            current[view.name] = moved_to
                        continue
                    for view in views:
                        current[view.name] = unseen[-1][1]
                done += len(page)
                if progress:
                    progress(len(page))

    def _positions_of(self, views: Sequence[View]) -> list[int]:
        found = self.positions()
        return [found[v.name] for v in views]

    def _apply(self, views: Sequence[View], page: Page, expected: int) -> None:
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

    def rebuild(self, names: Iterable[str] | None = None, *,
                progress: Callable[[int], None] | None = None) -> int:
        """Empty the named views and build them again from the first event."""
        chosen = list(names or self.views)
        with self._catching_up, self.engine.begin() as db:
            for name in chosen:
                self.views[name].clear(db)
                db.execute(update(positions).where(positions.c.view == name).values(position=0))
        # Bigger pages while rebuilding: a complaint's several events in one page become
        # one row write instead of several.
        live_size, self.page_size = self.page_size, max(self.page_size, self.rebuild_page_size)
        try:
            return self.catch_up(chosen, progress=progress)
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
                except Exception:  # a view bug must not kill the serving process
                    log.exception("projection catch-up failed; retrying")
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
