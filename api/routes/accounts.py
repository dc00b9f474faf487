"""Account management (admins) and the account audit (supervisors and admins).

Each change is recorded in `account_events` with the admin who made it; disabling an
account, a new password or a new role ends every token and session of it at once.
The last enabled admin can be neither disabled nor given another role.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from adapters.accounts import Account, AccountEvent
from api.auth import CurrentUser, User
from api.deps import WiringDep
from api.errors import documented
from api.routes import API_PREFIX
from domain.errors import InvalidValue, NotPermitted
from domain.vocabulary import Role

router = APIRouter(prefix=API_PREFIX, tags=["accounts"],
                   responses=documented(400, 401, 403, 404, 409, 413, 422, 503))

Username = Annotated[str, Path(max_length=64)]


def _admin(user: CurrentUser) -> User:
    if user.role is not Role.ADMIN:
        raise NotPermitted("manage accounts", "only an admin manages accounts")
    return user


def _auditor(user: CurrentUser) -> User:
    if user.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise NotPermitted("read the account audit", "supervisors and admins only")
    return user


Admin = Annotated[User, Depends(_admin)]
Auditor = Annotated[User, Depends(_auditor)]


class AccountOut(BaseModel):
    username: str
    role: str
    office: str | None
    disabled: bool
    display_name: str | None = None
    organisation: str | None = None

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(username=account.username, role=account.role.value, office=account.office,
                   disabled=account.disabled, display_name=account.display_name,
                   organisation=account.organisation)


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=64)
    role: Role
    office: str | None = Field(default=None, max_length=32)
    password: str = Field(max_length=1024)
    display_name: str | None = Field(default=None, max_length=64,
                                     description="the person's name as the pages show it")
    organisation: str | None = Field(
        default=None, max_length=32,
        description="a mediator of this organisation: an entrusted mediator (Art. 19)")


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(max_length=1024)


class RoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    office: str | None = Field(default=None, max_length=32)


class AccountEventOut(BaseModel):
    id: int
    at: datetime
    kind: str
    username: str | None
    actor: str | None
    address: str | None
    detail: str | None

    @classmethod
    def of(cls, event: AccountEvent) -> AccountEventOut:
        return cls(id=event.id, at=event.at.replace(tzinfo=UTC), kind=event.kind,
                   username=event.username, actor=event.actor, address=event.address,
                   detail=event.detail)


def _changed(request: Request, account: Account) -> AccountOut:
    request.app.state.account_states.forget(account.username)
    return AccountOut.of(account)


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(admin: Admin, wiring: WiringDep) -> list[AccountOut]:
    return [AccountOut.of(a) for a in wiring.accounts.all()]


@router.post("/accounts", response_model=AccountOut, status_code=201)
def create_account(body: AccountIn, admin: Admin, wiring: WiringDep,
                   response: Response) -> AccountOut:
    if body.organisation is not None and body.organisation not in wiring.organisations:
        raise InvalidValue("organisation", "no organisation has this code")
    account = wiring.accounts.add(body.username, role=body.role, password=body.password,
                                  office=body.office, actor=admin.username,
                                  display_name=body.display_name,
                                  organisation=body.organisation)
    response.headers["Location"] = f"{API_PREFIX}/accounts/{account.username}"
    return AccountOut.of(account)


@router.post("/accounts/{username}/disable", response_model=AccountOut)
def disable_account(username: Username, admin: Admin, wiring: WiringDep,
                    request: Request) -> AccountOut:
    """Ends every token and session of the account; never the last enabled admin."""
    return _changed(request, wiring.accounts.disable(username, actor=admin.username))


@router.post("/accounts/{username}/enable", response_model=AccountOut)
def enable_account(username: Username, admin: Admin, wiring: WiringDep,
                   request: Request) -> AccountOut:
    return _changed(request, wiring.accounts.enable(username, actor=admin.username))


@router.post("/accounts/{username}/password", response_model=AccountOut)
def reset_password(username: Username, body: PasswordIn, admin: Admin, wiring: WiringDep,
                   request: Request) -> AccountOut:
    """A new password; every token and session of the account ends."""
    wiring.accounts.set_password(username, body.password, actor=admin.username)
    request.app.state.sign_in.forget(username)
    account = wiring.accounts.get(username)
    assert account is not None
    return _changed(request, account)


@router.post("/accounts/{username}/role", response_model=AccountOut)
def change_role(username: Username, body: RoleIn, admin: Admin, wiring: WiringDep,
                request: Request) -> AccountOut:
    """A new role (and office); every token and session of the account ends."""
    return _changed(request, wiring.accounts.set_role(username, body.role, office=body.office,
                                                      actor=admin.username))


EventKind = Literal["signed_in", "sign_in_failed", "signed_out", "created", "disabled",
                    "enabled", "password_reset", "role_changed", "activated",
                    "activation_renewed", "consumer_data_read"]


@router.get("/audit/accounts", response_model=list[AccountEventOut])
def account_audit(user: Auditor, wiring: WiringDep,
                  username: Annotated[str | None, Query(max_length=64)] = None,
                  kind: Annotated[list[EventKind] | None, Query()] = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[AccountEventOut]:
    """Sign-ins (and failed ones), sign-outs and every change to an account, newest first."""
    events = wiring.accounts.events(username=username, kinds=tuple(kind or ()), limit=limit)
    return [AccountEventOut.of(e) for e in events]
