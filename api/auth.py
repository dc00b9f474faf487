"""Bearer tokens: signed (HS256) with `COMPLAINTS_SECRET_KEY`, expiring, naming user, role,
office and the account's token version.

Every request checks the token against its account: a disabled or removed account,
or a version that moved on (new password, new role, signed out), is refused at once.
The account is read at most every `ACCOUNT_CHECK_SECONDS` per process; changes made
through this process are seen immediately.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

from adapters.accounts import Account
from adapters.settings import Settings
from domain.permissions import Actor
from domain.vocabulary import Role

TOKEN_URL = "/api/v1/auth/token"
ACCOUNT_CHECK_SECONDS = 2.0
ALGORITHM = "HS256"
MIN_KEY_LENGTH = 32


class MissingSecretKey(RuntimeError):
    """Serving on PostgreSQL needs a real signing key from configuration."""


@dataclass(frozen=True)
class User:
    """The person behind a request, as their token names them."""

    username: str
    role: Role
    office: str | None = None
    token_version: int = 0
    organisation: str | None = None  # an entrusted mediator's (Order 121 Art. 19)
    credit_code: str | None = None  # a business account's own code

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role)


def signing_key(settings: Settings) -> str:
    """The configured key; in development (SQLite) a random one kept beside the database.

    On PostgreSQL several API processes must share one key, so it must be configured.
    """
    if settings.secret_key:
        if settings.is_postgres and len(settings.secret_key) < MIN_KEY_LENGTH:
            raise MissingSecretKey(
                f"COMPLAINTS_SECRET_KEY must be at least {MIN_KEY_LENGTH} characters")
        return settings.secret_key
    if settings.is_postgres:
        raise MissingSecretKey(
            "set COMPLAINTS_SECRET_KEY (a random string of at least 32 characters) "
            "to serve on PostgreSQL")
    return _local_key(settings.sqlite_path.with_name(settings.sqlite_path.stem + ".token.key"))


def _local_key(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        key = secrets.token_urlsafe(48)
        file.write(key)
    return key


class Tokens:
    def __init__(self, key: str, minutes: int = 60) -> None:
        self._key = key
        self.lifetime = timedelta(minutes=minutes)

    def issue(self, account: Account, *, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": account.username,
            "role": account.role.value,
            "office": account.office,
            "ver": account.token_version,
            "iat": now,
            "exp": now + self.lifetime,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def read(self, token: str) -> User | None:
        """The user a valid, unexpired token names; None for anything else."""
        try:
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM],
                                options={"require": ["exp", "iat", "sub"]})
            return User(str(claims["sub"]), Role(claims["role"]), claims.get("office"),
                        int(claims.get("ver", 0)))
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            return None


bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


class AccountStates:
    """Each account's state as recently read: enabled, and the token version in force."""

    def __init__(self, ttl: float = ACCOUNT_CHECK_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._seen: dict[str, tuple[float, Account | None]] = {}
        self._lock = threading.Lock()

    def current(self, accounts: Any, username: str) -> Account | None:
        now = self.clock()
        with self._lock:
            seen = self._seen.get(username)
        if seen is not None and now - seen[0] < self.ttl:
            return seen[1]
        account = accounts.get(username)
        with self._lock:
            if len(self._seen) > 10_000:  # forged names must not grow it without end
                self._seen.clear()
            self._seen[username] = (now, account)
        return account

    def forget(self, username: str) -> None:
        with self._lock:
            self._seen.pop(username, None)


def still_valid(account: Account | None, token_version: int) -> bool:
    return account is not None and not account.disabled and \
        account.token_version == token_version


def current_user(request: Request, token: Annotated[str | None, Depends(bearer)]) -> User:
    # A plain def: it may read the account, and that must not block the event loop.
    if not token:
        raise unauthorized("a bearer token is required: POST /api/v1/auth/token")
    user = request.app.state.tokens.read(token)
    if user is None:
        raise unauthorized("the token is invalid or has expired")
    account = request.app.state.account_states.current(
        request.app.state.wiring.accounts, user.username)
    if not still_valid(account, user.token_version):
        raise unauthorized("the token was revoked: sign in again")
    assert account is not None
    request.state.username = user.username  # for the request log
    return User(account.username, account.role, account.office, account.token_version,
                account.organisation, account.credit_code)


CurrentUser = Annotated[User, Depends(current_user)]
