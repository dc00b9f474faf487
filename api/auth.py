"""Bearer tokens: signed (HS256) with `COMPLAINTS_SECRET_KEY`, expiring, naming user, role, office.

Tokens are checked without a database read, so a changed role or a removed account
takes effect when the token expires (`COMPLAINTS_TOKEN_MINUTES`, 60 by default).
"""

from __future__ import annotations

import os
import secrets
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
            "iat": now,
            "exp": now + self.lifetime,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def read(self, token: str) -> User | None:
        """The user a valid, unexpired token names; None for anything else."""
        try:
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM],
                                options={"require": ["exp", "iat", "sub"]})
            return User(str(claims["sub"]), Role(claims["role"]), claims.get("office"))
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            return None


bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


async def current_user(request: Request, token: Annotated[str | None, Depends(bearer)]) -> User:
    if not token:
        raise unauthorized("a bearer token is required: POST /api/v1/auth/token")
    user = request.app.state.tokens.read(token)
    if user is None:
        raise unauthorized("the token is invalid or has expired")
    request.state.username = user.username  # for the request log
    return user


CurrentUser = Annotated[User, Depends(current_user)]
