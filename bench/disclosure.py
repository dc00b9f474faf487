"""The public disclosure page (`GET /public`, no login) over 100,000 complaints, SQLite.

    python -m bench.disclosure [--complaints 100000] [--runs 200] [--store DIR]

Seeds demo complaints as bench.dashboard does (the domain's own commands, every state,
fourteen months), puts the busiest credit-coded business on the ODR register with a
few complaints forwarded to it, then requests through the app (TestClient: routing,
the view query, the template) and reports p50 and p99 of `--runs` requests each, after
a warm-up: the first page, a search by name, a search by credit code, and a deep page.
`--store DIR` keeps and reuses the store (seeding 100,000 complaints takes minutes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_store, machine, settings_for, table  # noqa: E402
from bench.dashboard import _complaints_in, _kept_key_settings, seed  # noqa: E402


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.disclosure", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args(argv)

    from api.bootstrap import wire
    from api.demo_business import seed_demo_business

    print(f"bench.disclosure: {args.complaints:,} complaints, SQLite; {machine()}")
    if args.store is not None:
        args.store.mkdir(parents=True, exist_ok=True)
        place: Any = nullcontext(f"sqlite:///{args.store.resolve()}/complaints.db")
    else:
        place = fresh_store("sqlite", "disclosure")
    with place as url:
        settings = settings_for(url) if args.store is None else _kept_key_settings(url)
        wiring = wire(settings)
        try:
            stored = _complaints_in(wiring)
            if stored < args.complaints:
                print(f"seeding {args.complaints - stored:,} complaints", flush=True)
                seed(wiring, args.complaints - stored)
            else:
                wiring.projections.catch_up()
            business = seed_demo_business(wiring)
            print(f"store: {_complaints_in(wiring):,} complaints, "
                  f"{wiring.projections.head():,} events; ODR business: "
                  f"{business[1] if business else 'kept from an earlier run'}")
            _measure(wiring, args.runs)
        finally:
            wiring.close()


def _measure(wiring: Any, runs: int) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(wiring)) as client:
        first = client.get("/public")
        assert first.status_code == 200
        total = wiring.disclosure.public_businesses(
            as_of=wiring.desk.clock().astimezone(wiring.desk.tz).date()).total
        busiest = wiring.disclosure.public_businesses(
            as_of=wiring.desk.clock().astimezone(wiring.desk.tz).date(), per_page=1).items[0]
        deep = max(1, -(-total // 20) // 2)

        def get(path: str, params: dict[str, Any]) -> Callable[[], None]:
            def call() -> None:
                answer = client.get(path, params=params)
                assert answer.status_code == 200, answer.text[:300]
            return call

        rows = [
            ("GET /public (first page)", timed(get("/public", {}), runs)),
            ("GET /public?q=<name part>", timed(get("/public", {"q": busiest.name[:4]}), runs)),
            ("GET /public?q=<credit code>", timed(get("/public", {"q": busiest.key}), runs)),
            (f"GET /public?page={deep}", timed(get("/public", {"page": deep}), runs)),
            ("GET /api/v1/public/businesses", timed(get("/api/v1/public/businesses", {}),
                                                   runs)),
        ]
    print()
    print(table(["measured", "p50 ms", "p99 ms", "runs"],
                [(name, f"{statistics.median(s):,.1f}", f"{percentile(s, 0.99):,.1f}",
                  str(len(s))) for name, s in rows]))
    print(f"\n{total:,} businesses disclosed (20 a page)")


if __name__ == "__main__":
    main()
