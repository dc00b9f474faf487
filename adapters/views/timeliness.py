"""The timeliness view (SPEC §3): clock runs with their due moments, asked at any moment.

The projection stores what events decide: each clock run (acceptance, mediation,
notice) with its start, the regulation that set its length, its due day and due
moment, suspensions and how it stopped; per closed complaint its closing and handling
time; and per day, office, mediator and clock the clocks stopped and met, so on-time
rates never scan the history. What time decides (`overdue`, `due_soon`, `working_days_left`) is never stored:
queries work it out for "now" or for the `as_of` moment they are given, in SQL for
filters and counts (against bounds computed once per query) and in Python for the
rows of a page.

Deadlines are computed when events are applied, with the working-day calendar of the
moment; `clear` reads the calendar data again, so a rebuild after the holiday data or
the override file changed recomputes every deadline from the events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    func,
    literal,
    not_,
    or_,
    select,
    union_all,
)

from adapters.projections import Page, View, metadata
from adapters.views.bulk_rows import insert_rows
from adapters.views.moments import read_utc, stored_utc
from domain.clocks import DUE_SOON_DAYS, CaseClocks, ClockName, ClockRun, Timekeeper
from domain.complaint import Complaint
from domain.errors import InvalidValue
from domain.regulation import DayKind

# ----- tables -------------------------------------------------------------------

# One row per closed complaint, written when it closes: how long it took, how it ended.
timeliness_closed = Table(
    "timeliness_closed",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("state", String(16), nullable=False),  # rejected, resolved, terminated, ...
    Column("office", String(32), nullable=False),
    Column("mediator", String(64)),
    Column("received_at", DateTime, nullable=False),
    Column("closed_at", DateTime, nullable=False),
    Column("handling_days", Integer, nullable=False),
    Index("ix_timeliness_closed_at", "closed_at"),
    Index("ix_timeliness_closed_office", "office", "closed_at"),
    Index("ix_timeliness_closed_mediator", "mediator", "closed_at"),
)

timeliness_clocks = Table(
    "timeliness_clocks",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),  # the version of the event that started it
    Column("received_at", DateTime, nullable=False),  # the complaint's, for its handling time
    # One event can start two clocks (an acceptance starts mediation and, unless the
    # complainant was told with it, the decision notice).
    Column("clock", String(20), primary_key=True),
    Column("regulation", String(32), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("length", Integer, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("start_day", Date, nullable=False),
    Column("office", String(32), nullable=False),
    Column("mediator", String(64)),
    Column("due_day", Date, nullable=False),
    Column("due_at", DateTime, nullable=False),
    Column("provisional", Boolean, nullable=False),
    Column("extension", Integer, nullable=False),
    Column("suspensions", Integer, nullable=False),
    Column("suspended_at", DateTime),
    Column("left_at_suspension", Integer),
    Column("stopped_at", DateTime),
    Column("stopped_by", String(20)),
    Column("met", Boolean),
    Column("used_days", Integer),
)
# Running clocks are a small, hot part of a table that grows with all history. Partial
# indexes over them only: one in due order (the page, read 50 entries at a time), one
# by office that holds every column the counts need (the summary and an office's page
# never touch the table), one by mediator. Measured in bench/timeliness.py.
_running = timeliness_clocks.c.stopped_at.is_(None)
_c = timeliness_clocks.c
Index("ix_timeliness_running_due", _c.due_at, _c.complaint_id, _c.seq,
      postgresql_where=_running, sqlite_where=_running)
Index("ix_timeliness_running_office", _c.office, _c.mediator, _c.clock, _c.due_at,
      _c.suspended_at, _c.left_at_suspension,
      postgresql_where=_running, sqlite_where=_running)
Index("ix_timeliness_running_mediator", _c.mediator, _c.due_at,
      postgresql_where=_running, sqlite_where=_running)
# Only an `as_of` in the past reads this: clocks stopped after that moment. Partial too,
# so that "not stopped" is answered from the indexes above, never from this one.
Index("ix_timeliness_stopped", _c.stopped_at,
      postgresql_where=_c.stopped_at.is_not(None), sqlite_where=_c.stopped_at.is_not(None))

# Closed clocks counted per local day of stopping, so on-time rates never scan history.
timeliness_daily = Table(
    "timeliness_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("office", String(32), primary_key=True),
    Column("mediator", String(64), primary_key=True),  # "" for none (acceptance clocks)
    Column("clock", String(20), primary_key=True),
    Column("closed", Integer, nullable=False),
    Column("met", Integer, nullable=False),
)


# ----- answers ------------------------------------------------------------------

@dataclass(frozen=True)
class TimelinessFilter:
    office: str | None = None
    mediator: str | None = None
    clock: str | None = None  # acceptance | mediation | notice
    overdue: bool | None = None
    due_soon: bool | None = None
    as_of: datetime | None = None  # default: now
    # On-time rates count the clocks stopped from this local day through the day of
    # `as_of`; by default the twelve months before it.
    since: date | None = None
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class TimelinessItem:
    """A running clock of an open complaint, as of the query's moment."""

    id: str  # the complaint
    clock: str
    due: date  # the last day, inclusive
    due_at: datetime  # late from this moment on (the end of `due`, desk time zone)
    working_days_left: int  # negative when late
    due_soon: bool
    overdue: bool
    provisional: bool
    office: str
    mediator: str | None
    regulation: str
    kind: str  # working | calendar (the 2014 measures counted mediation in calendar days)
    started_at: datetime
    suspended: bool


