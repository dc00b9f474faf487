"""Business accounts (SPEC §14): an admin creates one bound to a credit code, its holder
activates it once and chooses a password, and the business lists the complaints
against its code. Reading one complaint is `GET /complaints/{id}` (404 for another's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from adapters.accounts import Account
from api.auth import CurrentUser, User, unauthorized
from api.deps import WiringDep
from api.errors import documented
from api.routes import API_PREFIX
from api.routes.accounts import Admin
from api.schemas import PageOut
from application.listing import ListFilter
from domain.errors import NotPermitted
from domain.vocabulary import Role, State

router = APIRouter(prefix=API_PREFIX, tags=["businesses"],
                   responses=documented(400, 401, 403, 404, 409, 422, 503))


class BusinessAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=64)
    credit_code: str = Field(max_length=40, description="the business's unified social credit code")
    display_name: str | None = Field(default=None, max_length=64)


class ActivationOut(BaseModel):
    username: str
    credit_code: str
    display_name: str | None
    activation_token: str = Field(description="give it to the business's holder; it works "
                                              "once, for 7 days, at /activate or "
                                              "POST /api/v1/auth/activate")
    activation_path: str


class ActivateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=2000)
    password: str = Field(max_length=1024)


class ActivatedOut(BaseModel):
    username: str
    role: str
    credit_code: str | None


def _business(user: CurrentUser) -> User:
    if user.role is not Role.BUSINESS or not user.credit_code:
        raise NotPermitted("list own complaints", "only a business account has its own list")
    return user


Business = Annotated[User, Depends(_business)]


def _activation(request: Request, account: Account) -> ActivationOut:
    token = request.app.state.activation.issue(account)
    return ActivationOut(username=account.username, credit_code=account.credit_code or "",
                         display_name=account.display_name, activation_token=token,
                         activation_path=f"/activate?token={token}")


@router.post("/accounts/business", response_model=ActivationOut, status_code=201)
def create_business_account(body: BusinessAccountIn, admin: Admin, wiring: WiringDep,
                            request: Request, response: Response) -> ActivationOut:
    account = wiring.accounts.add_business(body.username, credit_code=body.credit_code,
                                           actor=admin.username, display_name=body.display_name)
    response.headers["Location"] = f"{API_PREFIX}/accounts/{account.username}"
    return _activation(request, account)


@router.post("/accounts/{username}/activation", response_model=ActivationOut)
def renew_activation(username: Annotated[str, Path(max_length=64)], admin: Admin,
                     wiring: WiringDep, request: Request) -> ActivationOut:
    """A new activation for a business account not yet activated; the old one lapses."""
    return _activation(request, wiring.accounts.renew_activation(username,
                                                                 actor=admin.username))


@router.post("/auth/activate", response_model=ActivatedOut)
def activate(body: ActivateIn, wiring: WiringDep, request: Request) -> ActivatedOut:
    """The one-time activation: the business chooses its password, then signs in."""
    claims = request.app.state.activation.read(body.token)
    if claims is None:
        raise unauthorized("the activation is invalid or has expired: ask for a new one")
    username, version = claims
    account = wiring.accounts.activate(username, token_version=version, password=body.password,
                                       address=request.client.host if request.client else None)
    request.app.state.account_states.forget(username)
    return ActivatedOut(username=account.username, role=account.role.value,
                        credit_code=account.credit_code)


@router.get("/business/complaints", response_model=PageOut)
def own_complaints(user: Business, wiring: WiringDep,
                   state: State | None = None,
                   page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                   per_page: Annotated[int, Query(ge=1, le=200)] = 50) -> PageOut:
    """The complaints against the business's own credit code, masked like every list."""
    return PageOut.of(wiring.complaint_list.search(ListFilter(
        business_key=user.credit_code, state=state.value if state else None,
        page=page, per_page=per_page)))
