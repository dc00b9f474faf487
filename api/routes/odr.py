"""Online pre-settlement over HTTP (SPEC §14): the four commands on a complaint and the
ODR register. The complaint's view shows `state: negotiating` and `odr_due` meanwhile."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Path, Response
from pydantic import BaseModel, Field

from api import access
from api.auth import CurrentUser, User
from api.deps import IfMatch, WiringDep
from api.errors import documented
from api.routes import API_PREFIX
from api.routes.complaints import COMMAND, current
from api.schemas import ComplaintOut, In

router = APIRouter(prefix=API_PREFIX, tags=["odr"],
                   responses=documented(400, 401, 403, 413, 422, 503))


class ForwardIn(In):
    consent: bool = Field(description="the consumer agreed to let the business settle first")
    note: str = Field(default="", max_length=1000)


class BusinessReplyIn(In):
    settled: bool
    terms: str = Field(max_length=5000, description="what the business offers or did")
    amount: str = Field(default="0", max_length=24, description='CNY, "128.50"')


class NoteOnlyIn(In):
    note: str = Field(default="", max_length=1000)


class OdrJoinIn(In):
    credit_code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    start: date


class OdrLeaveIn(In):
    last_day: date


class OdrBusinessOut(BaseModel):
    credit_code: str
    name: str
    start: date
    end: date | None
    forwarded: int = 0
    settled: int = 0
    settlement_rate: float | None = Field(None, description="先行和解率: settled / forwarded")


class OdrRegisterOut(BaseModel):
    businesses: list[OdrBusinessOut]
    forwarded: int
    settled: int
    settlement_rate: float | None


C = "/complaints/{complaint_id}"


@router.post(C + "/forward", response_model=ComplaintOut, responses=COMMAND)
def forward(complaint_id: UUID, body: ForwardIn,
            user: Annotated[User, access.allowed_to("forward")], wiring: WiringDep,
            version: IfMatch, response: Response) -> ComplaintOut:
    wiring.odr.forward(complaint_id, actor=user.actor, consent=body.consent, note=body.note,
                       expected_version=version)
    return current(wiring.desk, complaint_id, user, response, version)


@router.post(C + "/business-reply", response_model=ComplaintOut, responses=COMMAND)
def business_reply(complaint_id: UUID, body: BusinessReplyIn,
                   user: Annotated[User, access.allowed_to("business-reply")],
                   wiring: WiringDep, version: IfMatch, response: Response) -> ComplaintOut:
    wiring.desk.business_reply(complaint_id, actor=user.actor, credit_code=user.credit_code,
                               settled=body.settled, terms=body.terms, amount=body.amount,
                               expected_version=version)
    return current(wiring.desk, complaint_id, user, response, version)


@router.post(C + "/confirm-settlement", response_model=ComplaintOut, responses=COMMAND)
def confirm_settlement(complaint_id: UUID,
                       user: Annotated[User, access.allowed_to("confirm-settlement")],
                       wiring: WiringDep, version: IfMatch, response: Response,
                       body: Annotated[NoteOnlyIn | None, Body()] = None) -> ComplaintOut:
    wiring.desk.confirm_settlement(complaint_id, actor=user.actor,
                                   note=(body or NoteOnlyIn()).note, expected_version=version)
    return current(wiring.desk, complaint_id, user, response, version)


@router.post(C + "/return", response_model=ComplaintOut, responses=COMMAND)
def return_to_office(complaint_id: UUID, user: Annotated[User, access.allowed_to("return")],
                     wiring: WiringDep, version: IfMatch, response: Response,
                     body: Annotated[NoteOnlyIn | None, Body()] = None) -> ComplaintOut:
    wiring.desk.return_from_negotiation(complaint_id, actor=user.actor,
                                        note=(body or NoteOnlyIn()).note,
                                        expected_version=version)
    return current(wiring.desk, complaint_id, user, response, version)


# ----- the register ------------------------------------------------------------------

def register_out(wiring: object) -> OdrRegisterOut:
    odr = wiring.odr  # type: ignore[attr-defined]
    rates = {r.business_key: r for r in odr.cases.rates()}
    businesses = []
    for member in odr.register.all():
        rate = rates.get(member.credit_code)
        businesses.append(OdrBusinessOut(
            credit_code=member.credit_code, name=member.business_name,
            start=member.start_date, end=member.end_date,
            forwarded=rate.forwarded if rate else 0, settled=rate.settled if rate else 0,
            settlement_rate=rate.rate if rate else None))
    overall = odr.cases.overall()
    return OdrRegisterOut(businesses=businesses, forwarded=overall.forwarded,
                          settled=overall.settled, settlement_rate=overall.rate)


@router.get("/odr/businesses", response_model=OdrRegisterOut)
def odr_businesses(user: CurrentUser, wiring: WiringDep) -> OdrRegisterOut:
    """The register, each business with its settlement rate, and the rate overall."""
    return register_out(wiring)


@router.post("/odr/businesses", response_model=OdrBusinessOut, status_code=201,
             responses=documented(404))
def join_odr(body: OdrJoinIn, user: CurrentUser, wiring: WiringDep) -> OdrBusinessOut:
    """A supervisor registers any business; a business registers itself."""
    member = wiring.odr.join(actor=user.actor, own_code=user.credit_code,
                             credit_code=body.credit_code, name=body.name, start=body.start)
    return OdrBusinessOut(credit_code=member.credit_code, name=member.business_name,
                          start=member.start_date, end=member.end_date)


@router.post("/odr/businesses/{credit_code}/leave", response_model=OdrBusinessOut)
def leave_odr(credit_code: Annotated[str, Path(max_length=40)], body: OdrLeaveIn,
              user: CurrentUser, wiring: WiringDep) -> OdrBusinessOut:
    member = wiring.odr.leave(actor=user.actor, own_code=user.credit_code,
                              credit_code=credit_code, last_day=body.last_day)
    return OdrBusinessOut(credit_code=member.credit_code, name=member.business_name,
                          start=member.start_date, end=member.end_date)
