"""Signing in: the OAuth2 password form in, a signed bearer token out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import CurrentUser, unauthorized
from api.deps import WiringDep
from api.errors import documented
from api.routes import API_PREFIX
from api.schemas import MeOut, TokenOut

router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"])


@router.post("/token", response_model=TokenOut, responses=documented(400, 401, 413, 422, 503))
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], wiring: WiringDep,
          request: Request) -> TokenOut:
    account = wiring.accounts.authenticate(form.username, form.password)
    if account is None:
        raise unauthorized("wrong username or password")
    request.state.username = account.username  # for the request log
    tokens = request.app.state.tokens
    return TokenOut(access_token=tokens.issue(account),
                    expires_in=int(tokens.lifetime.total_seconds()))


@router.get("/me", response_model=MeOut, responses=documented(401))
async def me(user: CurrentUser) -> MeOut:
    return MeOut(username=user.username, role=user.role.value, office=user.office)
