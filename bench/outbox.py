"""Outbox delivery per second, against the local receiver's own rate as the anchor.

    .venv/bin/python -m bench.outbox                        # 500 complaints, both backends
    .venv/bin/python -m bench.outbox --complaints 2000 --backend sqlite

The receiver (tests/receiver.py: a stdlib HTTP server on 127.0.0.1 in a thread that
checks every signature) is first posted to directly, one keep-alive httpx client,
no database: that is the most any sender can get through it here. Then a store of
N complaints, four changes each (filed, accepted, assigned, resolved), is delivered
by the outbox worker (queue, order per complaint, signature, bookkeeping of each
delivery in the database), and the ratio to the anchor is printed.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from typing import Any

from bench.common import backends, fresh_store, machine, settings_for, table

SECRET = "bench-outbox-shared-secret"


def seed(wiring: Any, complaints: int) -> None:
    from domain.intake import Intake
    from domain.permissions import Actor
    from domain.vocabulary import Role
    from tests.integration.helpers import a_body

    operator, mediator = Actor("op01", Role.OPERATOR), Actor("med01", Role.MEDIATOR)
    desk = wiring.desk
    for _ in range(complaints):
        complaint_id = desk.file(Intake.parse(a_body(), now=desk.clock(), default_office=None),
                                 actor=operator)
        desk.accept(complaint_id, actor=operator)
        desk.assign(complaint_id, actor=operator, mediator="med01")
        desk.resolve(complaint_id, actor=mediator, outcome="refund", amount_recovered="10",
                     terms="退款")
    wiring.projections.catch_up()


def measure(backend: str, complaints: int) -> tuple[float, float, int]:
    from adapters.http_post import HttpPost
    from adapters.settings import OutboxEndpoint
    from api.bootstrap import wire
    from tests.receiver import Receiver

    receiver = Receiver(SECRET)
    try:
        anchor = receiver.rate(2000)
        with fresh_store(backend, f"outbox_{backend}") as url:
            settings = settings_for(url).model_copy(update={"outbox_endpoints": [
                OutboxEndpoint(name="bench", url=receiver.url, secret=SECRET)]})
            wiring = wire(settings, clock=lambda: datetime.now(UTC))
            post = HttpPost()
            try:
                seed(wiring, complaints)
                started = time.perf_counter()
                result = wiring.delivery(post).drain()
                elapsed = time.perf_counter() - started
            finally:
                post.close()
                wiring.close()
        assert all(r.signed for r in receiver.accepted())
        return anchor, result.delivered / elapsed, result.delivered
    finally:
        receiver.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=500)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args(argv)
    print(machine())
    rows = []
    for backend in backends(args.backend):
        anchor, rate, delivered = measure(backend, args.complaints)
        rows.append((backend, f"{delivered:,}", f"{anchor:,.0f}", f"{rate:,.0f}",
                     f"{rate / anchor:.2f}"))
        print(f"  {backend} done", flush=True)
    print(table(("backend", "deliveries", "receiver alone/s", "outbox deliveries/s",
                 "ratio"), rows))


if __name__ == "__main__":
    main()
