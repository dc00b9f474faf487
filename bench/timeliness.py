"""The timeliness page over 100,000 open complaints: how long it takes, and why.

    python -m bench.timeliness [--open 100000] [--closed 100000] [--backend sqlite|postgres|both]
                               [--runs 7] [--explain] [--no-compare]

Histories are built in memory with the domain's own methods (file; 60% accepted and
assigned to one of 12 mediators in 8 offices, 5% of those suspended; `--closed` more
accepted and resolved months ago, so running clocks are a minority of the table as at a
real desk) and handed to `TimelinessView.apply` 500 events at a time, each page in one
transaction, as the projection runner does. No event store is involved: the figures
are the view's own. Every event of this log moves a clock, so the projection rate is a
floor; on the mixed log of `bench.rebuild --per-view` (notes, ratings) it is higher.

Measured, each the median of `--runs` calls after one warm-up:
- page: `timeliness()` for "now": the first 50 running clocks by due moment, their
  total, and the summary per office and per mediator (open, overdue, due soon; closed
  and met over twelve months): everything behind `GET /api/v1/timeliness`;
- the same with filters (an office and overdue; a mediator and due soon; one clock);
- the same as of 30 days ago (the longer way: clocks started by then, stopped since);
- one complaint's `complaint(id)` (acceptance_due, mediation_due, history).
With the comparison on (default), the partial indexes on running clocks are dropped
and the page measured again, to show what they buy; `--explain` prints the plans.

Measured here (2 shared cores, load ~1; 100,000 open + 100,000 closed complaints,
622,935 events; medians in ms):

| query                          | SQLite | PostgreSQL 15 |
|--------------------------------|-------:|--------------:|
| page (now, 50 items + summary) |   47.5 |          38.7 |
| office + overdue               |   11.4 |           8.7 |
| mediator + due_soon            |   13.3 |          10.2 |
| clock = acceptance, page 20    |   71.6 |          26.0 |
| as of 30 days ago              |  284.7 |         235.9 |
| one complaint                  |    0.2 |           0.9 |
| page, partial indexes dropped  |  207.3 |         173.0 |

PostgreSQL's plan for the page: the count is an index-only scan of a running-clock
partial index (4 ms), the 50 items an index scan of `ix_timeliness_running_due` that
stops after 50 entries (0.06 ms), the open counts a parallel index-only scan of the
covering `ix_timeliness_running_office` (18 ms), the on-time rates a scan of the small
`timeliness_daily` table (6 ms); the rest is Python. Without the partial indexes each
of the first three is a sequential scan of every clock ever run (50-63 ms apiece).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make `bench` and the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import actors, backends, filing_body, fresh_store, machine, table  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)
OFFICES = tuple(f"SH-{n:02d}" for n in range(8))
MEDIATORS = tuple(f"med{n:02d}" for n in range(12))
PAGE = 500
PARTIAL_INDEXES = ("ix_timeliness_running_due", "ix_timeliness_running_office",
                   "ix_timeliness_running_mediator")


# ----- histories --------------------------------------------------------------------

def histories(n_open: int, n_closed: int, seed: int = 4) -> list[Any]:
    """Every event of n_open running and n_closed resolved complaints, in log order."""
    import random

    from domain.complaint import Complaint
    from domain.intake import Intake
    from domain.permissions import Actor
    from domain.vocabulary import Role

    rng = random.Random(seed)
    operator, _ = actors()
    base = Intake.parse(filing_body(0), now=NOW, default_office=None)
    timed: list[tuple[datetime, int, Any]] = []
    order = 0

    def record(complaint: Complaint) -> None:
        nonlocal order
        for event in complaint.collect_events():
            timed.append((event.at, order, event))
            order += 1

    for i in range(n_open + n_closed):
        closed = i >= n_open
        age = timedelta(days=rng.uniform(30, 420) if closed else rng.uniform(0.1, 75))
        received = NOW - age
        intake = replace(base, received_at=received, office=rng.choice(OFFICES))
        complaint = Complaint.file(intake, actor=operator, at=received, tz=SHANGHAI)
        moment = received
        stage = rng.random()
        if closed or stage > 0.4:  # accepted and in mediation
            moment += timedelta(days=rng.uniform(0.5, 10))
            complaint.accept(actor=operator, at=min(moment, NOW), tz=SHANGHAI)
            mediator = Actor(rng.choice(MEDIATORS), Role.MEDIATOR)
            complaint.assign(actor=operator, at=min(moment, NOW), mediator=mediator.username)
            if not closed and rng.random() < 0.05:
                moment += timedelta(days=rng.uniform(0, 20))
                complaint.suspend(actor=mediator, at=min(moment, NOW), reason="testing")
            elif closed:
                moment += timedelta(days=rng.uniform(3, 70))
                complaint.resolve(actor=mediator, at=min(moment, NOW), outcome="refund",
                                  amount_recovered="100.00", terms="退款")
        record(complaint)
    timed.sort(key=lambda t: (t[0], t[1]))
    return [event for _, _, event in timed]


# ----- the store --------------------------------------------------------------------

def fresh_view(url: str) -> Any:
    from adapters.calendar_cn import ChinaCalendar
    from adapters.database import make_engine
    from adapters.projections import metadata
    from adapters.settings import Settings
    from adapters.views.timeliness import TimelinessView
    from domain.clocks import Timekeeper

    engine = make_engine(Settings(database_url=url))
    metadata.create_all(engine, tables=list(TimelinessView.tables))
    return TimelinessView(engine, Timekeeper(ChinaCalendar(), SHANGHAI), clock=lambda: NOW)


def project(view: Any, events: list[Any]) -> float:
    started = time.perf_counter()
    for start in range(0, len(events), PAGE):
        page = [(e, start + k + 1) for k, e in enumerate(events[start:start + PAGE])]
        with view.engine.begin() as db:
            view.apply(db, page)
    seconds = time.perf_counter() - started
    _vacuum(view)
    return seconds


def _vacuum(view: Any) -> None:
    """What autovacuum would have done by the time anyone asks: statistics, visibility map."""
    from sqlalchemy import text

    with view.engine.connect() as db:
        db = db.execution_options(isolation_level="AUTOCOMMIT")
        db.execute(text("VACUUM ANALYZE" if db.dialect.name == "postgresql" else "ANALYZE"))


def timed(call: Callable[[], Any], runs: int) -> tuple[float, Any]:
    result = call()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, result


def queries(view: Any, some_id: str) -> Iterator[tuple[str, Callable[[], Any]]]:
    from adapters.views.timeliness import TimelinessFilter

    yield "page (now, 50 items + summary)", lambda: view.timeliness(TimelinessFilter())
    yield "office + overdue", lambda: view.timeliness(TimelinessFilter(office=OFFICES[3], overdue=True))
    yield "mediator + due_soon", lambda: view.timeliness(
        TimelinessFilter(mediator=MEDIATORS[5], due_soon=True))
    yield "clock = acceptance, page 20", lambda: view.timeliness(
        TimelinessFilter(clock="acceptance", page=20))
    yield "as of 30 days ago", lambda: view.timeliness(
        TimelinessFilter(as_of=NOW - timedelta(days=30)))
    yield "one complaint", lambda: view.complaint(some_id)


def explain(view: Any, call: Callable[[], Any], postgres: bool) -> list[str]:
    """The plan of every SELECT one call runs, as the database chose it."""
    from sqlalchemy import event

    captured: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(view.engine, "before_cursor_execute", grab)
    try:
        call()
    finally:
        event.remove(view.engine, "before_cursor_execute", grab)
    lines = []
    with view.engine.connect() as db:
        for statement, parameters in captured:
            prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " if postgres else "EXPLAIN QUERY PLAN "
            rows = db.exec_driver_sql(prefix + statement, parameters).all()
            lines.append("-- " + " ".join(statement.split())[:160] + " ...")
            lines.extend("   " + " | ".join(str(c) for c in row) for row in rows)
    return lines


def drop_partial_indexes(view: Any) -> None:
    from sqlalchemy import text

    with view.engine.begin() as db:
        for name in PARTIAL_INDEXES:
            db.execute(text(f"DROP INDEX {name}"))
    _vacuum(view)


# ----- main -------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--closed", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-compare", action="store_true")
    args = parser.parse_args(argv)

    print(machine())
    started = time.perf_counter()
    events = histories(args.open, args.closed)
    print(f"built {len(events):,} events of {args.open:,} open and {args.closed:,} closed "
          f"complaints in {time.perf_counter() - started:.1f} s")

    for backend in backends(args.backend):
        with fresh_store(backend, "timeliness") as url:
            view = fresh_view(url)
            seconds = project(view, events)
            first = view.timeliness()
            print(f"\n[{backend}] projected {len(events):,} events in {seconds:.1f} s "
                  f"({len(events) / seconds:,.0f} events/s); running clocks now: {first.total:,}; "
                  f"overdue: {sum(s.overdue for s in first.offices):,}")
            rows = []
            for label, call in queries(view, first.items[0].id):
                ms, _ = timed(call, args.runs)
                rows.append([label, f"{ms:,.1f}"])
            if args.explain:
                for line in explain(view, lambda: view.timeliness(), backend == "postgres"):
                    print(line)
            if not args.no_compare:
                drop_partial_indexes(view)
                ms, _ = timed(lambda: view.timeliness(), args.runs)
                rows.append(["page, partial indexes dropped", f"{ms:,.1f}"])
                if args.explain:
                    print("-- without the partial indexes:")
                    for line in explain(view, lambda: view.timeliness(), backend == "postgres"):
                        print(line)
            print(table(["query", "median ms"], rows))
            view.engine.dispose()


if __name__ == "__main__":
    main()
