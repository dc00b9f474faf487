"""Demo seeding: complaints written per second, and the views caught up after.

    python -m bench.seed --complaints 5000 --backend both --rounds 3

Each round fills a fresh store through `record_demo` (the desk's recorder: hash chain,
sealed personal data, cipher, case numbers) once per batch size, the order rotating
every round, then times the catch-up of every view over what was written. Medians of
the rounds; the ratio is against the first batch size listed (`--batches`).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from bench.common import backends, fresh_store, machine, settings_for, table


def one_round(backend: str, n: int, batch: int, label: str) -> tuple[float, float, int]:
    from adapters.demo_data import DemoFactory, record_demo
    from api.bootstrap import wire

    now = datetime(2026, 6, 1, 10, tzinfo=UTC)
    with fresh_store(backend, label) as url:
        wiring = wire(settings_for(url), clock=lambda: now)
        try:
            factory = DemoFactory(seed=2026, now=now, tz=wiring.settings.tz,
                                  offices=wiring.desk.offices)
            started = time.perf_counter()
            record_demo(wiring.desk, factory, n, batch=batch)
            filing = time.perf_counter() - started
            events = wiring.projections.head()
            started = time.perf_counter()
            wiring.projections.catch_up_in_bulk()
            views = time.perf_counter() - started
            return n / filing, events / views, events
        finally:
            wiring.close()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=5000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batches", default="100,1000",
                        help="batch sizes compared, comma-separated")
    args = parser.parse_args(argv)
    sizes = [int(b) for b in args.batches.split(",")]
    print(f"seed benchmark: {machine()}", flush=True)
    results: dict[str, Any] = {}
    rows = []
    for backend in backends(args.backend):
        rates: dict[int, list[float]] = {b: [] for b in sizes}
        views: list[float] = []
        events = 0
        for r in range(args.rounds):
            order = sizes[r % len(sizes):] + sizes[:r % len(sizes)]
            for b in order:
                rate, view_rate, events = one_round(backend, args.complaints, b, f"seed_{r}_{b}")
                rates[b].append(rate)
                views.append(view_rate)
                print(f"  {backend} round {r + 1} batch {b}: {rate:,.0f} complaints/s, "
                      f"views {view_rate:,.0f} events/s", flush=True)
        medians = {b: statistics.median(v) for b, v in rates.items()}
        results[backend] = {"complaints_per_s": medians, "views_events_per_s":
                            statistics.median(views), "events": events}
        for b in sizes:
            rows.append([backend, f"{args.complaints:,}", f"{events:,}", str(b),
                         f"{medians[b]:,.0f}", f"{medians[b] / medians[sizes[0]]:.2f}",
                         f"{statistics.median(views):,.0f}"])
    print()
    print(table(["backend", "complaints", "events", "batch", "complaints/s", "÷ first",
                 "catch-up events/s"], rows))
    return results


if __name__ == "__main__":
    main()
