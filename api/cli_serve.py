"""`complaints serve`: the HTTP API, and the views following the store in a worker process."""

from __future__ import annotations

import secrets
import threading
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from api.demo_business import seed_demo_business
from adapters.demo_data import (
    INTAKE_CENTRE, INTAKE_OPERATORS, MEDIATORS, OFFICES, OPERATORS, SUPERVISOR, DemoFactory,
    record_demo,
)
from adapters.demo_parties import ASSOCIATION, ENTRUSTED_MEDIATOR, seed_parties
from adapters.keys import MissingCipherKey
from adapters.settings import Settings
from api.auth import MissingSecretKey, signing_key
from adapters.demo_reports import INSPECTORS, record_demo_reports
from api.bootstrap import Wiring, wire
from api.views_worker import ViewsWorker
from domain.vocabulary import Role

console = Console()

DEMO_USERS: tuple[tuple[str, Role, str | None], ...] = (
    *((name, Role.OPERATOR, OFFICES[i % len(OFFICES)]) for i, name in enumerate(OPERATORS)),
    *((name, Role.MEDIATOR, OFFICES[i % len(OFFICES)]) for i, name in enumerate(MEDIATORS)),
    (SUPERVISOR, Role.SUPERVISOR, None),
    # The intake centre's operator, who dispatches the complaints it receives.
    *((name, Role.OPERATOR, INTAKE_CENTRE) for name in INTAKE_OPERATORS),
    # Inspectors (执法人员), who work the reports.
    *((name, Role.INSPECTOR, OFFICES[i % len(OFFICES)]) for i, name in enumerate(INSPECTORS)),
)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(
        help="Seed demo complaints and users on first start.")] = False,
    demo_complaints: Annotated[int, typer.Option(min=1, max=100_000)] = 300,
) -> None:
    """Serve the API (OpenAPI at /docs, /healthz, /metrics)."""
    from api.app import create_app

    settings = Settings()
    try:
        signing_key(settings)
    except MissingSecretKey as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    # The views follow the store in a worker process of our own (the default), in a
    # thread of this one, or elsewhere (`complaints projections run`) when neither.
    in_worker = settings.projections_in_process and settings.views_worker
    try:
        wiring = wire(settings, follow=settings.projections_in_process and not in_worker)
    except MissingCipherKey as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    delivering = _deliver_in_process(wiring)
    worker = ViewsWorker() if in_worker else None
    try:
        if demo:
            seed_demo(wiring, demo_complaints)
        if worker is not None:
            worker.start()
        # uvicorn's access log would print query strings (a search for a name); ours does
        # not. uvloop and httptools are taken when installed (the `fast` extra).
        uvicorn.run(create_app(wiring), host=host, port=port, access_log=False,
                    server_header=False, loop="auto", http="auto")
    finally:
        delivering.set()
        if worker is not None:
            worker.stop()
        wiring.close()


def _deliver_in_process(wiring: Wiring) -> threading.Event:
    """With views in process and endpoints configured, the outbox is delivered here too;
    in production a `complaints outbox run` worker does it. Set the event to stop."""
    from adapters.http_post import HttpPost

    stop = threading.Event()
    settings = wiring.settings
    if settings.projections_in_process and settings.outbox_endpoints:
        delivery = wiring.delivery(HttpPost())
        threading.Thread(target=delivery.run_until, args=(stop,), name="outbox-delivery",
                         daemon=True).start()
    return stop


# The people behind the demo accounts, as the pages show them.
DEMO_NAMES = ("李娜", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周婷", "吴刚",
              "徐丽", "孙强", "马琳", "朱军")


def seed_demo(wiring: Wiring, complaints: int) -> None:
    """Demo users and complaints, once: a store that already holds events is left alone."""
    created = []
    for (username, role, office), name in zip(DEMO_USERS, DEMO_NAMES * 2, strict=False):
        if wiring.accounts.get(username) is None:
            password = secrets.token_urlsafe(9)
            wiring.accounts.add(username, role=role, password=password, office=office,
                                display_name=name)
            created.append((username, role.value, office or "", password))
    # An entrusted mediator of the consumer association (Order 121 Art. 19).
    if ASSOCIATION[0] not in wiring.organisations:
        wiring.organisations.add(ASSOCIATION[0], name=ASSOCIATION[1])
    if wiring.accounts.get(ENTRUSTED_MEDIATOR) is None:
        password = secrets.token_urlsafe(9)
        wiring.accounts.add(ENTRUSTED_MEDIATOR, role=Role.MEDIATOR, password=password,
                            display_name="何静", organisation=ASSOCIATION[0])
        created.append((ENTRUSTED_MEDIATOR, "mediator", ASSOCIATION[0], password))
    if wiring.projections.head() == 0:
        with console.status(f"filing {complaints} demo complaints"):
            factory = DemoFactory(tz=wiring.settings.tz, offices=wiring.desk.offices)
            record_demo(wiring.desk, factory, complaints)
            reports = record_demo_reports(wiring.desk, factory)
            seed_parties(wiring.desk, office=DEMO_USERS[0][2] or OFFICES[0],
                         operator=DEMO_USERS[0][0], supervisor=SUPERVISOR)
            wiring.projections.catch_up_in_bulk()
        console.print(f"filed {complaints} demo complaints and {reports} reports")
    business = seed_demo_business(wiring)
    if business is not None:
        username, code, password = business
        created.append((username, f"business {code}", "", password))
    if created:
        table = Table("username", "role", "office", "password",
                      title="demo users (passwords are shown this once)")
        for row in created:
            table.add_row(*row)
        console.print(table)
    else:
        console.print("demo users exist already; reset a password with "
                      "`complaints user passwd NAME`")
