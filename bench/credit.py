"""Credit benchmark: rebuild rate of the credit ledger and statistics views, and what-if time.

    python -m bench.credit --complaints 100000 --backend both

For each backend a fresh store is filled with demo complaints (realistic histories,
spread over some thousands of businesses), then:

- each of `credit_ledger` and `statistics` is rebuilt alone from the first event,
  timed (events in the log ÷ seconds; decoding the log is part of the price, as in
  PERF.md's projection figures), beside `complaint_list` rebuilt the same way, the
  reference the ratios are taken against (absolute rates move with the machine's load);
- the what-if runs with a stricter rules file over the whole history (median of
  `--rounds` runs), and its "current" column is checked against the stored ledger.

Filling the store is timed too but is not a target. Rates drift ±20% between runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import backends, fresh_store, machine, settings_for, table

DEFAULT_COMPLAINTS = 20_000
BATCH = 500
STRICTER = b'''
version = "bench-stricter"
in_force_days = 730
[grades]
B = 2
C = 6
D = 12
[[rule]]
id = "accepted_complaint"
trigger = "Accepted"
points = 2
cancelled_by = ["Resolved"]
[[rule]]
id = "any_termination"
trigger = "Terminated"
points = 4
[[rule]]
id = "any_escalation"
trigger = "Escalated"
points = 6
'''


def _factory(now: datetime, businesses: int) -> Any:
    from adapters.demo_data import DemoFactory, valid_uscc

    factory = DemoFactory(seed=2026, now=now)
    per_industry = max(1, businesses // len(factory.businesses))
    rng = factory.rng
    factory.use_businesses({
        industry: [(f"{name}（{n:04d}）", platform, valid_uscc(rng) if rng.random() < 0.8 else None)
                   for n in range(per_industry) for name, platform, _ in names[:1]]
        for industry, names in factory.businesses.items()
    })
    return factory


def fill(wiring: Any, n: int, now: datetime, businesses: int) -> float:
    factory = _factory(now, businesses)
    started = time.perf_counter()
    batch = []
    for complaint in factory.complaints(n):
        batch.append(complaint)
        if len(batch) == BATCH:
            wiring.desk.record(*batch)
            batch = []
    if batch:
        wiring.desk.record(*batch)
    return time.perf_counter() - started


def measure(backend: str, n: int, rounds: int, businesses: int) -> dict[str, Any]:
    from api.bootstrap import wire

    now = datetime(2026, 6, 1, 10, tzinfo=UTC)
    with fresh_store(backend, f"credit_{n}") as url:
        wiring = wire(settings_for(url), clock=lambda: now)  # with the cipher, as production
        try:
            filled = fill(wiring, n, now, businesses)
            events = wiring.desk.recorder.max_notification_id() or 0
            print(f"  {backend}: {n:,} complaints, {events:,} events stored in {filled:.0f} s",
                  flush=True)
            wiring.projections.catch_up()
            rebuilds = {}
            for name in ("complaint_list", "credit_ledger", "statistics"):
                started = time.perf_counter()
                done = wiring.projections.rebuild([name])
                seconds = time.perf_counter() - started
                assert done == events, (done, events)
                rebuilds[name] = events / seconds
                print(f"  {backend}: rebuild {name}: {events / seconds:,.0f} events/s "
                      f"({seconds:.1f} s)", flush=True)
            as_of = now.astimezone(wiring.settings.tz).date()
            times = []
            answer = None
            for _ in range(rounds):
                started = time.perf_counter()
                answer = wiring.credit.what_if(STRICTER, as_of=as_of)
                times.append(time.perf_counter() - started)
            assert answer is not None
            stored = wiring.credit_ledger.points(as_of=as_of)
            current = {b.key: b.current_points for b in answer.businesses if b.current_points}
            assert current == stored, "what-if current column disagrees with the stored ledger"
            print(f"  {backend}: what-if {statistics.median(times):.2f} s "
                  f"(runs {', '.join(f'{t:.2f}' for t in times)}), {answer.events_read:,} "
                  f"events read, {answer.businesses_graded:,} businesses, "
                  f"{answer.changed:,} would change grade", flush=True)
            started = time.perf_counter()
            since = as_of - timedelta(days=365)
            wiring.disclosure.statistics(since=since, until=as_of)
            stats_seconds = time.perf_counter() - started
            started = time.perf_counter()
            wiring.disclosure.public_businesses(as_of=as_of)
            public_seconds = time.perf_counter() - started
            started = time.perf_counter()
            wiring.credit.grades(as_of=as_of, grade="D")
            grades_seconds = time.perf_counter() - started
            return {
                "complaints": n, "events": events, "fill": filled, "rebuilds": rebuilds,
                "what_if": statistics.median(times), "what_if_runs": times,
                "events_read": answer.events_read, "businesses": answer.businesses_graded,
                "stats": stats_seconds, "public": public_seconds, "grades": grades_seconds,
            }
        finally:
            wiring.close()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.credit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=DEFAULT_COMPLAINTS)
    parser.add_argument("--businesses", type=int, default=5000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"credit benchmark: {machine()}", flush=True)
    results = {b: measure(b, args.complaints, args.rounds, args.businesses)
               for b in backends(args.backend)}
    rows = [
        [backend, f"{r['complaints']:,}", f"{r['events']:,}",
         f"{r['rebuilds']['credit_ledger']:,.0f}", f"{r['rebuilds']['statistics']:,.0f}",
         f"{r['rebuilds']['credit_ledger'] / r['rebuilds']['complaint_list']:.2f}",
         f"{r['rebuilds']['statistics'] / r['rebuilds']['complaint_list']:.2f}",
         f"{r['what_if']:.2f}", f"{r['stats']:.2f}", f"{r['public']:.2f}", f"{r['grades']:.2f}"]
        for backend, r in results.items()
    ]
    print()
    print(table(["backend", "complaints", "events", "ledger rebuild ev/s",
                 "statistics rebuild ev/s", "ledger ÷ list", "statistics ÷ list", "what-if s",
                 "stats 1y s", "public s", "grade list s"], rows))
    return results


if __name__ == "__main__":
    main()