@dataclass(frozen=True)
class ClockTally:
    clock: str
    open: int
    overdue: int
    due_soon: int
    closed: int
    met: int
    on_time_rate: float | None  # met / closed; None when nothing closed


@dataclass(frozen=True)
class GroupSummary:
    """One office or one mediator: running clocks now, and closed clocks met or missed."""

    key: str  # the office code, or the mediator's username
    open: int
    overdue: int
    due_soon: int
    closed: int
    met: int
    on_time_rate: float | None  # met / closed over every clock; None when nothing closed
    clocks: tuple[ClockTally, ...]  # the same, clock by clock


@dataclass(frozen=True)
class TimelinessPage:
    as_of: datetime
    rates_since: date  # the first day of the closed clocks counted in on-time rates
    items: list[TimelinessItem]
    total: int
    page: int
    per_page: int
    offices: list[GroupSummary]
    mediators: list[GroupSummary]
    # The entrusted organisations (Order 121 Art. 19), from their mediators' figures.
    organisations: list[GroupSummary] = field(default_factory=list)


@dataclass(frozen=True)
class ClockRecord:
    """One run of a clock in a complaint's history."""

    seq: int
    clock: str
    regulation: str
    kind: str
    length: int
    started_at: datetime
    due: date
    due_at: datetime
    provisional: bool
    extension_days: int
    suspensions: int
    suspended: bool
    stopped_at: datetime | None
    stopped_by: str | None
    met: bool | None
    used_days: int | None
    office: str
    mediator: str | None


@dataclass(frozen=True)
class ComplaintTimeliness:
    id: str
    as_of: datetime
    closed_state: str | None  # rejected, resolved, ... once closed by `as_of`
    office: str
    mediator: str | None
    acceptance_due: date | None  # the latest acceptance clock (restarted by a transfer)
    mediation_due: date | None  # None until accepted
    running: list[TimelinessItem]
    clocks: list[ClockRecord]
    closed_at: datetime | None
    handling_days: int | None  # working days from receipt to closing
    acceptance_met: bool | None
    mediation_met: bool | None
    notice_met: bool | None


