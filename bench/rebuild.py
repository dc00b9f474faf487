"""A full rebuild of the views (complaint list and the others wired) from ~200,000 events.

    python -m bench.rebuild [--events N] [--backend sqlite|postgres|both] [--rounds 1]
                            [--layout interleaved|grouped] [--tracemalloc] [--per-view]

Seeding builds complaint histories in memory with the domain's own methods (mostly
file, accept, assign, note, resolve; some rejected, transferred and terminated,
suspended and resumed, or still open) and stores them in batches with
`desk.record(*complaints)`, through the desk's hash chain and cipher. By default the
log is interleaved as a working desk's is: each batch holds the next command of about
a thousand complaints at different stages, so a page of 500 notifications touches
hundreds of complaints that earlier pages created. `--layout grouped` stores each
history in one piece instead (the easy case for a view: most of a complaint's
changes fall in the page that files it).

The rebuild then runs in a fresh child process, so its memory is its own:
- scan: every notification read in pages of 500 and decoded (decrypted), nothing
  written; the ceiling for any projection over this store.
- rebuild: `wiring.projections.rebuild()` (every view), timed, `--rounds` times;
  the peak resident memory of each is measured from a reset high-water mark
  (/proc/self/clear_refs), next to getrusage's maxrss.
- with --tracemalloc, one more rebuild under tracemalloc for the peak of Python
  allocations.
- with --per-view, each view rebuilt alone (`rebuild([name])`), to show which view
  the time goes to.
The goal (PERF.md) is >= 20,000 events/s on each backend, memory flat in the size
of the history.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` and the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    NOTE_TEXT, ROOT, TERMS, Samples, actors, backends, filing_body, fresh_store, machine,
    settings_for, table,
)

DEFAULT_EVENTS = 200_000
BATCH = 200  # complaints filed per `desk.record` call; with those in flight, ~1,000 events
GOAL = 20_000


# ----- seeding ------------------------------------------------------------------

def _lifecycle(kind: int, intake: Any, clock: Callable[[], datetime], tz: Any,
               offices: Any) -> Iterator[Any]:
    """One complaint driven by the domain's own methods, yielded after every command
    (so with exactly one event pending); `kind` picks one of ten typical paths."""
    from domain.complaint import Complaint

    operator, mediator = actors()
    c = Complaint.file(intake, actor=operator, at=clock(), tz=tz)
    yield c
    if kind == 6:
        c.reject(actor=operator, at=clock(), reason="outside_remit", note="不属于本局管辖")
        yield c
        return
    if kind == 7:
        from domain.permissions import Actor
        from domain.vocabulary import Role

        # Away from the intake centre only a supervisor moves a complaint to another office.
        elsewhere = next(o.code for o in offices if o.code != c.office and not o.intake)
        c.transfer(actor=Actor("sup1", Role.SUPERVISOR), at=clock(), to_office=elsewhere,
                   offices=offices,
                   note="被投诉方在外区")
        yield c
    c.accept(actor=operator, at=clock(), tz=tz)
    yield c
    if kind == 9:
        return
    c.assign(actor=operator, at=clock(), mediator="med1")
    yield c
    if kind == 8:
        c.suspend(actor=mediator, at=clock(), reason="testing", note="送检")
        yield c
        c.resume(actor=mediator, at=clock())
        yield c
    c.add_note(actor=mediator, at=clock(), kind="session", text=NOTE_TEXT)
    yield c
    if kind == 7:
        c.add_note(actor=mediator, at=clock(), kind="business_response", text="商家拒绝调解方案。")
        yield c
        c.terminate(actor=mediator, at=clock(), reason="business_refused")
        yield c
        c.record_notice(actor=operator, at=clock(), note="已送达终止调解告知书")
        yield c
        return
    c.resolve(actor=mediator, at=clock(), outcome="refund", amount_recovered="1299.00",
              terms=TERMS)
    yield c
    if kind == 8:
        c.record_satisfaction(actor=operator, at=clock(), score=4, comment="满意")
        yield c


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def seed(url: str, events: int, *, layout: str = "interleaved",
         verbose: bool = True) -> dict[str, Any]:
    """Store at least `events` events; returns counts and the seeding rate.

    interleaved: every `desk.record` call holds one next command for each of about a
    thousand complaints at different stages, as a working desk's log looks, so a page
    of notifications touches hundreds of complaints. grouped: each complaint's whole
    history is recorded at once, so its events sit next to each other in the log.
    """
    from api.bootstrap import wire
    from domain.intake import Intake

    wiring = wire(settings_for(url))
    desk = wiring.desk
    clock = _Clock(datetime(2026, 5, 6, 1, 30, tzinfo=UTC))
    intakes = [Intake.parse(filing_body(i), now=clock.now, default_office=None)
               for i in range(12)]
    stored = complaints = 0
    active: list[Iterator[Any]] = []
    started = time.perf_counter()
    reported = 0
    try:
        while stored < events or (layout == "interleaved" and active):
            if stored < events:
                for _ in range(BATCH):
                    active.append(_lifecycle(complaints % 10, intakes[complaints % 12],
                                             clock, desk.tz, desk.offices))
                    complaints += 1
            touched = []
            still = []
            for history in active:
                if layout == "grouped":
                    complaint = None
                    for complaint in history:  # noqa: B007 - the whole history, one object
                        pass
                    touched.append(complaint)
                    continue
                complaint = next(history, None)
                if complaint is not None:
                    touched.append(complaint)
                    still.append(history)
            active = still
            if touched:
                desk.record(*touched)
            clock.now += timedelta(hours=1)
            stored = desk.recorder.max_notification_id() or 0
            if verbose and stored - reported >= 50_000:
                reported = stored
                print(f"  seeding: {stored:,} events", flush=True)
        # The child makes the view tables from the code it imports; tables left by
        # this process could be stale if the views changed meanwhile.
        from adapters.projections import metadata

        metadata.drop_all(wiring.engine)
    finally:
        wiring.close()
    seconds = time.perf_counter() - started
    return {"events": stored, "complaints": complaints, "seconds": seconds,
            "rate": stored / seconds, "layout": layout}


# ----- the rebuild, in a child process ------------------------------------------------

def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _scan(wiring: Any, page_size: int) -> tuple[int, float]:
    """Read and decode every notification in pages, writing nothing."""
    app = wiring.desk
    started = time.perf_counter()
    position = count = 0
    while True:
        notifications = app.recorder.select_notifications(
            start=position, limit=page_size, inclusive_of_start=False
        )
        if not notifications:
            break
        for n in notifications:
            app.mapper.to_domain_event(n)
        count += len(notifications)
        position = notifications[-1].id
    return count, time.perf_counter() - started


def child(url: str, rounds: int, use_tracemalloc: bool, per_view: bool) -> dict[str, Any]:
    from sqlalchemy import func, select

    from adapters.views.complaint_list import complaint_list
    from api.bootstrap import wire

    wiring = wire(settings_for(url))
    result: dict[str, Any] = {"rebuilds": []}
    try:
        count, seconds = _scan(wiring, wiring.projections.page_size)
        result["scan"] = {"events": count, "seconds": seconds, "rate": count / seconds}
        for _ in range(rounds):
            reset = _reset_peak_rss()
            rss_before = _rss_kib("VmRSS")
            maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            events = wiring.projections.rebuild()
            seconds = time.perf_counter() - started
            result["rebuilds"].append({
                "events": events, "seconds": seconds, "rate": events / seconds,
                "rss_before_kib": rss_before,
                "peak_rss_delta_kib": (_rss_kib("VmHWM") - rss_before) if reset else None,
                "maxrss_delta_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                - maxrss_before,
            })
        if use_tracemalloc:
            tracemalloc.start()
            started = time.perf_counter()
            wiring.projections.rebuild()
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            result["tracemalloc"] = {"peak_bytes": peak, "seconds": seconds}
        if per_view:
            # Each view alone (the log is read and decoded again for each): where the
            # time of the full rebuild goes.
            result["views"] = {}
            for name in wiring.projections.views:
                started = time.perf_counter()
                events = wiring.projections.rebuild([name])
                seconds = time.perf_counter() - started
                result["views"][name] = {"events": events, "seconds": seconds,
                                         "rate": events / seconds}
        with wiring.engine.connect() as db:
            result["rows"] = db.scalar(select(func.count()).select_from(complaint_list))
        result["by_state"] = wiring.complaint_list.count_by_state()
        result["positions"] = wiring.projections.positions()
    finally:
        wiring.close()
    return result


def _run_child(url: str, rounds: int, use_tracemalloc: bool, per_view: bool) -> dict[str, Any]:
    from bench.common import _CIPHER_KEY

    env = dict(os.environ, BENCH_CIPHER_KEY=_CIPHER_KEY[0], PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "bench.rebuild", "--child", url, "--rounds", str(rounds)]
    if use_tracemalloc:
        command.append("--tracemalloc")
    if per_view:
        command.append("--per-view")
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"rebuild child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----- the whole benchmark ------------------------------------------------------------

def measure(backend: str, events: int, rounds: int, use_tracemalloc: bool,
            per_view: bool, layout: str) -> dict[str, Any]:
    with fresh_store(backend, "rebuild") as url:
        print(f"{backend}: seeding {events:,} events", flush=True)
        seeded = seed(url, events, layout=layout)
        print(f"{backend}: seeded {seeded['events']:,} events ({seeded['complaints']:,} "
              f"complaints, {layout}) "
              f"in {seeded['seconds']:.0f} s, {seeded['rate']:,.0f} events/s; "
              f"rebuilding in a child process", flush=True)
        measured = _run_child(url, rounds, use_tracemalloc, per_view)
    measured["seeded"] = seeded
    if measured["rows"] != seeded["complaints"]:
        raise AssertionError(f"{measured['rows']} rows for {seeded['complaints']} complaints")
    for run in measured["rebuilds"]:
        if run["events"] != seeded["events"]:
            raise AssertionError(f"rebuilt {run['events']} of {seeded['events']} events")
    return measured


def report(results: dict[str, dict[str, Any]]) -> str:
    rows = []
    for backend, r in results.items():
        rates = Samples([run["rate"] for run in r["rebuilds"]])
        peaks = [run["peak_rss_delta_kib"] for run in r["rebuilds"]]
        peak = max((p for p in peaks if p is not None), default=None)
        maxrss = max(run["maxrss_delta_kib"] for run in r["rebuilds"])
        traced = r.get("tracemalloc", {}).get("peak_bytes")
        rows.append([
            backend, f"{r['seeded']['events']:,}", f"{r['scan']['rate']:,.0f}",
            f"{rates.median:,.0f}", rates.spread(),
            f"{rates.median / r['scan']['rate']:.2f}",
            "-" if peak is None else f"{peak / 1024:.1f}",
            f"{maxrss / 1024:.1f}",
            "-" if traced is None else f"{traced / 2**20:.1f}",
            f"{rates.median / GOAL:.2f}",
        ])
    return table(
        ["backend", "events", "scan ev/s", "rebuild ev/s", "rounds", "÷ scan",
         "peak RSS +MiB", "maxrss +MiB", "tracemalloc MiB", "÷ goal 20k"],
        rows,
    )


def per_view_report(results: dict[str, dict[str, Any]]) -> str:
    rows = []
    for backend, r in results.items():
        scan_seconds = r["scan"]["seconds"]
        for name, v in r.get("views", {}).items():
            rows.append([backend, name, f"{v['rate']:,.0f}", f"{v['seconds']:.1f}",
                         f"{max(v['seconds'] - scan_seconds, 0):.1f}"])
    return table(["backend", "view", "events/s", "seconds", "seconds beyond scan"], rows)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS,
                        help=f"events to seed (default {DEFAULT_EVENTS:,})")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=1,
                        help="timed full rebuilds, median reported (default 1)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="one more rebuild under tracemalloc, for the peak of Python "
                             "allocations (about twice as slow)")
    parser.add_argument("--layout", choices=["interleaved", "grouped"], default="interleaved",
                        help="how histories sit in the log (default interleaved, as in use)")
    parser.add_argument("--per-view", action="store_true",
                        help="also rebuild each view alone, to see where the time goes "
                             "(reads the whole log once per view)")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(child(args.child, args.rounds, args.tracemalloc, args.per_view)))
        return {}

    print(f"rebuild benchmark: {machine()}", flush=True)
    started = time.perf_counter()
    results = {}
    for backend in backends(args.backend):
        results[backend] = measure(backend, args.events, args.rounds, args.tracemalloc,
                                   args.per_view, args.layout)
        r = results[backend]
        print(f"{backend}: scan {r['scan']['rate']:,.0f} events/s; rebuilds "
              + ", ".join(f"{run['rate']:,.0f}" for run in r["rebuilds"]) + " events/s; "
              f"{r['rows']:,} rows {r['by_state']}", flush=True)
    print()
    print(f"full rebuild of every view ({args.layout} log), pages of 500, "
          f"median of {args.rounds}")
    print(report(results))
    if any("views" in r for r in results.values()):
        print("\neach view rebuilt alone (reads and decodes the whole log each time)")
        print(per_view_report(results))
    print(f"\nrebuild benchmark took {time.perf_counter() - started:.0f} s")
    return results


if __name__ == "__main__":
    main()
