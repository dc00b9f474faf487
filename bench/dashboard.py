"""The supervisor's dashboard page over 100,000 complaints in a SQLite store.

    python -m bench.dashboard [--complaints 100000] [--runs 7] [--store DIR]

Seeds demo complaints built with the domain's own commands (adapters.demo_data:
every state, fourteen months of history, five offices, five mediators), stored with
`desk.record` in batches of 500 and projected with `projections.catch_up()`, exactly
as `complaints demo seed` does. With `--store DIR` the store is kept in DIR and reused
by later runs (seeding 100,000 complaints takes minutes); otherwise it is a temporary
one, removed at the end.

Measured, each the median of `--runs` requests after one warm-up, through the app
(`GET /dashboard` signed in as a supervisor, TestClient, so HTTP parsing and the
session are included):
- cold: the page with its kept monthly statistics emptied first, so every request
  reads a year of complaints, as the first request of a serving process does;
- warm: the page with those statistics kept (every later request: a stale answer is
  served while a background thread recomputes it);
and, called directly, the three answers the page is made of: the timeliness page
(summary per office and mediator, 25 overdue clocks), twelve months of statistics,
and the watch list.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` and the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_store, machine, settings_for, table  # noqa: E402

BATCH = 500
SUPERVISOR = "sup01"
PASSWORD = "bench-dashboard-password"


def seed(wiring: Any, complaints: int) -> None:
    from adapters.demo_data import DemoFactory

    factory = DemoFactory(tz=wiring.settings.tz)
    started = time.perf_counter()
    batch = []
    for n, complaint in enumerate(factory.complaints(complaints), start=1):
        batch.append(complaint)
        if len(batch) == BATCH:
            wiring.desk.record(*batch)
            batch = []
        if n % 10_000 == 0:
            print(f"  recorded {n:,} complaints ({time.perf_counter() - started:.0f} s)",
                  flush=True)
    if batch:
        wiring.desk.record(*batch)
    recorded = time.perf_counter() - started
    events = wiring.projections.head()
    print(f"  {complaints:,} complaints, {events:,} events recorded in {recorded:.0f} s",
          flush=True)
    started = time.perf_counter()
    wiring.projections.catch_up()
    print(f"  views caught up in {time.perf_counter() - started:.0f} s", flush=True)


def timed(call: Callable[[], Any], runs: int, before: Callable[[], None] = lambda: None
          ) -> list[float]:
    before()
    call()  # warm-up
    samples = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--store", type=Path, default=None,
                        help="keep the SQLite store in this folder and reuse it next time")
    args = parser.parse_args(argv)

    from argon2 import PasswordHasher

    from api.bootstrap import wire
    from domain.vocabulary import Role

    print(f"bench.dashboard: {args.complaints:,} complaints, SQLite; {machine()}")
    if args.store is not None:
        args.store.mkdir(parents=True, exist_ok=True)
        place: Any = nullcontext(f"sqlite:///{args.store.resolve()}/complaints.db")
    else:
        place = fresh_store("sqlite", "dashboard")
    with place as url:
        # The key is kept beside a reused store: it must read the same events next time.
        settings = settings_for(url) if args.store is None else _kept_key_settings(url)
        wiring = wire(settings)
        try:
            wiring.accounts.hasher = PasswordHasher(time_cost=1, memory_cost=1024,
                                                    parallelism=1)
            if wiring.accounts.get(SUPERVISOR) is None:
                wiring.accounts.add(SUPERVISOR, role=Role.SUPERVISOR, password=PASSWORD)
            stored = _complaints_in(wiring)
            if stored < args.complaints:
                print(f"seeding {args.complaints - stored:,} complaints "
                      f"({stored:,} already stored)", flush=True)
                seed(wiring, args.complaints - stored)
            else:
                wiring.projections.catch_up()
            stored = _complaints_in(wiring)
            print(f"store: {stored:,} complaints, {wiring.projections.head():,} events")
            _measure(wiring, args.runs)
        finally:
            wiring.close()


def _kept_key_settings(url: str) -> Any:
    from adapters.settings import Settings

    return Settings(database_url=url)  # the SQLite default keeps its key beside the file


def _complaints_in(wiring: Any) -> int:
    return int(wiring.complaint_list.search(_filter()).total)


def _filter() -> Any:
    from application.listing import ListFilter

    return ListFilter(per_page=1)


def _measure(wiring: Any, runs: int) -> None:
    from fastapi.testclient import TestClient

    from adapters.views.timeliness import TimelinessFilter
    from api.app import create_app
    from api.pages import dashboard
    from api.pages.credit import today

    with TestClient(create_app(wiring)) as client:
        form = client.get("/login")
        token = re.findall(r'name="csrf" value="([^"]+)"', form.text)[0]
        signed = client.post("/login", data={"csrf": token, "username": SUPERVISOR,
                                             "password": PASSWORD}, follow_redirects=False)
        assert signed.status_code == 303, signed.text

        def page() -> None:
            answer = client.get("/dashboard")
            assert answer.status_code == 200, answer.text[:300]

        now = today(wiring)
        since = dashboard.first_of_month_before(now, dashboard.MONTHS)
        rows = [
            ("GET /dashboard, statistics recomputed (cold)",
             timed(page, runs, before=dashboard.kept(client.app).clear)),
            ("GET /dashboard, statistics kept (warm)", timed(page, runs)),
            ("  timeliness: summary + 25 overdue", timed(
                lambda: wiring.timeliness.timeliness(TimelinessFilter(
                    overdue=True, per_page=dashboard.OVERDUE_SHOWN)), runs)),
            ("  statistics: 12 months", timed(
                lambda: wiring.disclosure.statistics(since=since, until=now), runs)),
            ("  watch list", timed(lambda: wiring.credit.watch_list(as_of=now), runs)),
        ]
        size = len(client.get("/dashboard").content)
    print()
    print(table(["measured", "median ms", "runs (ms)"],
                [(name, f"{statistics.median(s):,.0f}", " / ".join(f"{v:,.0f}" for v in s))
                 for name, s in rows]))
    print(f"\npage size {size:,} bytes; statistics window {since} .. {now} "
          f"({(now - since).days + 1} days)")

if __name__ == "__main__":
    main()
