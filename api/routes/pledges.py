"""Pledges (诚信经营承诺) and model businesses (放心消费示范) over HTTP (SPEC §14).
Pledges and the model list are public too (`/public/...`): nothing personal in them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.auth import CurrentUser
from api.deps import WiringDep
from api.errors import documented
from api.routes import API_PREFIX
from api.schemas import In
from domain.pledges import Pledge, PledgeKind

router = APIRouter(prefix=API_PREFIX, tags=["businesses"],
                   responses=documented(400, 401, 403, 409, 422, 503))

Key = Annotated[str, Path(max_length=40, description="the business's credit code")]


class PledgeIn(In):
    kind: PledgeKind
    start: date
    end: date


class PledgeOut(BaseModel):
    kind: str
    start: date
    end: date
    in_force: bool

    @classmethod
    def of(cls, pledge: Pledge, today: date) -> PledgeOut:
        return cls(kind=pledge.kind.value, start=pledge.start, end=pledge.end,
                   in_force=pledge.in_force(today))


class ModelIn(In):
    designated: bool
    reason: str = Field(max_length=1000)


class ModelOut(BaseModel):
    credit_code: str
    name: str
    designated: bool
    reason: str
    decided_at: datetime


def _today(wiring: WiringDep) -> date:
    return wiring.desk.clock().astimezone(wiring.desk.tz).date()


@router.get("/businesses/{key}/pledges", response_model=list[PledgeOut])
def pledges(key: Key, user: CurrentUser, wiring: WiringDep) -> list[PledgeOut]:
    today = _today(wiring)
    return [PledgeOut.of(p, today) for p in wiring.businesses.pledges(key)]


@router.post("/businesses/{key}/pledges", response_model=PledgeOut, status_code=201)
def record_pledge(key: Key, body: PledgeIn, user: CurrentUser,
                  wiring: WiringDep) -> PledgeOut:
    """A supervisor, or the business itself, records a pledge with its start and end."""
    pledge = wiring.businesses.record_pledge(actor=user.actor, own_code=user.credit_code,
                                             key=key, kind=body.kind, start=body.start,
                                             end=body.end)
    return PledgeOut.of(pledge, _today(wiring))


@router.post("/businesses/{key}/model", response_model=ModelOut)
def decide_model(key: Key, body: ModelIn, user: CurrentUser, wiring: WiringDep) -> ModelOut:
    """Designate a model business among today's candidates, or revoke it; with a reason."""
    decided = wiring.businesses.decide_model(actor=user.actor, key=key,
                                             designated=body.designated, reason=body.reason,
                                             as_of=_today(wiring))
    return ModelOut(credit_code=decided.credit_code, name=decided.name,
                    designated=decided.designated, reason=decided.reason,
                    decided_at=decided.decided_at)


class DisclosureIn(In):
    withheld: bool
    reason: str = Field(max_length=1000)


@router.post("/businesses/{key}/disclosure", status_code=204)
def decide_disclosure(key: Annotated[str, Path(max_length=200)], body: DisclosureIn,
                      user: CurrentUser, wiring: WiringDep) -> None:
    """Withhold a business from public disclosure, or disclose it again (supervisor,
    with a reason; Order 121 Art. 39)."""
    wiring.businesses.decide_disclosure(actor=user.actor, key=key, withheld=body.withheld,
                                        reason=body.reason)


# ----- public ------------------------------------------------------------------------

@router.get("/public/model-businesses", response_model=list[ModelOut])
def public_models(wiring: WiringDep) -> list[ModelOut]:
    """放心消费示范单位: the businesses designated now."""
    return [ModelOut(credit_code=m.credit_code, name=m.name, designated=m.designated,
                     reason=m.reason, decided_at=m.decided_at)
            for m in wiring.businesses.models()]


@router.get("/public/businesses/{key}/pledges", response_model=list[PledgeOut])
def public_pledges(key: Key, wiring: WiringDep) -> list[PledgeOut]:
    today = _today(wiring)
    return [PledgeOut.of(p, today) for p in wiring.businesses.pledges(key)]
