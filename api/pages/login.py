"""Signing in and out, the language switch, and where each role starts."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages.forms import FormFields
from api.routes.auth import client_address
from api.sign_in import Attempt, TooManyAttempts
from api.pages.i18n import LANG_COOKIE, LANGUAGES
from api.pages.rendering import HOME, local_path, render, see_other
from api.pages.sessions import (
    LOGIN_CSRF_COOKIE, SESSION_COOKIE, check_csrf, clear_cookie, current_user, require,
    set_cookie,
)

router = APIRouter()

ONE_YEAR = 365 * 24 * 3600


@router.get("/")
def start(request: Request) -> Response:
    user = current_user(request)
    return see_other(HOME[user.role] if user else "/login")


@router.get("/home")
def home(request: Request) -> Response:
    """For a role with no desk pages (admins manage accounts with the command line)."""
    require(request)
    return render(request, "home.html")


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next=next)


def _login_page(request: Request, *, next: str | None, username: str = "",
                failed: bool = False, wait: int | None = None) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html",
                      login_csrf=token, next=local_path(next, ""), username=username,
                      failed=failed, wait=wait)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/login")
def login(request: Request, form: FormFields) -> Response:
    check_csrf(request, form, login=True)
    username = form.get("username", "").strip()
    attempt = Attempt(username, form.get("password", ""), client_address(request))
    try:
        account = request.app.state.sign_in(request.app.state.wiring.accounts, attempt)
    except TooManyAttempts as refused:
        response = _login_page(request, next=form.get("next"), username=username,
                               failed=True, wait=refused.retry_after)
        response.status_code = 429
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    if account is None:
        return _login_page(request, next=form.get("next"), username=username, failed=True)
    request.state.username = account.username  # for the request log
    value, _ = request.app.state.page_sessions.issue(account)
    response = see_other(local_path(form.get("next"), HOME[account.role]))
    sessions = request.app.state.page_sessions
    set_cookie(request, response, SESSION_COOKIE, value,
               max_age=int(sessions.lifetime.total_seconds()))
    clear_cookie(request, response, LOGIN_CSRF_COOKIE)
    return response


@router.get("/logout")
def logout_page() -> Response:
    """Signing out is a form (POST, with its token); a link here leads back to the start."""
    return see_other("/")


@router.post("/logout")
def logout(request: Request, form: FormFields) -> Response:
    """Ends this session and every other session and token of the account."""
    user = current_user(request)
    if user is not None:
        check_csrf(request, form)
        request.app.state.wiring.accounts.sign_out(user.username,
                                                   address=client_address(request))
        request.app.state.account_states.forget(user.username)
    response = see_other("/login")
    clear_cookie(request, response, SESSION_COOKIE)
    return response


@router.get("/lang/{language}")
def switch_language(request: Request, language: str, next: str | None = None) -> Response:
    """The language switch: a cookie that every page reads, so the choice sticks."""
    response = see_other(local_path(next, "/"))
    if language in LANGUAGES:
        response.set_cookie(LANG_COOKIE, language, max_age=ONE_YEAR, path="/",
                            samesite="strict", httponly=True,
                            secure=request.url.scheme == "https")
    return response
