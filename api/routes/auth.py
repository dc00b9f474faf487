"""Signing in: the OAuth2 password form in, a signed bearer token out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import CurrentUser, unauthorized
from api.deps import WiringDep
from api.errors import documented
from api.routes import API_PREFIX
from api.schemas import MeOut, TokenOut
from api.sign_in import Attempt

router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"])


@router.post("/token", response_model=TokenOut,
             responses=documented(400, 401, 413, 422, 429, 503))
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], wiring: WiringDep,
          request: Request) -> TokenOut:
    """A bearer token; failures per account and attempts per address are limited (429
    with Retry-After), and every attempt is recorded for the supervisors."""
    attempt = Attempt(form.username, form.password, client_address(request))
    account = request.app.state.sign_in(wiring.accounts, attempt)
    if account is None:
        raise unauthorized("wrong username or password")
    request.state.username = account.username  # for the request log
    tokens = request.app.state.tokens
    return TokenOut(access_token=tokens.issue(account),
                    expires_in=int(tokens.lifetime.total_seconds()))


@router.get("/me", response_model=MeOut, responses=documented(401))
def me(user: CurrentUser) -> MeOut:
    return MeOut(username=user.username, role=user.role.value, office=user.office)


@router.post("/logout", status_code=204, responses=documented(401, 503))
def logout(user: CurrentUser, wiring: WiringDep, request: Request) -> Response:
    """Ends every token and page session of this account, on every device."""
    wiring.accounts.sign_out(user.username, address=client_address(request))
    request.app.state.account_states.forget(user.username)
    return Response(status_code=204)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