@dataclass(frozen=True)
class ClosedComplaint:
    id: str
    state: str  # the state it closed in
    office: str
    mediator: str | None
    received_at: datetime
    closed_at: datetime
    handling_days: int
    acceptance_met: bool | None
    mediation_met: bool | None
    notice_met: bool | None


@dataclass(frozen=True)
class ClosedPage:
    items: list[ClosedComplaint]
    total: int
    page: int
    per_page: int


# ----- the view -----------------------------------------------------------------

RATES_WINDOW_DAYS = 365  # on-time rates cover the twelve months before `as_of` by default


class TimelinessView(View):
    name = "timeliness"
    tables = (timeliness_closed, timeliness_clocks, timeliness_daily)

    def __init__(self, engine: Engine, keeper: Timekeeper,
                 *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.keeper = keeper
        self.clock = clock

    # ----- projecting -------------------------------------------------------------

    def clear(self, db: Connection) -> None:
        super().clear(db)
        # A rebuild must see the holiday data and the override file as they are now.
        reload = getattr(self.keeper.calendar, "reload", None)
        if reload is not None:
            reload()

    def apply(self, db: Connection, page: Page) -> None:
        keeper = self.keeper
        events = [(str(e.originator_id), e) for e, _ in page
                  if isinstance(e, Complaint.Filed) or keeper.concerns(e)]
        filed_here = {key for key, e in events if isinstance(e, Complaint.Filed)}
        cases, before = self._load(db, {key for key, _ in events} - filed_here)
        was = {key: (case_.closed_at is not None, case_.state) for key, case_ in cases.items()}
        # A complaint with no clock running is closed; only its closing state can change
        # (a resolved case escalated because the agreement was breached).
        restated: dict[str, str] = {}
        for key, event in events:
            if isinstance(event, Complaint.Filed):
                cases[key] = keeper.filed(event)
            elif key in cases:
                keeper.apply(cases[key], event)
            else:
                restated[key] = str(event.state)

        new_runs: list[dict[str, Any]] = []
        run_changes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        closings: list[dict[str, Any]] = []
        tallies: dict[tuple[date, str, str, str], list[int]] = {}
        for key, case_ in cases.items():
            received_at = _naive_utc(case_.received_at)
            for run in case_.runs:
                earlier = before.get((key, run.seq, run.clock.value))
                if earlier is None:
                    new_runs.append(self._run_row(key, run, received_at))
                elif vars(run) != earlier:
                    changed = self._run_changes(run, earlier)
                    run_changes.setdefault(tuple(changed), []).append(
                        {"_id": key, "_seq": run.seq, "_clock": run.clock.value, **changed})
                if run.stopped_at is not None and (earlier is None or earlier["stopped_at"] is None):
                    tally = tallies.setdefault((keeper.day_of(run.stopped_at), run.office,
                                                run.mediator or "", run.clock.value), [0, 0])
                    tally[0] += 1
                    tally[1] += bool(run.met)
            closed_before, state_before = was.get(key, (False, None))
            if case_.closed_at is not None and not closed_before:
                closings.append({
                    "id": key, "state": case_.state, "office": case_.office,
                    "mediator": case_.mediator, "received_at": received_at,
                    "closed_at": _naive_utc(case_.closed_at), "handling_days": case_.handling_days,
                })
            elif closed_before and case_.state != state_before:
                restated[key] = case_.state
        if new_runs:
            insert_rows(db, timeliness_clocks, new_runs)
        for shape, rows in run_changes.items():
            db.execute(timeliness_clocks.update()
                       .where(timeliness_clocks.c.complaint_id == bindparam("_id"),
                              timeliness_clocks.c.seq == bindparam("_seq"),
                              timeliness_clocks.c.clock == bindparam("_clock"))
                       .values({name: bindparam(name) for name in shape}), rows)
        if closings:
            insert_rows(db, timeliness_closed, closings)
        if restated:
            db.execute(timeliness_closed.update()
                       .where(timeliness_closed.c.id == bindparam("_id"))
                       .values(state=bindparam("state")),
                       [{"_id": key, "state": state} for key, state in restated.items()])
        if tallies:
            db.execute(_add_to_daily(db), [
                {"day": day, "office": office, "mediator": mediator, "clock": clock,
                 "closed": closed, "met": met}
                for (day, office, mediator, clock), (closed, met) in tallies.items()])

    def _load(self, db: Connection, ids: set[str]) -> tuple[dict[str, CaseClocks], dict[Any, Any]]:
        """The complaints a page touches that have a clock running, and copies of those clocks."""
        cases: dict[str, CaseClocks] = {}
        before: dict[Any, Any] = {}
        wanted = sorted(ids)
        c = timeliness_clocks.c
        for start in range(0, len(wanted), 500):
            running: dict[str, list[ClockRun]] = {}
            received: dict[str, datetime] = {}
            for row in db.execute(select(timeliness_clocks)
                                  .where(c.complaint_id.in_(wanted[start:start + 500]),
                                         c.stopped_at.is_(None))
                                  .order_by(c.complaint_id, c.seq)).mappings():
                run = _run_of(row)
                key = row["complaint_id"]
                running.setdefault(key, []).append(run)
                received[key] = _utc(row["received_at"])  # type: ignore[assignment]
                before[(key, run.seq, run.clock.value)] = dict(vars(run))
            for key, runs in running.items():
                cases[key] = CaseClocks.resume(
                    key, received_at=received[key],
                    received_day=self.keeper.day_of(received[key]), running=runs)
        return cases, before

    def _run_row(self, complaint_id: str, run: ClockRun, received_at: Any) -> dict[str, Any]:
        row = dict(vars(run))
        row["complaint_id"] = complaint_id
        row["received_at"] = received_at
        row["clock"] = run.clock.value
        row["kind"] = run.kind.value
        for name in _RUN_MOMENTS:
            row[name] = _naive_utc(row[name])
        row["due_at"] = _naive_utc(self.keeper.end_of(run.due_day))
        return row

    def _run_changes(self, run: ClockRun, earlier: dict[str, Any]) -> dict[str, Any]:
        changed: dict[str, Any] = {}
        for name, value in vars(run).items():
            if value != earlier[name]:
                changed[name] = _stored(name, value)
        if "due_day" in changed:
            changed["due_at"] = _naive_utc(self.keeper.end_of(run.due_day))
        return changed

    # ----- asking -------------------------------------------------------------------

    def overdue_ids(self) -> Select[Any]:
        """The complaints with a clock running past its due moment now, as a subquery
        other views' queries can filter by."""
        now = _aware(self.clock())
        moments = _Moments.of(self.keeper, now, now=now)
        running = moments.running([moments.overdue()], [timeliness_clocks.c.complaint_id])
        return select(running.c.complaint_id)

    def timeliness(self, criteria: TimelinessFilter | None = None) -> TimelinessPage:
        """`GET /api/v1/timeliness`: running clocks (a page) and the summary per office and mediator."""
        criteria = criteria or TimelinessFilter()
        as_of = _aware(criteria.as_of or self.clock())
        moments = _Moments.of(self.keeper, as_of, now=self.clock())
        per_page = max(1, min(criteria.per_page, 500))
        page = max(1, criteria.page)
        c = timeliness_clocks.c

        scope = _scope(criteria)
        wanted = list(scope)
        if criteria.overdue is not None:
            late = moments.overdue()
            wanted.append(late if criteria.overdue else not_(late))
        if criteria.due_soon is not None:
            soon = moments.due_soon()
            wanted.append(soon if criteria.due_soon else not_(soon))
        listed = moments.running(wanted, [
            c.complaint_id, c.seq, c.clock, c.regulation, c.kind, c.started_at, c.office,
            c.mediator, c.due_day, c.due_at, c.provisional, c.suspended_at, c.left_at_suspension])
        counted = moments.running(scope, [
            c.office, c.mediator, c.clock,
            case((moments.overdue(), 1), else_=0).label("late"),
            case((moments.due_soon(), 1), else_=0).label("soon")])
        today = self.keeper.day_of(as_of)
        since = criteria.since or today - timedelta(days=RATES_WINDOW_DAYS - 1)
        with self.engine.connect() as db:
            total = db.scalar(select(func.count()).select_from(listed))
            rows = db.execute(
                select(listed).order_by(listed.c.due_at, listed.c.complaint_id, listed.c.seq)
                .limit(per_page).offset((page - 1) * per_page)
            ).mappings().all()
            running = db.execute(
                select(counted.c.office, counted.c.mediator, counted.c.clock, func.count(),
                       func.sum(counted.c.late), func.sum(counted.c.soon))
                .group_by(counted.c.office, counted.c.mediator, counted.c.clock)).all()
            closed = db.execute(_closed_tally(criteria, since, today)).all()
        items = [self._item(row, as_of) for row in rows]
        offices, mediators = _summaries(running, closed)
        return TimelinessPage(as_of=as_of, rates_since=since, items=items, total=int(total or 0),
                              page=page, per_page=per_page, offices=offices, mediators=mediators)

    def complaint(self, complaint_id: Any, as_of: datetime | None = None) -> ComplaintTimeliness | None:
        """One complaint's clocks: `acceptance_due`, `mediation_due`, what runs now, its history."""
        key = str(complaint_id)
        with self.engine.connect() as db:
            run_rows = db.execute(
                select(timeliness_clocks).where(timeliness_clocks.c.complaint_id == key)
                .order_by(timeliness_clocks.c.seq)).mappings().all()
            if not run_rows:
                return None
            closing = db.execute(select(timeliness_closed)
                                 .where(timeliness_closed.c.id == key)).mappings().first()
        return self._answer(key, run_rows, closing, as_of)

    def of_events(self, events: Iterable[Any], as_of: datetime | None = None) -> ComplaintTimeliness:
        """The answer `complaint` gives, worked out from a complaint's own events.

        For a reply that cannot wait for the view to catch up (the `acceptance_due` of a
        complaint just filed): `view.of_events(desk.events.get(complaint_id))`.
        """
        case_ = self.keeper.replay(events)
        received_at = _naive_utc(case_.received_at)
        rows = [self._run_row(case_.id, run, received_at) for run in case_.runs]
        closing = None if case_.closed_at is None else {
            "state": case_.state, "office": case_.office, "mediator": case_.mediator,
            "closed_at": _naive_utc(case_.closed_at), "handling_days": case_.handling_days,
        }
        return self._answer(case_.id, rows, closing, as_of)

    def _answer(self, key: str, run_rows: Sequence[Any], closing: Any,
                as_of: datetime | None) -> ComplaintTimeliness:
        as_of = _aware(as_of or self.clock())
        at = _naive_utc(as_of)
        running = [self._item(r, as_of) for r in run_rows
                   if r["started_at"] <= at and (r["stopped_at"] is None or r["stopped_at"] > at)]
        records = [self._record(r) for r in run_rows if r["started_at"] <= at]
        due_now = {item.clock: item.due for item in running}

        def latest(clock: ClockName) -> ClockRecord | None:
            started = [r for r in records if r.clock == clock.value]
            return started[-1] if started else None

        def due(clock: ClockName) -> date | None:
            record = latest(clock)
            return due_now.get(clock.value, record.due if record else None)

        def met(clock: ClockName) -> bool | None:
            record = latest(clock)
            if record is None or record.stopped_at is None or record.stopped_at > as_of:
                return None
            return record.met

        closed = closing is not None and closing["closed_at"] <= at
        last = run_rows[-1]
        return ComplaintTimeliness(
            id=key, as_of=as_of, closed_state=closing["state"] if closed else None,
            office=closing["office"] if closed else last["office"],
            mediator=closing["mediator"] if closed else last["mediator"],
            acceptance_due=due(ClockName.ACCEPTANCE), mediation_due=due(ClockName.MEDIATION),
            running=running, clocks=records,
            closed_at=_utc(closing["closed_at"]) if closed else None,
            handling_days=closing["handling_days"] if closed else None,
            acceptance_met=met(ClockName.ACCEPTANCE), mediation_met=met(ClockName.MEDIATION),
            notice_met=met(ClockName.NOTICE),
        )

    def closed(self, *, office: str | None = None, mediator: str | None = None,
               since: datetime | None = None, until: datetime | None = None,
               page: int = 1, per_page: int = 50) -> ClosedPage:
        """Closed complaints: whether each clock was met, and the handling time in working days."""
        t = timeliness_closed.c
        wanted: list[ColumnElement[bool]] = []
        if office:
            wanted.append(t.office == office)
        if mediator:
            wanted.append(t.mediator == mediator)
        if since:
            wanted.append(t.closed_at >= _naive_utc(_aware(since)))
        if until:
            wanted.append(t.closed_at <= _naive_utc(_aware(until)))
        per_page = max(1, min(per_page, 500))
        page = max(1, page)
        c = timeliness_clocks.c
        with self.engine.connect() as db:
            total = db.scalar(select(func.count()).select_from(timeliness_closed).where(*wanted))
            rows = db.execute(select(timeliness_closed).where(*wanted)
                              .order_by(t.closed_at.desc(), t.id)
                              .limit(per_page).offset((page - 1) * per_page)).mappings().all()
            met: dict[tuple[str, str], bool | None] = {}
            if rows:
                for key, clock, was_met in db.execute(
                        select(c.complaint_id, c.clock, c.met)
                        .where(c.complaint_id.in_([r["id"] for r in rows]))
                        .order_by(c.complaint_id, c.seq)):
                    met[(key, clock)] = was_met  # the latest run of each clock wins
        items = [ClosedComplaint(
            id=r["id"], state=r["state"], office=r["office"], mediator=r["mediator"],
            received_at=_utc(r["received_at"]), closed_at=_utc(r["closed_at"]),  # type: ignore[arg-type]
            handling_days=r["handling_days"],
            acceptance_met=met.get((r["id"], "acceptance")),
            mediation_met=met.get((r["id"], "mediation")),
            notice_met=met.get((r["id"], "notice")),
        ) for r in rows]
        return ClosedPage(items=items, total=int(total or 0), page=page, per_page=per_page)

    # ----- pieces -------------------------------------------------------------------

    def _item(self, row: Any, as_of: datetime) -> TimelinessItem:
        kind = DayKind(row["kind"])
        status = self.keeper.status(
            due_day=row["due_day"], kind=kind, as_of=as_of,
            suspended_at=_utc(row["suspended_at"]), left_at_suspension=row["left_at_suspension"],
            start_day=row.get("start_day"), length=row.get("length"),
            extension=row.get("extension") or 0,
        )
        return TimelinessItem(
            id=row["complaint_id"], clock=row["clock"], due=status.due, due_at=status.due_at,
            working_days_left=status.working_days_left, due_soon=status.due_soon,
            overdue=status.overdue, provisional=bool(row["provisional"]), office=row["office"],
            mediator=row["mediator"], regulation=row["regulation"], kind=kind.value,
            started_at=_utc(row["started_at"]), suspended=status.suspended,
        )

    def _record(self, row: Any) -> ClockRecord:
        return ClockRecord(
            seq=row["seq"], clock=row["clock"], regulation=row["regulation"], kind=row["kind"],
            length=row["length"], started_at=_utc(row["started_at"]), due=row["due_day"],
            due_at=self.keeper.end_of(row["due_day"]), provisional=bool(row["provisional"]),
            extension_days=row["extension"], suspensions=row["suspensions"],
            suspended=row["suspended_at"] is not None, stopped_at=_utc(row["stopped_at"]),
            stopped_by=row["stopped_by"], met=row["met"], used_days=row["used_days"],
            office=row["office"], mediator=row["mediator"],
        )


# ----- SQL pieces ----------------------------------------------------------------

@dataclass(frozen=True)
class _Moments:
    """One question's moment, and the bounds that turn `Timekeeper.status` into SQL.

    `current` is an `as_of` at or after now: no clock has started or stopped after it
    (events are stamped with the desk's clock), so the running clocks are exactly the
    rows not stopped, which the partial indexes hold.
    """

    at: datetime  # naive UTC, as stored
    soon_until: datetime  # due moments up to here (and not yet passed) are due soon
    current: bool

    @classmethod
    def of(cls, keeper: Timekeeper, as_of: datetime, *, now: datetime) -> _Moments:
        # left <= 2 exactly when the due day comes before the third working day after
        # today, that is when its due moment is no later than that day's first moment.
        first_not_soon = keeper.due_soon_before(as_of)
        return cls(at=_naive_utc(as_of),
                   soon_until=_naive_utc(keeper.end_of(first_not_soon - timedelta(days=1))),
                   current=as_of >= now)

    def paused(self) -> ColumnElement[bool]:
        c = timeliness_clocks.c
        if self.current:
            return c.suspended_at.is_not(None)
        return and_(c.suspended_at.is_not(None), c.suspended_at <= self.at)

    def counting(self) -> ColumnElement[bool]:
        c = timeliness_clocks.c
        if self.current:
            return c.suspended_at.is_(None)
        return or_(c.suspended_at.is_(None), c.suspended_at > self.at)

    def overdue(self) -> ColumnElement[bool]:
        """Late once the due moment has passed; a suspended clock keeps what it had."""
        c = timeliness_clocks.c
        return or_(and_(self.counting(), c.due_at <= self.at),
                   and_(self.paused(), c.left_at_suspension < 0))

    def due_soon(self) -> ColumnElement[bool]:
        c = timeliness_clocks.c
        return or_(and_(self.counting(), c.due_at > self.at, c.due_at <= self.soon_until),
                   and_(self.paused(), c.left_at_suspension >= 0,
                        c.left_at_suspension <= literal(DUE_SOON_DAYS)))

    def running(self, wanted: Sequence[ColumnElement[bool]], columns: Sequence[Any]) -> Any:
        """The clocks running at the moment, as a subquery of the given columns."""
        c = timeliness_clocks.c
        still = select(*columns).where(c.stopped_at.is_(None), *wanted)
        if self.current:
            return still.subquery("running")
        # In the past: started by then, and not stopped or stopped later. Two branches
        # rather than one OR, so each reads its own index.
        later = select(*columns).where(c.stopped_at > self.at, c.started_at <= self.at, *wanted)
        return union_all(still.where(c.started_at <= self.at), later).subquery("running")


def _scope(criteria: TimelinessFilter) -> list[ColumnElement[bool]]:
    c = timeliness_clocks.c
    scope: list[ColumnElement[bool]] = []
    if criteria.office:
        scope.append(c.office == criteria.office)
    if criteria.mediator:
        scope.append(c.mediator == criteria.mediator)
    if criteria.clock:
        scope.append(c.clock == _clock_named(criteria.clock))
    return scope


def _clock_named(name: str) -> str:
    try:
        return ClockName(name).value
    except ValueError:
        raise InvalidValue("clock", "must be one of acceptance, mediation, notice, odr") from None


def _closed_tally(criteria: TimelinessFilter, since: date, through: date) -> Select[Any]:
    d = timeliness_daily.c
    wanted = [d.day >= since, d.day <= through]
    if criteria.office:
        wanted.append(d.office == criteria.office)
    if criteria.mediator:
        wanted.append(d.mediator == criteria.mediator)
    if criteria.clock:
        wanted.append(d.clock == _clock_named(criteria.clock))
    return (select(d.office, d.mediator, d.clock, func.sum(d.closed), func.sum(d.met))
            .where(*wanted).group_by(d.office, d.mediator, d.clock))


@cache
def _add_to_daily_for(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(timeliness_daily)
    return statement.on_conflict_do_update(
        index_elements=[timeliness_daily.c.day, timeliness_daily.c.office,
                        timeliness_daily.c.mediator, timeliness_daily.c.clock],
        set_={"closed": timeliness_daily.c.closed + statement.excluded.closed,
              "met": timeliness_daily.c.met + statement.excluded.met},
    )


def _add_to_daily(db: Connection) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE adding to the day's counts (both backends have it)."""
    return _add_to_daily_for(db.dialect.name)


def _summaries(running: Sequence[Any], closed: Sequence[Any]) -> tuple[
        list[GroupSummary], list[GroupSummary]]:
    tallies: dict[tuple[str, str, str], dict[str, int]] = {}
    for dimension in ("office", "mediator"):
        for office, mediator, clock, n, late, soon in running:
            key = office if dimension == "office" else mediator
            if not key:
                continue
            t = tallies.setdefault((dimension, key, clock), _zero())
            t["open"] += int(n)
            t["overdue"] += int(late or 0)
            t["due_soon"] += int(soon or 0)
        for office, mediator, clock, n, met in closed:
            key = office if dimension == "office" else mediator
            if not key:
                continue
            t = tallies.setdefault((dimension, key, clock), _zero())
            t["closed"] += int(n or 0)
            t["met"] += int(met or 0)
    groups: dict[tuple[str, str], list[ClockTally]] = {}
    for (dimension, key, clock), t in sorted(tallies.items()):
        groups.setdefault((dimension, key), []).append(
            ClockTally(clock=clock, **t, on_time_rate=_rate(t["met"], t["closed"])))
    offices, mediators = [], []
    for (dimension, key), clocks in groups.items():
        # The ODR window is the business's to keep, not the office's: it is listed as a
        # clock of its own but left out of the office's and mediator's totals.
        own = [t for t in clocks if t.clock != ClockName.ODR.value]
        total = {name: sum(getattr(t, name) for t in own)
                 for name in ("open", "overdue", "due_soon", "closed", "met")}
        summary = GroupSummary(key=key, clocks=tuple(clocks), **total,
                               on_time_rate=_rate(total["met"], total["closed"]))
        (offices if dimension == "office" else mediators).append(summary)
    return offices, mediators


def _rate(met: int, closed: int) -> float | None:
    return met / closed if closed else None


def _zero() -> dict[str, int]:
    return {"open": 0, "overdue": 0, "due_soon": 0, "closed": 0, "met": 0}


# ----- rows ---------------------------------------------------------------------

def _naive_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else stored_utc(moment)


def _utc(stored: datetime | None) -> datetime | None:
    return None if stored is None else read_utc(stored)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidValue("as_of", "must carry a UTC offset")
    return moment


_RUN_FIELDS = tuple(f.name for f in fields(ClockRun))
_RUN_MOMENTS = frozenset({"started_at", "suspended_at", "stopped_at"})


def _stored(name: str, value: Any) -> Any:
    if name in _RUN_MOMENTS:
        return _naive_utc(value)
    if name in ("clock", "kind"):
        return value.value
    return value


def _run_of(row: Any) -> ClockRun:
    values = {name: row[name] for name in _RUN_FIELDS}
    values["clock"] = ClockName(row["clock"])
    values["kind"] = DayKind(row["kind"])
    values["provisional"] = bool(row["provisional"])
    for name in _RUN_MOMENTS:
        values[name] = _utc(row[name])
    return ClockRun(**values)
