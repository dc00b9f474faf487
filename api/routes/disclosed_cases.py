"""Closed cases disclosed one by one (SPEC §5, Order 121 Art. 39): the public list per
business, a supervisor withholding a single case, and a business's objection (异议)
with the supervisor's decision. The public list holds no personal data and no free
text: number, dates, category, industry, how the case closed, the amount recovered."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.auth import CurrentUser
from api.deps import WiringDep
from api.errors import documented
from api.routes import API_PREFIX
from api.schemas import In
from application.disclosed_cases import Objection

router = APIRouter(prefix=API_PREFIX, tags=["disclosure"],
                   responses=documented(400, 401, 403, 404, 409, 422, 503))

CaseId = Annotated[str, Path(max_length=64, description="the complaint's id")]


class DisclosedCaseOut(BaseModel):
    id: str
    number: str | None
    received_on: date
    closed_on: date
    category: str
    industry: str
    outcome: str  # resolved | terminated | rejected | withdrawn | escalated
    amount_recovered: Decimal


class DisclosedCasesOut(BaseModel):
    key: str
    as_of: date
    items: list[DisclosedCaseOut]
    total: int
    page: int
    per_page: int


class CaseDisclosureIn(In):
    withheld: bool
    reason: str = Field(max_length=1000)


class ObjectionIn(In):
    reason: str = Field(max_length=1000)


class DecisionIn(In):
    upheld: bool
    note: str = Field(max_length=1000)


class ObjectionOut(BaseModel):
    case_id: str
    business_key: str
    reason: str
    state: str  # pending | upheld | refused
    objected_by: str
    objected_at: datetime
    note: str | None = None
    decided_by: str | None = None

    @classmethod
    def of(cls, o: Objection) -> ObjectionOut:
        return cls(case_id=o.case_id, business_key=o.business_key, reason=o.reason,
                   state=o.state, objected_by=o.objected_by, objected_at=o.objected_at,
                   note=o.note, decided_by=o.decided_by)


def _today(wiring: WiringDep) -> date:
    return wiring.desk.clock().astimezone(wiring.desk.tz).date()


@router.get("/public/businesses/{key}/cases", response_model=DisclosedCasesOut)
def public_cases(key: Annotated[str, Path(max_length=200)], wiring: WiringDep,
                 page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                 per_page: Annotated[int, Query(ge=1, le=100)] = 20) -> DisclosedCasesOut:
    """The business's complaints closed in the last twelve months, case by case, newest
    first, except those withheld (no login; nothing personal, no free text)."""
    found = wiring.disclosed_cases.public(key, as_of=_today(wiring), page=page,
                                          per_page=per_page)
    return DisclosedCasesOut(key=found.key, as_of=found.as_of, total=found.total,
                             page=found.page, per_page=found.per_page,
                             items=[DisclosedCaseOut(**vars(c)) for c in found.items])


@router.post("/public-cases/{case_id}/disclosure", status_code=204)
def decide_case_disclosure(case_id: CaseId, body: CaseDisclosureIn, user: CurrentUser,
                           wiring: WiringDep) -> None:
    """Withhold a closed case from disclosure, or disclose it again (supervisor, with a
    reason; Order 121 Art. 39)."""
    wiring.disclosed_cases.decide(actor=user.actor, case_id=case_id, withheld=body.withheld,
                                  reason=body.reason, as_of=_today(wiring))


@router.post("/public-cases/{case_id}/objection", response_model=ObjectionOut,
             status_code=201)
def object_to_case(case_id: CaseId, body: ObjectionIn, user: CurrentUser,
                   wiring: WiringDep) -> ObjectionOut:
    """The business objects (异议) to the disclosure of one of its own cases."""
    made = wiring.disclosed_cases.object(actor=user.actor, own_code=user.credit_code,
                                         case_id=case_id, reason=body.reason,
                                         as_of=_today(wiring))
    return ObjectionOut.of(made)


@router.post("/public-cases/{case_id}/objection/decision", response_model=ObjectionOut)
def decide_objection(case_id: CaseId, body: DecisionIn, user: CurrentUser,
                     wiring: WiringDep) -> ObjectionOut:
    """A supervisor upholds the objection (the case is withheld) or refuses it."""
    return ObjectionOut.of(wiring.disclosed_cases.decide_objection(
        actor=user.actor, case_id=case_id, upheld=body.upheld, note=body.note))


@router.get("/public-cases/objections", response_model=list[ObjectionOut])
def objections(user: CurrentUser, wiring: WiringDep,
               pending: bool = False) -> list[ObjectionOut]:
    """Objections: a supervisor reads them all (`pending=true`: those to decide), a
    business its own."""
    return [ObjectionOut.of(o) for o in wiring.disclosed_cases.objections(
        actor=user.actor, own_code=user.credit_code, pending_only=pending)]
