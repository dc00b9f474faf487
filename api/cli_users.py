"""`complaints user ...`: staff accounts. Passwords are read from standard input, never
from the command line (where they would land in shell history and process lists)."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.accounts import AccountExists, Accounts, LastAdmin, UnknownAccount
from adapters.database import ensure_postgres_schema, make_engine
from adapters.organisations import Organisations
from adapters.settings import Settings
from domain.errors import InvalidValue
from domain.vocabulary import Role

users_app = typer.Typer(help="Staff accounts and roles.", no_args_is_help=True)
console = Console(stderr=True)


def _accounts() -> Accounts:
    settings = Settings()
    ensure_postgres_schema(settings)
    accounts = Accounts(make_engine(settings))
    accounts.setup()
    return accounts


def read_password() -> str:
    """Typed twice at a terminal; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            console.print("[red]the passwords differ[/red]")
            raise typer.Exit(2)
        return first
    return sys.stdin.readline().rstrip("\r\n")


@users_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Lowercase letters, digits, '.', '_', '-'.")],
    role: Annotated[Role, typer.Option(help="What the user does at the desk.")],
    office: Annotated[str | None, typer.Option(help="Office code; an operator's default.")] = None,
    name: Annotated[str | None, typer.Option(
        help="The person's name as the pages show it (default: the username).")] = None,
    organisation: Annotated[str | None, typer.Option(
        help="A mediator of this organisation: an entrusted mediator.")] = None,
) -> None:
    """Create an account; the password comes from standard input."""
    password = read_password()
    accounts = _accounts()
    try:
        if organisation is not None and organisation not in Organisations(accounts.engine):
            raise InvalidValue("organisation", f"no organisation {organisation!r}: "
                                               "add it with `complaints organisation add`")
        accounts.add(username, role=role, password=password, office=office, display_name=name,
                     organisation=organisation)
    except AccountExists as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    except InvalidValue as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    finally:
        accounts.engine.dispose()
    console.print(f"added {username} ({role.value}{', ' + office if office else ''})")


@users_app.command("add-business")
def user_add_business(
    username: Annotated[str, typer.Argument(help="Lowercase letters, digits, '.', '_', '-'.")],
    credit_code: Annotated[str, typer.Option(help="The business's unified social credit code.")],
    name: Annotated[str | None, typer.Option(help="The business's name as pages show it.")] = None,
) -> None:
    """Create a business account bound to its credit code; prints the one-time
    activation (7 days) with which its holder chooses a password."""
    from api.activation import ActivationTokens
    from api.auth import signing_key

    settings = Settings()
    accounts = _accounts()
    try:
        account = accounts.add_business(username, credit_code=credit_code, display_name=name)
    except AccountExists as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    except InvalidValue as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    finally:
        accounts.engine.dispose()
    token = ActivationTokens(signing_key(settings)).issue(account)
    console.print(f"added {username} (business {account.credit_code})")
    typer.echo(f"/activate?token={token}")


@users_app.command("passwd")
def user_passwd(username: Annotated[str, typer.Argument()]) -> None:
    """Set a new password, read from standard input."""
    password = read_password()
    accounts = _accounts()
    try:
        accounts.set_password(username, password)
    except (UnknownAccount, InvalidValue) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        accounts.engine.dispose()
    console.print(f"password changed for {username}")


@users_app.command("list")
def user_list() -> None:
    """Every account with its role and office (never a password or hash)."""
    accounts = _accounts()
    try:
        table = Table("username", "role", "office", "status")
        for account in accounts.all():
            table.add_row(account.username, account.role.value, account.office or "",
                          "disabled" if account.disabled else "enabled")
        Console().print(table)
    finally:
        accounts.engine.dispose()


@users_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument()]) -> None:
    """No more sign-ins; every token and page session of the account ends at once."""
    accounts = _accounts()
    try:
        accounts.disable(username, actor="command line")
    except (UnknownAccount, LastAdmin) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        accounts.engine.dispose()
    console.print(f"disabled {username}")


@users_app.command("enable")
def user_enable(username: Annotated[str, typer.Argument()]) -> None:
    """Allow sign-ins again."""
    accounts = _accounts()
    try:
        accounts.enable(username, actor="command line")
    except UnknownAccount as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        accounts.engine.dispose()
    console.print(f"enabled {username}")
