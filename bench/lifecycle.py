"""A complaint lifecycle, one save per command: our desk against a bare aggregate and CRUD.

    python -m bench.lifecycle [--complaints N] [--backend sqlite|postgres|both] [--rounds 3]

Each complaint is filed, accepted, assigned a mediator, given a note and resolved:
five commands, five events (or five committed row writes for CRUD). Four ways run
side by side in one process, each on a fresh store of its own, all open at once and
taking turns in slices of 10 lifecycles (the order rotating), so a burst of load on a
shared machine hits them alike; 10 untimed lifecycles each first. Three such rounds,
each on fresh stores; the median of the rounds is reported:

- ours: `ComplaintDesk` from `api.bootstrap.wire`, the body parsed by `Intake.parse`,
  operator op1 files, accepts and assigns; mediator med1 (assigned) notes and resolves.
  Filing also looks up and claims the office's next case number, saved in the same
  transaction as the `Filed` event (a sixth row the rate does not count as an event).
  Every command loads the complaint, asks the lifecycle table and the permissions,
  stamps the hash chain and saves; there are no view listeners (views are not run).
- bare: a minimal `eventsourcing.domain.Aggregate` with `@event` methods carrying a
  similar payload in a plain `eventsourcing.application.Application`; every command
  loads (`repository.get`), mutates and saves, with no validation, table, permission
  checks or hash chain. Same persistence env, from the same `Settings.to_eventsourcing_env()`:
  `eventsourcing.sqlite` on a fresh file, `eventsourcing.postgres` with
  `POSTGRES_ENABLE_DB_FUNCTIONS=y` on a fresh schema, and the same AES cipher key the
  desk gets (the desk encrypts events at rest; PostgreSQL refuses to start without a key).
- plain: the bare aggregate again without the cipher, shown only to price encryption.
- crud: the naive alternative, a SQLAlchemy ORM `complaints` row updated in place,
  one session and one commit per command, the body parsed by `Intake.parse` too, no
  encryption. SQLite runs in WAL with the default synchronous=FULL, the durability
  `eventsourcing.sqlite` uses.

Rates are events (or row writes) per second; compare only within one run, as ratios.
The client CPU per event (this process only, not the database server) is printed too:
when other work on the machine makes commits slow, waiting dominates every variant and
the rate ratios drift towards 1, while the CPU figures still show what our code adds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

if __package__ in (None, ""):  # run as a script: make `bench` and the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.alternatives import BareDesk, Case  # noqa: E402
from bench.alternatives import CrudBase, CrudComplaint  # noqa: E402
from bench.common import (  # noqa: E402
    NOTE_TEXT, TERMS, Samples, actors, backends, filing_body, fresh_store, load, machine,
    settings_for, table,
)

EVENTS_PER_LIFECYCLE = 5
WARM_UP = 10
SLICE = 10  # lifecycles a variant runs before the next takes its turn
DEFAULT_COMPLAINTS = 250
_BODIES = [filing_body(i) for i in range(12)]


@dataclass
class Runner:
    """One variant on one store: `one(i)` runs lifecycle i, `stored()` counts what landed."""

    one: Callable[[int], None]
    stored: Callable[[], int]
    close: Callable[[], None]


# ----- (a) ours ----------------------------------------------------------------

def open_ours(url: str) -> Runner:
    from api.bootstrap import wire
    from domain.intake import Intake

    wiring = wire(settings_for(url))
    desk = wiring.desk
    operator, mediator = actors()

    def one(i: int) -> None:
        intake = Intake.parse(_BODIES[i % len(_BODIES)], now=desk.clock(), default_office=None)
        complaint_id = desk.file(intake, actor=operator)
        desk.accept(complaint_id, actor=operator)
        desk.assign(complaint_id, actor=operator, mediator="med1")
        desk.add_note(complaint_id, actor=mediator, kind="session", text=NOTE_TEXT)
        desk.resolve(complaint_id, actor=mediator, outcome="refund", amount_recovered="1299.00",
                     terms=TERMS)

    def stored() -> int:
        # The complaint's own events; each filing also claims its case number in the
        # same transaction (one more row), a cost the rate includes but does not count.
        from sqlalchemy import text

        table = desk.recorder.events_table_name
        with wiring.engine.connect() as db:
            return int(db.scalar(text(
                f"SELECT COUNT(*) FROM {table} WHERE topic NOT LIKE '%CaseNumber.Claimed'"  # noqa: S608
            )) or 0)

    return Runner(one, stored, wiring.close)


# ----- (b) a bare eventsourcing aggregate -----------------------------------------

def open_bare(url: str, *, cipher: bool = True) -> Runner:
    app = BareDesk(settings_for(url, cipher=cipher).to_eventsourcing_env())
    op = {"username": "op1", "role": "operator"}
    med = {"username": "med1", "role": "mediator"}

    def command(case_id: UUID, method: str, **kwargs: Any) -> None:
        case = app.repository.get(case_id)
        getattr(case, method)(at=datetime.now(UTC), **kwargs)
        app.save(case)

    def one(i: int) -> None:
        body = _BODIES[i % len(_BODIES)]
        now = datetime.now(UTC)
        consumer = {"address": None, "id_number": None, **body["consumer"]}
        business = {"uscc": None, "address": None, "platform": None, **body["business"]}
        case = Case(
            actor=op, at=now, channel=body["channel"], received_at=now, consumer=consumer,
            business=business, category=body["category"], industry=body["industry"],
            incident_date=body["incident_date"], amount=Decimal(body["amount"]),
            description=body["description"], request=body["request"], office=body["office"],
            regulation="samr-121",
        )
        app.save(case)
        command(case.id, "accept", actor=op, state="accepted", regulation="samr-121")
        command(case.id, "assign", actor=op, state="mediated", mediator="med1")
        command(case.id, "add_note", actor=med, state="mediated", kind="session", text=NOTE_TEXT)
        command(case.id, "resolve", actor=med, state="resolved", outcome="refund",
                amount_recovered=Decimal("1299.00"), terms=TERMS)

    return Runner(one, lambda: app.recorder.max_notification_id() or 0, app.close)


# ----- (c) naive CRUD ------------------------------------------------------------

def _crud_engine(url: str) -> Any:
    from sqlalchemy import create_engine, event

    settings = settings_for(url, cipher=False)
    if not settings.is_postgres:
        engine = create_engine(settings.sqlalchemy_url())

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection: Any, _: Any) -> None:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

        return engine
    return create_engine(
        settings.sqlalchemy_url(),
        connect_args={"options": f"-csearch_path={settings.postgres_schema}"},
    )


def open_crud(url: str) -> Runner:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from domain.intake import Intake

    model = CrudComplaint
    engine = _crud_engine(url)
    CrudBase.metadata.create_all(engine)

    def command(complaint_id: str, by: str, **changes: Any) -> None:
        with Session(engine) as session, session.begin():
            row = session.get(model, complaint_id)
            for name, value in changes.items():
                setattr(row, name, value)
            row.version += 1
            row.updated_by = by
            row.updated_at = datetime.now(UTC)

    def one(i: int) -> None:
        now = datetime.now(UTC)
        intake = Intake.parse(_BODIES[i % len(_BODIES)], now=now, default_office=None)
        complaint_id = str(uuid4())
        with Session(engine) as session, session.begin():
            session.add(model(
                id=complaint_id, version=1, state="filed", channel=intake.channel.value,
                received_at=intake.received_at, consumer_name=intake.consumer.name,
                consumer_phone=intake.consumer.phone, consumer_address=intake.consumer.address,
                business_name=intake.business.name, business_uscc=intake.business.uscc,
                business_address=intake.business.address,
                business_platform=intake.business.platform, category=intake.category.value,
                industry=intake.industry.value,
                incident_date=intake.incident_date.isoformat() if intake.incident_date else None,
                amount=intake.amount, description=intake.description, request=intake.request,
                office=intake.office, regulation="samr-121", notes_count=0, filed_by="op1",
                updated_by="op1", updated_at=now,
            ))
        command(complaint_id, "op1", state="accepted", mediation_regulation="samr-121")
        command(complaint_id, "op1", state="mediated", mediator="med1")
        command(complaint_id, "med1", notes_count=1, last_note=NOTE_TEXT)
        command(complaint_id, "med1", state="resolved", outcome="refund",
                amount_recovered=Decimal("1299.00"), terms=TERMS)

    def stored() -> int:
        with engine.connect() as db:
            return EVENTS_PER_LIFECYCLE * int(db.scalar(
                select(func.count()).select_from(model).where(model.state == "resolved")
            ) or 0)

    return Runner(one, stored, engine.dispose)


VARIANTS: dict[str, Callable[[str], Runner]] = {
    "ours": open_ours,
    "bare": open_bare,
    "crud": open_crud,
    "plain": lambda url: open_bare(url, cipher=False),
}
LABELS = {
    "ours": "ours: ComplaintDesk",
    "bare": "bare eventsourcing Aggregate",
    "crud": "naive CRUD (SQLAlchemy ORM)",
    "plain": "bare, events not encrypted",
}


def run_round(backend: str, n: int, r: int, names: list[str]) -> dict[str, tuple[float, float]]:
    """Every variant on a fresh store of its own, all open at once, taking turns in
    slices of SLICE lifecycles (order rotating), so each samples the same moments of
    a busy machine. Returns (events/s, client CPU µs per event) per variant."""
    elapsed = dict.fromkeys(names, 0.0)
    cpu = dict.fromkeys(names, 0.0)
    with ExitStack() as stack:
        runners = {}
        for name in names:
            url = stack.enter_context(fresh_store(backend, f"{name}_r{r}"))
            runners[name] = VARIANTS[name](url)
            stack.callback(runners[name].close)
        for name in names:
            for i in range(WARM_UP):
                runners[name].one(i)
        for turn, start in enumerate(range(0, n, SLICE)):
            shift = (turn + r) % len(names)
            for name in names[shift:] + names[:shift]:
                one = runners[name].one
                started, cpu_started = time.perf_counter(), time.process_time()
                for i in range(start, min(start + SLICE, n)):
                    one(i)
                elapsed[name] += time.perf_counter() - started
                cpu[name] += time.process_time() - cpu_started
        for name in names:
            stored = runners[name].stored()
            expected = EVENTS_PER_LIFECYCLE * (n + WARM_UP)
            if stored != expected:
                raise AssertionError(f"{name}: {stored} events stored, expected {expected}")
    events = EVENTS_PER_LIFECYCLE * n
    return {name: (events / elapsed[name], cpu[name] / events * 1e6) for name in names}


def measure(backend: str, n: int, rounds: int, *, verbose: bool = True) -> dict[str, Any]:
    """Median events/s per variant, with per-round ratios, on one backend."""
    names = list(VARIANTS)
    rates: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        found = run_round(backend, n, r, names)
        for name in names:
            rates[name].append(found[name][0])
            cpus[name].append(found[name][1])
        if verbose:
            print(f"  round {r + 1} {backend:8} " + "  ".join(
                f"{name} {found[name][0]:,.0f}" for name in names) + f" events/s  (load {load()})",
                flush=True)
    samples = {name: Samples(values) for name, values in rates.items()}
    per_round = {
        name: Samples([a / b for a, b in zip(rates[name], rates["bare"], strict=True)])
        for name in names
    }
    cpu = {name: Samples(values) for name, values in cpus.items()}
    return {"samples": samples, "per_round": per_round, "cpu": cpu}


def report(backend: str, n: int, result: dict[str, Any]) -> str:
    samples: dict[str, Samples] = result["samples"]
    per_round: dict[str, Samples] = result["per_round"]
    cpu: dict[str, Samples] = result["cpu"]
    bare = samples["bare"].median
    rows = []
    for name, sample in samples.items():
        rows.append([
            LABELS[name], f"{sample.median:,.0f}", sample.spread(),
            f"{sample.median / bare:.2f}", f"{per_round[name].median:.2f}",
            f"{cpu[name].median:,.0f}", f"{cpu['bare'].median / cpu[name].median:.2f}",
        ])
    head = (f"{backend}: {n} lifecycles x {EVENTS_PER_LIFECYCLE} commands, "
            f"median of {len(samples['bare'].values)} interleaved rounds")
    return head + "\n" + table(
        ["variant", "events/s", "rounds", "÷ bare", "÷ bare per round",
         "client CPU µs/event", "bare CPU ÷ this"], rows,
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.lifecycle", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=DEFAULT_COMPLAINTS,
                        help=f"lifecycles per variant per round (default {DEFAULT_COMPLAINTS})")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    print(f"lifecycle benchmark: {machine()}", flush=True)
    started = time.perf_counter()
    results = {}
    for backend in backends(args.backend):
        results[backend] = measure(backend, args.complaints, args.rounds)
    print()
    for backend, result in results.items():
        print(report(backend, args.complaints, result))
        print()
    print(f"lifecycle benchmark took {time.perf_counter() - started:.0f} s")
    return results


if __name__ == "__main__":
    main()
