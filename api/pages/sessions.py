"""Who is at the desk: a signed session cookie, and a CSRF token for every form.

The session is a JWT in an HttpOnly, SameSite=Strict cookie, signed with a key derived
from the API's signing key (so a session cookie is never a bearer token, and a bearer
token is never a session: the audiences differ). It names the user and carries the
session's CSRF token and the account's token version; the account is read again on
every request, so a removed or disabled account, a changed role or password, and
signing out (anywhere) end the session at once.

CSRF: every form carries the session's token in a hidden field, checked on every
POST before anything runs. The login form, before there is a session, uses a
double-submit token: a random cookie that the form must repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from fastapi import Request
from fastapi.responses import Response

from adapters.accounts import Account
from api.auth import still_valid
from domain.permissions import Actor
from domain.vocabulary import Role

SESSION_COOKIE = "desk_session"
LOGIN_CSRF_COOKIE = "desk_login_csrf"
CSRF_FIELD = "csrf"
AUDIENCE = "complaint-desk-pages"
ALGORITHM = "HS256"
SESSION_HOURS = 10  # a working shift; then sign in again


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the login form."""


class PageForbidden(Exception):
    """Signed in, but this role may not open this page."""


class CsrfRefused(Exception):
    """A POST without the form's CSRF token (or with a wrong one): refused, nothing done."""


@dataclass(frozen=True)
class PageUser:
    username: str
    role: Role
    office: str | None
    csrf: str
    organisation: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role)

    def is_(self, *roles: Role) -> bool:
        return self.role in roles


class Sessions:
    def __init__(self, api_signing_key: str, hours: int = SESSION_HOURS) -> None:
        # A key of its own, derived from the API's: the two kinds of token never mix.
        self._key = hmac.new(api_signing_key.encode(), b"complaint-desk pages session",
                             hashlib.sha256).hexdigest()
        self.lifetime = timedelta(hours=hours)

    def issue(self, account: Account, *, now: datetime | None = None) -> tuple[str, str]:
        """A new session for the account: (cookie value, its CSRF token)."""
        now = now or datetime.now(UTC)
        csrf = secrets.token_urlsafe(32)
        claims: dict[str, Any] = {"sub": account.username, "csrf": csrf, "aud": AUDIENCE,
                                  "ver": account.token_version,
                                  "iat": now, "exp": now + self.lifetime}
        return jwt.encode(claims, self._key, algorithm=ALGORITHM), csrf

    def read(self, value: str | None) -> tuple[str, str, int] | None:
        """(username, csrf, token version) of a valid, unexpired session; else None."""
        if not value:
            return None
        try:
            claims = jwt.decode(value, self._key, algorithms=[ALGORITHM], audience=AUDIENCE,
                                options={"require": ["exp", "iat", "sub", "aud"]})
            return str(claims["sub"]), str(claims["csrf"]), int(claims.get("ver", 0))
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            return None


def set_cookie(request: Request, response: Response, name: str, value: str,
               max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")


def current_user(request: Request) -> PageUser | None:
    """The signed-in user (cached on the request), or None."""
    if hasattr(request.state, "page_user"):
        return request.state.page_user  # type: ignore[no-any-return]
    user = None
    sessions: Sessions = request.app.state.page_sessions
    found = sessions.read(request.cookies.get(SESSION_COOKIE))
    if found is not None:
        username, csrf, version = found
        account = request.app.state.wiring.accounts.get(username)
        if still_valid(account, version):
            assert account is not None
            user = PageUser(account.username, account.role, account.office, csrf,
                            account.organisation)
            request.state.username = account.username  # for the request log
    request.state.page_user = user
    return user


def require(request: Request, *roles: Role) -> PageUser:
    """The signed-in user if their role is one of `roles` (any role when none given)."""
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    if roles and user.role not in roles:
        raise PageForbidden()
    return user


def check_csrf(request: Request, form: dict[str, str], *, login: bool = False) -> None:
    """Refuse a POST whose form does not repeat the token of this session (or, for the
    login form, the token of the login cookie)."""
    sent = form.get(CSRF_FIELD, "")
    if login:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    else:
        user = current_user(request)
        expected = user.csrf if user is not None else ""
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused()
