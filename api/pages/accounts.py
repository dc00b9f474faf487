"""Account management for admins, and the account audit (sign-ins, failures and every
change) for supervisors and admins. Each change goes through the same `Accounts`
methods as the API, so it is recorded and ends the account's tokens and sessions."""

from __future__ import annotations

from datetime import UTC

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.accounts import AccountExists, Accounts, LastAdmin, UnknownAccount
from api.pages.forms import FormFields
from api.pages.rendering import page, render, see_other, translator
from api.pages.sessions import check_csrf, require
from domain.errors import InvalidValue
from domain.vocabulary import Role

router = APIRouter()

KINDS = ("signed_in", "sign_in_failed", "signed_out", "created", "disabled", "enabled",
         "password_reset", "role_changed")
ACTIONS = ("disable", "enable", "password", "role")


def _accounts(request: Request) -> Accounts:
    return request.app.state.wiring.accounts  # type: ignore[no-any-return]


def _accounts_page(request: Request, status: int = 200, banner: str | None = None,
                   values: dict[str, str] | None = None) -> Response:
    t_banner = ("error", banner) if banner else None
    organisations = request.app.state.wiring.organisations
    return render(request, "accounts.html", status=status, accounts=_accounts(request).all(),
                  roles=[r.value for r in Role], banner=t_banner, values=values or {},
                  organisations=organisations.all() if organisations else [])


@router.get("/accounts")
@page
def accounts_page(request: Request) -> Response:
    require(request, Role.ADMIN)
    return _accounts_page(request)


@router.post("/accounts")
@page
def create_account(request: Request, form: FormFields) -> Response:
    admin = require(request, Role.ADMIN)
    check_csrf(request, form)
    try:
        role = Role(form.get("role", ""))
        organisation = form.get("organisation", "").strip() or None
        if organisation is not None and organisation not in request.app.state.wiring.organisations:
            raise InvalidValue("organisation", "no organisation has this code")
        _accounts(request).add(form.get("username", "").strip(), role=role,
                               password=form.get("password", ""),
                               office=form.get("office", "").strip() or None,
                               actor=admin.username, organisation=organisation)
    except (ValueError, InvalidValue, AccountExists) as error:
        return _refused(request, error, {k: v for k, v in form.items() if k != "password"})
    return see_other("/accounts?done=accounts.created")


@router.post("/accounts/{username}/{action}")
@page
def change_account(request: Request, username: str, action: str, form: FormFields) -> Response:
    admin = require(request, Role.ADMIN)
    check_csrf(request, form)
    accounts = _accounts(request)
    try:
        if action == "disable":
            accounts.disable(username, actor=admin.username)
        elif action == "enable":
            accounts.enable(username, actor=admin.username)
        elif action == "password":
            accounts.set_password(username, form.get("password", ""), actor=admin.username)
            request.app.state.sign_in.forget(username)
        elif action == "role":
            accounts.set_role(username, Role(form.get("role", "")),
                              office=form.get("office", "").strip() or None,
                              actor=admin.username)
        else:
            return _accounts_page(request, 404)
    except (ValueError, InvalidValue, LastAdmin, UnknownAccount) as error:
        return _refused(request, error, {})
    request.app.state.account_states.forget(username)
    return see_other(f"/accounts?done=accounts.{action}")


def _refused(request: Request, error: Exception, values: dict[str, str]) -> Response:
    t = translator(request)
    if isinstance(error, LastAdmin):
        return _accounts_page(request, 409, t("accounts.last_admin"), values)
    if isinstance(error, AccountExists):
        return _accounts_page(request, 409, t("accounts.exists"), values)
    if isinstance(error, UnknownAccount):
        return _accounts_page(request, 404, t("error.not_found"), values)
    field = error.field if isinstance(error, InvalidValue) else "role"
    message = error.message if isinstance(error, InvalidValue) else t("accounts.bad_role")
    return _accounts_page(request, 422, f"{t('accounts.field_' + field)}: {message}", values)


@router.get("/audit/accounts")
@page
def account_audit(request: Request, username: str | None = None,
                  kind: str | None = None) -> Response:
    require(request, Role.SUPERVISOR, Role.ADMIN)
    chosen = kind if kind in KINDS else ""
    who = (username or "").strip()[:64]
    events = _accounts(request).events(username=who or None,
                                       kinds=(chosen,) if chosen else (), limit=500)
    return render(request, "account_audit.html", events=events, kinds=KINDS, kind=chosen,
                  username=who, utc=UTC)
