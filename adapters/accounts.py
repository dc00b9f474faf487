"""Staff accounts: username, role, office and an argon2 hash of the password.

The password itself is never stored, logged or returned; only its argon2id hash is
kept, in a `users` table on the same database as the event store. Accounts are
configuration, not history, so they live in a plain table rather than in events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, func, insert, select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from domain.errors import InvalidValue
from domain.vocabulary import Role

metadata = MetaData()  # apart from the views', so rebuilding views never touches accounts

users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("office", String(32)),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime, nullable=False, server_default=func.now()),
)

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._\-]{0,63}")
_OFFICE = re.compile(r"[A-Za-z0-9_\-]{1,32}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    office: str | None = None


class AccountExists(Exception):
    def __init__(self, username: str) -> None:
        super().__init__(f"user {username!r} already exists")
        self.username = username


class UnknownAccount(Exception):
    def __init__(self, username: str) -> None:
        super().__init__(f"no user {username!r}")
        self.username = username


def check_username(username: str) -> str:
    if not _USERNAME.fullmatch(username):
        raise InvalidValue("username", "1-64 lowercase letters, digits, '.', '_' or '-'")
    return username


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidValue("password", f"{MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


class Accounts:
    """Create accounts and check passwords; a wrong password and an unknown user look alike."""

    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()

    @cached_property
    def _decoy(self) -> str:
        # Verifying against this when the user is unknown keeps both answers equally slow.
        return self.hasher.hash("not a password anyone has")

    def setup(self) -> None:
        metadata.create_all(self.engine)

    def add(self, username: str, *, role: Role, password: str,
            office: str | None = None) -> Account:
        check_username(username)
        check_password(password)
        if office is not None and not _OFFICE.fullmatch(office):
            raise InvalidValue("office", "an office code: letters, digits, - or _")
        row = {"username": username, "role": role.value, "office": office,
               "password_hash": self.hasher.hash(password)}
        try:
            with self.engine.begin() as db:
                db.execute(insert(users), row)
        except IntegrityError:
            raise AccountExists(username) from None
        return Account(username, role, office)

    def set_password(self, username: str, password: str) -> None:
        check_password(password)
        with self.engine.begin() as db:
            changed = db.execute(update(users).where(users.c.username == username)
                                 .values(password_hash=self.hasher.hash(password)))
        if changed.rowcount != 1:
            raise UnknownAccount(username)

    def get(self, username: str) -> Account | None:
        with self.engine.connect() as db:
            row = db.execute(select(users.c.username, users.c.role, users.c.office)
                             .where(users.c.username == username)).first()
        return Account(row.username, Role(row.role), row.office) if row else None

    def all(self) -> list[Account]:
        with self.engine.connect() as db:
            rows = db.execute(select(users.c.username, users.c.role, users.c.office)
                              .order_by(users.c.username)).all()
        return [Account(r.username, Role(r.role), r.office) for r in rows]

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account if the password is right, else None (never says which part was wrong)."""
        with self.engine.connect() as db:
            row = db.execute(select(users).where(users.c.username == username)).first()
        stored = row.password_hash if row else self._decoy
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self.hasher.check_needs_rehash(stored):
            with self.engine.begin() as db:
                db.execute(update(users).where(users.c.username == username)
                           .values(password_hash=self.hasher.hash(password)))
        return Account(row.username, Role(row.role), row.office)
