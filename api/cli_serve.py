"""`complaints serve`: the HTTP API, and the views following the store in a worker process."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from adapters.demo_data import (
    INTAKE_CENTRE, INTAKE_OPERATORS, MEDIATORS, OFFICES, OPERATORS, SUPERVISOR, DemoFactory,
    record_demo,
)
from adapters.keys import MissingCipherKey
from adapters.settings import Settings
from api.auth import MissingSecretKey, signing_key
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
        if worker is not None:
            worker.stop()
        wiring.close()


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
    if wiring.projections.head() == 0:
        with console.status(f"filing {complaints} demo complaints"):
            factory = DemoFactory(tz=wiring.settings.tz, offices=wiring.desk.offices)
            record_demo(wiring.desk, factory, complaints)
            wiring.projections.catch_up_in_bulk()
        console.print(f"filed {complaints} demo complaints")
    if created:
        table = Table("username", "role", "office", "password",
                      title="demo users (passwords are shown this once)")
        for row in created:
            table.add_row(*row)
        console.print(table)
    else:
        console.print("demo users exist already; reset a password with "
                      "`complaints user passwd NAME`")
