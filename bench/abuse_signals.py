"""What the abuse-signals view (Order 121 Art. 17) costs filing: the same filings with
every view, and with every view but that one, side by side.

    python -m bench.abuse_signals [--backend sqlite|postgres|both] [--filings 600] [--rounds 3]

Each round files the same complaints through the desk into two fresh stores, one per
variant, alternating which goes first, and lets the in-process projections catch up
after every batch of 50, as the serving process does. Reported: filings per second end
to end (save and views) and the views' own catch-up time per filing, and the ratio of
each with the signals to without, for two kinds of traffic: new callers only (ordinary
traffic, no sign fires) and the bench's few repeating callers (`bench.common.filing_body`
cycles through them), where every filing meets a sign: the costly path.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from itertools import product
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import backends, filing_body, fresh_store, machine, table  # noqa: E402
from bench.common import actors, settings_for  # noqa: E402

BATCH = 50


def body(i: int, *, distinct: bool) -> dict[str, object]:
    found = {**filing_body(i), "office": "SH-PD"}
    if distinct:  # ordinary traffic: every caller new
        found["consumer"] = {**found["consumer"], "name": f"顾客{i}", "phone": f"139{i:08d}",
                             "address": f"上海市某区某路{i}号"}
    return found


def run_variant(url: str, filings: int, *, with_signals: bool,
                distinct: bool) -> tuple[float, float, int]:
    """(filings per second end to end, catch-up ms per filing, signs set)."""
    from api.bootstrap import wire
    from domain.intake import Intake

    wiring = wire(settings_for(url))
    try:
        if not with_signals:
            wiring.projections.views.pop("abuse_signals")
        operator, _ = actors()
        now = wiring.desk.clock()
        bodies = [Intake.parse(body(i, distinct=distinct), now=now, default_office=None)
                  for i in range(filings)]
        catching = 0.0
        started = time.perf_counter()
        for i, intake in enumerate(bodies, 1):
            wiring.desk.file(intake, actor=operator)
            if i % BATCH == 0 or i == filings:
                begun = time.perf_counter()
                wiring.projections.catch_up()
                catching += time.perf_counter() - begun
        elapsed = time.perf_counter() - started
        signs = 0
        if with_signals:
            signs = len(wiring.abuse_signals.signs_of(
                str(i) for i in _ids(wiring)))
        return filings / elapsed, 1000 * catching / filings, signs
    finally:
        wiring.close()


def _ids(wiring: object) -> list[str]:
    from sqlalchemy import select

    from adapters.views.abuse_signals import abuse_filings

    with wiring.engine.connect() as db:  # type: ignore[attr-defined]
        return list(db.scalars(select(abuse_filings.c.complaint_id)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.abuse_signals", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--filings", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    print(f"abuse signals on filing: {args.filings} filings per variant and round, "
          f"{args.rounds} rounds; {machine()}")
    rows = []
    for backend, distinct in product(backends(args.backend), (True, False)):
        results: dict[bool, list[tuple[float, float, int]]] = {True: [], False: []}
        for round_no in range(args.rounds):
            order = (True, False) if round_no % 2 == 0 else (False, True)
            for with_signals in order:
                label = (f"abuse_{'with' if with_signals else 'without'}_"
                         f"{'distinct' if distinct else 'repeat'}_{round_no}")
                with fresh_store(backend, label) as url:
                    results[with_signals].append(run_variant(
                        url, args.filings, with_signals=with_signals, distinct=distinct))
        med = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v),
                   v[-1][2]) for k, v in results.items()}
        traffic = "new callers" if distinct else "repeat callers"
        rows.append([backend, traffic, f"{med[False][0]:,.0f}", f"{med[True][0]:,.0f}",
                     f"{med[True][0] / med[False][0]:.2f}",
                     f"{med[False][1]:.2f}", f"{med[True][1]:.2f}",
                     f"{med[True][1] / med[False][1]:.2f}", med[True][2]])
    print(table(["backend", "traffic", "filings/s without", "filings/s with", "ratio",
                 "views ms/filing without", "with", "ratio", "cases with signs"], rows))


if __name__ == "__main__":
    main()
