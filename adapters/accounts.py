"""Staff accounts: username, role, office and an argon2 hash of the password.

The password itself is never stored, logged or returned; only its argon2id hash is
kept, in a `users` table on the same database as the event store. Accounts are
configuration, not history, so they live in a plain table rather than in events;
what happens to them (created, disabled, enabled, password reset, role changed,
every sign-in and failed sign-in, sign-out) is appended to `account_events`, which
is only ever added to.

Each account has a token version: every bearer token and page session names the
version it was issued under, and disabling the account, a new password, a new role
or signing out moves the version on, which ends them all at once.

An argon2 check takes 64 MiB: at most `max_concurrent_checks` run at a time, the
rest wait their turn (or are told to come back), so a flood of sign-ins cannot take
the server's memory.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import BigInteger, Boolean, Column, Connection, DateTime, Engine, Integer
from sqlalchemy import MetaData, String, Table, func, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from domain.errors import InvalidValue
from domain.identifiers import CreditCode
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
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("token_version", Integer, nullable=False, server_default=text("0")),
    # The name the desk shows for the person (pages show it, events keep the username).
    Column("display_name", String(64)),
    # A mediator of a consumer association or other mediation body (Order 121 Art. 19):
    # an entrusted mediator, who sees and works only the cases entrusted to it.
    Column("organisation", String(32)),
    # A business account's credit code: it sees only the complaints against this code.
    Column("credit_code", String(18)),
)

account_events = Table(
    "account_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("at", DateTime, nullable=False),  # naive UTC, like the views
    Column("kind", String(24), nullable=False),
    # Whose account; None for a sign-in with a username no account has (what was typed
    # there is not kept: it is sometimes a password typed in the wrong box).
    Column("username", String(64)),
    Column("actor", String(64)),  # who did it, when not the account's own holder
    Column("address", String(64)),  # the client's network address
    Column("detail", String(200)),
)

# What `account_events.kind` holds.
SIGNED_IN = "signed_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_IN_LIMITED = "sign_in_limited"
SIGNED_OUT = "signed_out"
CREATED = "created"
DISABLED = "disabled"
ENABLED = "enabled"
PASSWORD_RESET = "password_reset"
ROLE_CHANGED = "role_changed"
ACTIVATED = "activated"
ACTIVATION_RENEWED = "activation_renewed"
# A business account read a consumer's name and phone (SPEC §14): every such read.
CONSUMER_DATA_READ = "consumer_data_read"
# The hash of an account that has not chosen its password yet: no password matches it
# (argon2 refuses it as malformed), so only the one-time activation opens the account.
NOT_ACTIVATED = "!not-activated"

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._\-]{0,63}")
_OFFICE = re.compile(r"[A-Za-z0-9_\-]{1,32}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    office: str | None = None
    disabled: bool = False
    token_version: int = 0
    display_name: str | None = None
    organisation: str | None = None
    credit_code: str | None = None

    @property
    def shown_as(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class AccountEvent:
    id: int
    at: datetime
    kind: str
    username: str | None
    actor: str | None
    address: str | None
    detail: str | None


class LastAdmin(Exception):
    """The desk would be left without an enabled admin to manage accounts."""

    def __init__(self, username: str) -> None:
        super().__init__(f"{username!r} is the last enabled admin: enable or create another "
                         "admin first")
        self.username = username


class TooBusy(Exception):
    """Every password check slot stayed busy; the caller should come back shortly."""


class ActivationRefused(Exception):
    """The activation was used already, replaced by a newer one, or names no business."""

    def __init__(self, username: str) -> None:
        super().__init__("this activation was already used or replaced by a newer one")
        self.username = username


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


def _not_business(role: Role) -> None:
    if role is Role.BUSINESS:
        raise InvalidValue("role", "a business account is bound to a credit code: create it "
                                   "as a business account, with its one-time activation")


def check_display_name(name: str | None) -> str | None:
    """A person's name as the desk shows it: one line of text, at most 64 characters."""
    if name is None or not name.strip():
        return None
    name = name.strip()
    if len(name) > 64 or any(not c.isprintable() for c in name):
        raise InvalidValue("display_name", "one line of at most 64 printable characters")
    return " ".join(name.split())


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidValue("password", f"{MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


_COLUMNS = (users.c.username, users.c.role, users.c.office, users.c.disabled,
            users.c.token_version, users.c.display_name, users.c.organisation, users.c.credit_code)


def _account(row: object) -> Account:
    return Account(row.username, Role(row.role), row.office,  # type: ignore[attr-defined]
                   bool(row.disabled), int(row.token_version),  # type: ignore[attr-defined]
                   row.display_name, row.organisation, row.credit_code)  # type: ignore[attr-defined]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Accounts:
    """Create and manage accounts and check passwords; a wrong password, an unknown user
    and a disabled account look alike to whoever is signing in."""

    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None, *,
                 max_concurrent_checks: int = 2, check_wait: float = 2.0) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()
        self._checks = threading.BoundedSemaphore(max_concurrent_checks)
        self.check_wait = check_wait

    @cached_property
    def _decoy(self) -> str:
        # Verifying against this when the user is unknown keeps both answers equally slow.
        with self._hashing():
            return self.hasher.hash("not a password anyone has")

    @contextmanager
    def _hashing(self) -> Iterator[None]:
        if not self._checks.acquire(timeout=self.check_wait):
            raise TooBusy()
        try:
            yield
        finally:
            self._checks.release()

    def _hash(self, password: str) -> str:
        with self._hashing():
            return self.hasher.hash(password)

    def setup(self) -> None:
        metadata.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Stores made before accounts could be disabled, or had display names, get the
        new columns."""
        present = {c["name"] for c in inspect(self.engine).get_columns("users")}
        with self.engine.begin() as db:
            if "disabled" not in present:
                db.execute(text("ALTER TABLE users ADD COLUMN disabled BOOLEAN "
                                "NOT NULL DEFAULT false"))
            if "token_version" not in present:
                db.execute(text("ALTER TABLE users ADD COLUMN token_version INTEGER "
                                "NOT NULL DEFAULT 0"))
            if "display_name" not in present:
                db.execute(text("ALTER TABLE users ADD COLUMN display_name VARCHAR(64)"))
            if "organisation" not in present:
                db.execute(text("ALTER TABLE users ADD COLUMN organisation VARCHAR(32)"))
            if "credit_code" not in present:
                db.execute(text("ALTER TABLE users ADD COLUMN credit_code VARCHAR(18)"))

    # ----- managing ---------------------------------------------------------

    def add(self, username: str, *, role: Role, password: str,
            office: str | None = None, actor: str | None = None,
            display_name: str | None = None, organisation: str | None = None) -> Account:
        check_username(username)
        check_password(password)
        _not_business(role)
        if office is not None and not _OFFICE.fullmatch(office):
            raise InvalidValue("office", "an office code: letters, digits, - or _")
        if organisation is not None and (role is not Role.MEDIATOR
                                         or not _OFFICE.fullmatch(organisation)):
            raise InvalidValue("organisation", "only a mediator is bound to an organisation, "
                                               "by its code")
        display_name = check_display_name(display_name)
        row = {"username": username, "role": role.value, "office": office,
               "password_hash": self._hash(password), "display_name": display_name,
               "organisation": organisation}
        try:
            with self.engine.begin() as db:
                db.execute(insert(users), row)
                self._record(db, CREATED, username, actor=actor,
                             detail=f"{role.value}{' ' + office if office else ''}"
                                    f"{' @' + organisation if organisation else ''}")
        except IntegrityError:
            raise AccountExists(username) from None
        return Account(username, role, office, display_name=display_name,
                       organisation=organisation)

    def add_business(self, username: str, *, credit_code: str, actor: str | None = None,
                     display_name: str | None = None) -> Account:
        """A business's account, bound to its credit code and closed until its holder
        activates it once (`activate`) and chooses a password."""
        check_username(username)
        code = CreditCode.parse(credit_code).value
        display_name = check_display_name(display_name)
        row = {"username": username, "role": Role.BUSINESS.value, "office": None,
               "password_hash": NOT_ACTIVATED, "display_name": display_name,
               "credit_code": code}
        try:
            with self.engine.begin() as db:
                db.execute(insert(users), row)
                self._record(db, CREATED, username, actor=actor, detail=f"business {code}")
        except IntegrityError:
            raise AccountExists(username) from None
        return Account(username, Role.BUSINESS, display_name=display_name, credit_code=code)

    def activate(self, username: str, *, token_version: int, password: str,
                 address: str | None = None) -> Account:
        """Set the first password of a business account, once: the version moves on, so
        the same activation (or any older one) never works again."""
        check_password(password)
        hashed = self._hash(password)
        with self.engine.begin() as db:
            row = db.execute(select(users.c.role, users.c.token_version, users.c.password_hash,
                                    users.c.disabled)
                             .where(users.c.username == username).with_for_update()).first()
            if (row is None or row.role != Role.BUSINESS.value or row.disabled
                    or row.token_version != token_version or row.password_hash != NOT_ACTIVATED):
                raise ActivationRefused(username)
            db.execute(update(users).where(users.c.username == username)
                       .values(password_hash=hashed, token_version=users.c.token_version + 1))
            self._record(db, ACTIVATED, username, address=address)
        return self._get_or_fail(username)

    def renew_activation(self, username: str, *, actor: str | None = None) -> Account:
        """A new activation for a business account not yet activated; older ones lapse."""
        with self.engine.begin() as db:
            row = db.execute(select(users.c.role, users.c.password_hash)
                             .where(users.c.username == username).with_for_update()).first()
            if row is None:
                raise UnknownAccount(username)
            if row.role != Role.BUSINESS.value or row.password_hash != NOT_ACTIVATED:
                raise ActivationRefused(username)
            db.execute(update(users).where(users.c.username == username)
                       .values(token_version=users.c.token_version + 1))
            self._record(db, ACTIVATION_RENEWED, username, actor=actor)
        return self._get_or_fail(username)

    def display_names(self) -> dict[str, str]:
        """Username to the name pages show, for every account that has one."""
        with self.engine.connect() as db:
            rows = db.execute(select(users.c.username, users.c.display_name)
                              .where(users.c.display_name.is_not(None))).all()
        return {username: name for username, name in rows}

    def set_password(self, username: str, password: str, *, actor: str | None = None) -> None:
        """A new password; every token and session of the account ends."""
        check_password(password)
        hashed = self._hash(password)
        with self.engine.begin() as db:
            changed = db.execute(update(users).where(users.c.username == username)
                                 .values(password_hash=hashed,
                                         token_version=users.c.token_version + 1))
            if changed.rowcount != 1:
                raise UnknownAccount(username)
            self._record(db, PASSWORD_RESET, username, actor=actor)

    def set_role(self, username: str, role: Role, *, office: str | None = None,
                 actor: str | None = None) -> Account:
        """A new role (and office); every token and session of the account ends."""
        if office is not None and not _OFFICE.fullmatch(office):
            raise InvalidValue("office", "an office code: letters, digits, - or _")
        _not_business(role)
        with self.engine.begin() as db:
            before = self._locked(db, username)
            if before.role is Role.ADMIN and role is not Role.ADMIN:
                self._keep_an_admin(db, username)
            values: dict[str, object] = {"role": role.value,
                                         "token_version": users.c.token_version + 1}
            if office is not None:
                values["office"] = office
            db.execute(update(users).where(users.c.username == username).values(**values))
            self._record(db, ROLE_CHANGED, username, actor=actor,
                         detail=f"{before.role.value} -> {role.value}"
                                f"{' ' + office if office else ''}")
        return self._get_or_fail(username)

    def disable(self, username: str, *, actor: str | None = None) -> Account:
        """No more sign-ins; every token and session of the account ends at once."""
        with self.engine.begin() as db:
            before = self._locked(db, username)
            if before.role is Role.ADMIN and not before.disabled:
                self._keep_an_admin(db, username)
            db.execute(update(users).where(users.c.username == username)
                       .values(disabled=True, token_version=users.c.token_version + 1))
            self._record(db, DISABLED, username, actor=actor)
        return self._get_or_fail(username)

    def enable(self, username: str, *, actor: str | None = None) -> Account:
        with self.engine.begin() as db:
            self._locked(db, username)
            db.execute(update(users).where(users.c.username == username)
                       .values(disabled=False))
            self._record(db, ENABLED, username, actor=actor)
        return self._get_or_fail(username)

    def sign_out(self, username: str, *, address: str | None = None) -> None:
        """Ends every token and session of the account, on every device."""
        with self.engine.begin() as db:
            db.execute(update(users).where(users.c.username == username)
                       .values(token_version=users.c.token_version + 1))
            self._record(db, SIGNED_OUT, username, address=address)

    def _locked(self, db: Connection, username: str) -> Account:
        row = db.execute(select(*_COLUMNS).where(users.c.username == username)
                         .with_for_update()).first()
        if row is None:
            raise UnknownAccount(username)
        return _account(row)

    def _keep_an_admin(self, db: Connection, leaving: str) -> None:
        # Locks every enabled admin row, so two admins cannot disable each other at once.
        others = db.execute(select(users.c.username).where(
            users.c.role == Role.ADMIN.value, users.c.disabled.is_(False),
            users.c.username != leaving).with_for_update()).all()
        if not others:
            raise LastAdmin(leaving)

    def _get_or_fail(self, username: str) -> Account:
        account = self.get(username)
        if account is None:
            raise UnknownAccount(username)
        return account

    # ----- reading ----------------------------------------------------------

    def get(self, username: str) -> Account | None:
        with self.engine.connect() as db:
            row = db.execute(select(*_COLUMNS).where(users.c.username == username)).first()
        return _account(row) if row else None

    def all(self) -> list[Account]:
        with self.engine.connect() as db:
            rows = db.execute(select(*_COLUMNS).order_by(users.c.username)).all()
        return [_account(r) for r in rows]

    def events(self, *, username: str | None = None, kinds: tuple[str, ...] = (),
               limit: int = 200) -> list[AccountEvent]:
        """The newest first."""
        query = select(account_events).order_by(account_events.c.id.desc()).limit(limit)
        if username:
            query = query.where(account_events.c.username == username)
        if kinds:
            query = query.where(account_events.c.kind.in_(kinds))
        with self.engine.connect() as db:
            rows = db.execute(query).all()
        return [AccountEvent(**row._mapping) for row in rows]

    # ----- signing in -------------------------------------------------------

    def authenticate(self, username: str, password: str, *,
                     address: str | None = None) -> Account | None:
        """The account if the password is right and the account enabled, else None
        (never says which part was wrong). Each attempt is recorded."""
        with self.engine.connect() as db:
            row = db.execute(select(users).where(users.c.username == username)).first()
        stored = row.password_hash if row else self._decoy
        with self._hashing():
            try:
                self.hasher.verify(stored, password)
                right = True
            except (VerificationError, InvalidHashError):
                right = False
            rehash = right and row is not None and self.hasher.check_needs_rehash(stored)
            fresh = self.hasher.hash(password) if rehash else None
        known = row.username if row is not None else None
        if not right or row is None or row.disabled:
            why = "disabled" if row is not None and row.disabled else (
                "unknown account" if row is None else "wrong password")
            self.record(SIGN_IN_FAILED, known, address=address, detail=why)
            return None
        with self.engine.begin() as db:
            if fresh:
                db.execute(update(users).where(users.c.username == username)
                           .values(password_hash=fresh))
            self._record(db, SIGNED_IN, known, address=address)
        return _account(row)

    def record(self, kind: str, username: str | None, *, actor: str | None = None,
               address: str | None = None, detail: str | None = None) -> None:
        with self.engine.begin() as db:
            self._record(db, kind, username, actor=actor, address=address, detail=detail)

    @staticmethod
    def _record(db: Connection, kind: str, username: str | None, *, actor: str | None = None,
                address: str | None = None, detail: str | None = None) -> None:
        db.execute(insert(account_events), {
            "at": _now(), "kind": kind, "username": username, "actor": actor,
            "address": (address or "")[:64] or None, "detail": (detail or "")[:200] or None})
