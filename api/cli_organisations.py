"""`complaints organisation ...`: the mediation organisations offices entrust cases to
(Order 121 Art. 19)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from adapters.database import ensure_postgres_schema, make_engine
from adapters.organisations import Organisations
from adapters.settings import Settings
from domain.errors import InvalidValue
from domain.organisations import OrganisationKind

organisations_app = typer.Typer(help="Mediation organisations cases are entrusted to.",
                                no_args_is_help=True)
console = Console(stderr=True)


def _organisations() -> Organisations:
    settings = Settings()
    ensure_postgres_schema(settings)
    organisations = Organisations(make_engine(settings))
    organisations.setup()
    return organisations


@organisations_app.command("add")
def organisation_add(
    code: Annotated[str, typer.Argument(help="Letters, digits, '-' or '_'.")],
    name: Annotated[str, typer.Option(help="The organisation's name.")],
    kind: Annotated[OrganisationKind, typer.Option(
        help="A consumer association or another mediation body.")] =
        OrganisationKind.CONSUMER_ASSOCIATION,
) -> None:
    """Add an organisation."""
    organisations = _organisations()
    try:
        organisations.add(code, name=name, kind=kind)
    except InvalidValue as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    finally:
        organisations.engine.dispose()
    console.print(f"added {code} ({name})")


@organisations_app.command("list")
def organisation_list() -> None:
    organisations = _organisations()
    try:
        for o in organisations.all():
            typer.echo(f"{o.code}\t{o.kind.value}\t{o.name}")
    finally:
        organisations.engine.dispose()
