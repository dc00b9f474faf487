"""What encryption and the hash chain cost, and how fast a whole store verifies.

Side by side in one run, interleaved, median of three rounds: complaint lifecycles
(file, accept, assign, note, resolve; one save per command) through the desk
  - as shipped: events encrypted (AES-GCM), chained with HMAC-SHA256 (chain 2),
  - encrypted, chained with the unkeyed SHA-256 of before (chain 1),
  - without the cipher,
  - without the cipher and without the chain,
then, on a seeded store, a signed checkpoint and a whole-store verification against
it (`complaints audit checkpoint` and `audit verify`'s paths) in events/s.

    .venv/bin/python -m bench.audit --complaints 300 --backend both
    .venv/bin/python -m bench.audit --verify-complaints 100000   # the big verification run
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


def lifecycles(url: str, n: int, *, cipher: bool, chained: bool, keyed: bool = False) -> float:
    from adapters.database import ensure_postgres_schema
    from adapters.keys import chain_key_bytes
    from domain.intake import Intake

    settings = settings_for(url, cipher=cipher)
    ensure_postgres_schema(settings)
    desk = _desk_class(chained)(settings.to_eventsourcing_env(), tz=settings.tz,
                                chain_key=chain_key_bytes(settings.chain_key) if keyed else None)
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


def verification(url: str, complaints: int) -> tuple[int, float, float]:
    """Events in the store, checkpoint rate and verification-against-it rate (events/s)."""
    from adapters.demo_data import DemoFactory
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
        started = time.perf_counter()
        checkpoint = wiring.auditor.checkpoint()
        signed = time.perf_counter() - started
        started = time.perf_counter()
        report = wiring.auditor.verify_store()
        elapsed = time.perf_counter() - started
        assert report.intact and report.checkpoint.valid, report.broken[:3]
        return report.events, checkpoint.events / signed, report.events / elapsed
    finally:
        wiring.close()


def link_cost(n: int = 20_000) -> tuple[float, float]:
    """Microseconds per link, keyed and unkeyed, over a filed complaint's stored state;
    the part of the write the chain version changes, free of database noise."""
    from adapters.keys import chain_key_bytes, new_chain_key
    from application.audit import SEED, chain_hash, stored_state_of
    from application.desk import ComplaintDesk
    from domain.complaint import Complaint
    from domain.intake import Intake
    from eventsourcing.utils import get_topic

    desk = ComplaintDesk({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    operator, _ = actors()
    complaint = Complaint.file(Intake.parse(filing_body(0), now=desk.clock(), default_office=None),
                               actor=operator, at=desk.clock(), tz=desk.tz)
    event = complaint.collect_events()[0]
    state, topic = stored_state_of(event), get_topic(type(event))
    key = chain_key_bytes(new_chain_key())
    timings: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(7):  # interleaved rounds, medians: the machine is shared
        for keyed in (True, False):
            linked = {**state, "chain_version": 2} if keyed else state
            started = time.perf_counter()
            for _ in range(n // 7):
                chain_hash(desk.mapper, SEED, originator_id=event.originator_id, version=1,
                           topic=topic, state=linked, key=key if keyed else None)
            timings[keyed].append((time.perf_counter() - started) / (n // 7) * 1e6)
    return Samples(timings[True]).median, Samples(timings[False]).median


VARIANTS = (  # name, cipher, chained, keyed
    ("encrypted + keyed chain (shipped)", True, True, True),
    ("encrypted + unkeyed chain (before)", True, True, False),
    ("unkeyed chain, no cipher", False, True, False),
    ("neither", False, False, False),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=300)
    parser.add_argument("--verify-complaints", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    print(machine())
    keyed_us, unkeyed_us = link_cost()
    print(f"one link over a filed complaint: keyed {keyed_us:.1f} us, unkeyed {unkeyed_us:.1f} us "
          f"(ratio of rates {unkeyed_us / keyed_us:.2f})")
    for backend in backends(args.backend):
        samples: dict[str, list[float]] = {name: [] for name, *_ in VARIANTS}
        for round_ in range(args.rounds):
            for name, cipher, chained, keyed in VARIANTS:  # interleaved: drift hits all alike
                label = f"audit_{round_}_{cipher:d}{chained:d}{keyed:d}"
                with fresh_store(backend, label) as url:
                    samples[name].append(lifecycles(url, args.complaints, cipher=cipher,
                                                    chained=chained, keyed=keyed))
        baseline = Samples(samples["neither"]).median
        before = Samples(samples["encrypted + unkeyed chain (before)"]).median
        rows = [(name, f"{Samples(v).median:,.0f}", Samples(v).spread(),
                 f"{Samples(v).median / baseline:.2f}", f"{Samples(v).median / before:.2f}")
                for name, v in samples.items()]
        print(f"\n{backend}: lifecycle events written/s, {args.complaints} complaints x 5 events")
        print(table(("variant", "median ev/s", "rounds", "ratio to neither",
                     "ratio to unkeyed (goal >= 0.85 shipped)"), rows))
        with fresh_store(backend, "audit_verify") as url:
            events, signing, rate = verification(url, args.verify_complaints)
        print(f"{backend}: {events:,} events: signed checkpoint at {signing:,.0f} events/s; "
              f"verification against it at {rate:,.0f} events/s")


if __name__ == "__main__":
    main()
