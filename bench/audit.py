"""What encryption and the hash chain cost, and how fast a whole store verifies.

Side by side in one run, interleaved, median of three rounds: complaint lifecycles
(file, accept, assign, note, resolve; one save per command) through the desk
  - as shipped: events encrypted (AES-GCM) and hash-chained,
  - without the cipher,
  - without the cipher and without the chain,
then a whole-store verification (`complaints audit verify`'s path) in events/s.

    .venv/bin/python -m bench.audit --complaints 300 --backend both
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import (
    NOTE_TEXT, TERMS, Samples, actors, backends, filing_body, fresh_store, machine,
    settings_for, table,
)


def _desk_class(chained: bool) -> Any:
    from application.desk import ComplaintDesk

    if chained:
        return ComplaintDesk

    class UnchainedDesk(ComplaintDesk):
        def _chained(self, complaint: Any) -> list[Any]:
            return complaint.collect_events()

    return UnchainedDesk


def lifecycles(url: str, n: int, *, cipher: bool, chained: bool) -> float:
    from adapters.database import ensure_postgres_schema
    from domain.intake import Intake

    settings = settings_for(url, cipher=cipher)
    ensure_postgres_schema(settings)
    desk = _desk_class(chained)(settings.to_eventsourcing_env(), tz=settings.tz)
    operator, mediator = actors()
    intakes = [Intake.parse(filing_body(i), now=desk.clock(), default_office=None)
               for i in range(n)]
    started = time.perf_counter()
    for intake in intakes:
        cid = desk.file(intake, actor=operator)
        desk.accept(cid, actor=operator)
        desk.assign(cid, actor=operator, mediator=mediator.username)
        desk.add_note(cid, actor=mediator, kind="session", text=NOTE_TEXT)
        desk.resolve(cid, actor=mediator, outcome="refund", amount_recovered="1299.00",
                     terms=TERMS)
    elapsed = time.perf_counter() - started
    desk.close()
    return 5 * n / elapsed


def verification(url: str, complaints: int) -> tuple[int, float]:
    from adapters.demo_data import DemoFactory
    from adapters.event_table import stored_events_by_complaint
    from api.bootstrap import wire

    wiring = wire(settings_for(url))
    try:
        factory = DemoFactory(seed=5)
        batch: list[Any] = []
        for complaint in factory.complaints(complaints):
            batch.append(complaint)
            if len(batch) == 200:
                wiring.desk.record(*batch)
                batch = []
        if batch:
            wiring.desk.record(*batch)
        table_name = wiring.desk.recorder.events_table_name
        started = time.perf_counter()
        report = wiring.desk.verify_store(stored_events_by_complaint(wiring.engine, table_name))
        elapsed = time.perf_counter() - started
        assert report.intact, report.broken[:3]
        return report.events, report.events / elapsed
    finally:
        wiring.close()


VARIANTS = (
    ("encrypted + chained (shipped)", True, True),
    ("chained, no cipher", False, True),
    ("neither", False, False),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=300)
    parser.add_argument("--verify-complaints", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    print(machine())
    for backend in backends(args.backend):
        samples: dict[str, list[float]] = {name: [] for name, _, _ in VARIANTS}
        for round_ in range(args.rounds):
            for name, cipher, chained in VARIANTS:  # interleaved, so drift hits all alike
                with fresh_store(backend, f"audit_{round_}_{len(samples[name])}_{cipher:d}{chained:d}") as url:
                    samples[name].append(lifecycles(url, args.complaints, cipher=cipher,
                                                    chained=chained))
        baseline = Samples(samples["neither"]).median
        rows = [(name, f"{Samples(v).median:,.0f}", Samples(v).spread(),
                 f"{Samples(v).median / baseline:.2f}") for name, v in samples.items()]
        print(f"\n{backend}: lifecycle events written/s, {args.complaints} complaints x 5 events")
        print(table(("variant", "median ev/s", "rounds", "ratio to neither"), rows))
        with fresh_store(backend, "audit_verify") as url:
            events, rate = verification(url, args.verify_complaints)
        print(f"{backend}: whole-store verification of {events:,} events: {rate:,.0f} events/s")


if __name__ == "__main__":
    main()
