"""A complaint lifecycle, one save per command: our desk against a bare aggregate and CRUD.

    python -m bench.lifecycle [--complaints N] [--backend sqlite|postgres|both] [--rounds 3]

Each complaint is filed, accepted, assigned a mediator, given a note and resolved:
five commands, five events (or five committed row writes for CRUD). Three ways run
side by side in one process, interleaved (the order rotates every round), each round
on a fresh store, and the median of the rounds is reported:

- ours: `ComplaintDesk` from `api.bootstrap.wire`, the body parsed by `Intake.parse`,
  operator op1 files, accepts and assigns; mediator med1 (assigned) notes and resolves.
  Every command loads the complaint, asks the lifecycle table and the permissions,
  and saves.
- bare: a minimal `eventsourcing.domain.Aggregate` with `@event` methods carrying a
  similar payload in a plain `eventsourcing.application.Application`; every command
  loads, mutates and saves, with no validation, table or permission checks. Same
  persistence env (`Settings.to_eventsourcing_env()`): `eventsourcing.sqlite` on a
  fresh file, `eventsourcing.postgres` with `POSTGRES_ENABLE_DB_FUNCTIONS=y` on a
  fresh schema.
- crud: the naive alternative, a SQLAlchemy ORM `complaints` row updated in place,
  one session and one commit per command, the body parsed by `Intake.parse` too.
  SQLite runs in WAL with the default synchronous=FULL, the durability
  `eventsourcing.sqlite` uses.

Rates are events (or row writes) per second; compare only within one run, as ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
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
    NOTE_TEXT, TERMS, Samples, actors, backends, filing_body, fresh_store, machine, table,
)

EVENTS_PER_LIFECYCLE = 5
WARM_UP = 10
DEFAULT_COMPLAINTS = 200
_BODIES = [filing_body(i) for i in range(12)]


@dataclass
class Run:
    events: int
    seconds: float
    stored: int  # events (rows written) found afterwards: a check that the work was done

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def _timed(one: Callable[[int], None], n: int) -> float:
    for i in range(WARM_UP):
        one(i)
    started = time.perf_counter()
    for i in range(n):
        one(i)
    return time.perf_counter() - started


# ----- (a) ours ----------------------------------------------------------------

def run_ours(url: str, n: int) -> Run:
    from adapters.settings import Settings
    from api.bootstrap import wire
    from domain.intake import Intake

    wiring = wire(Settings(database_url=url))
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

    try:
        seconds = _timed(one, n)
        stored = desk.recorder.max_notification_id() or 0
    finally:
        wiring.close()
    return Run(EVENTS_PER_LIFECYCLE * n, seconds, stored)


# ----- (b) a bare eventsourcing aggregate -----------------------------------------

def run_bare(url: str, n: int) -> Run:
    from adapters.settings import Settings

    app = BareDesk(Settings(database_url=url).to_eventsourcing_env())
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

    try:
        seconds = _timed(one, n)
        stored = app.recorder.max_notification_id() or 0
    finally:
        app.close()
    return Run(EVENTS_PER_LIFECYCLE * n, seconds, stored)


# ----- (c) naive CRUD ------------------------------------------------------------

def _crud_engine(url: str) -> Any:
    from sqlalchemy import create_engine, event

    from adapters.settings import Settings

    settings = Settings(database_url=url)
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


def run_crud(url: str, n: int) -> Run:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from domain.intake import Intake

    metadata, model = CrudBase.metadata, CrudComplaint
    engine = _crud_engine(url)
    metadata.create_all(engine)

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

    try:
        seconds = _timed(one, n)
        with engine.connect() as db:
            stored = EVENTS_PER_LIFECYCLE * db.scalar(
                select(func.count()).select_from(model).where(model.state == "resolved")
            )
    finally:
        engine.dispose()
    return Run(EVENTS_PER_LIFECYCLE * n, seconds, stored)


VARIANTS: dict[str, Callable[[str, int], Run]] = {
    "ours": run_ours,
    "bare": run_bare,
    "crud": run_crud,
}
LABELS = {
    "ours": "ours: ComplaintDesk",
    "bare": "bare eventsourcing Aggregate",
    "crud": "naive CRUD (SQLAlchemy ORM)",
}


def measure(backend: str, n: int, rounds: int, *, verbose: bool = True) -> dict[str, Any]:
    """Median events/s per variant, with per-round ratios, on one backend."""
    names = list(VARIANTS)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            with fresh_store(backend, f"{name}_r{r}") as url:
                run = VARIANTS[name](url, n)
            expected = run.events + EVENTS_PER_LIFECYCLE * WARM_UP
            if run.stored != expected:
                raise AssertionError(f"{name}: {run.stored} stored, expected {expected}")
            rates[name].append(run.rate)
            if verbose:
                print(f"  round {r + 1} {backend:8} {name:4}: {run.rate:8,.0f} events/s "
                      f"({run.events} in {run.seconds:.2f} s)", flush=True)
    samples = {name: Samples(values) for name, values in rates.items()}
    per_round = {
        name: Samples([a / b for a, b in zip(rates[name], rates["bare"], strict=True)])
        for name in names
    }
    return {"samples": samples, "per_round": per_round}


def report(backend: str, n: int, result: dict[str, Any]) -> str:
    samples: dict[str, Samples] = result["samples"]
    per_round: dict[str, Samples] = result["per_round"]
    bare = samples["bare"].median
    rows = []
    for name, sample in samples.items():
        rows.append([
            LABELS[name], f"{sample.median:,.0f}", sample.spread(),
            f"{sample.median / bare:.2f}", f"{per_round[name].median:.2f}",
        ])
    head = (f"{backend}: {n} lifecycles x {EVENTS_PER_LIFECYCLE} commands, "
            f"median of {len(samples['bare'].values)} interleaved rounds")
    return head + "\n" + table(
        ["variant", "events/s", "rounds", "÷ bare", "÷ bare per round (median)"], rows
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
