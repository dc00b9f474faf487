"""Credit supervision over HTTP (SPEC §4, §5): grades and the entries behind them,
the watch list, model candidates, what-if under another rules file, credit repair,
and statistics. Supervisors only: grading businesses is their review.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api import errors
from api.access import check_supervisor
from api.auth import CurrentUser
from api.bounds import Day
from api.deps import WiringDep
from api.routes import API_PREFIX
from application.credit import (
    BusinessCredit, BusinessGrade, GradePage, ModelCandidate,
)
from application.statistics import Statistics
from application.what_if import WhatIf
from domain.errors import InvalidValue

router = APIRouter(prefix=API_PREFIX, tags=["credit"],
                   responses=errors.documented(400, 401, 403, 404, 422))

MAX_RULES = 64 * 1024


def today(wiring: WiringDep) -> date:
    return wiring.desk.clock().astimezone(wiring.desk.tz).date()


class WhatIfIn(BaseModel):
    rules: str = Field(max_length=MAX_RULES, description="a credit rules file (TOML), whole")
    as_of: Day | None = Field(default=None, description="default: today")


class VoidIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="why the entry is voided")


@router.get("/businesses/{key:path}/credit", response_model=BusinessCredit)
def business_credit(key: Annotated[str, Field(max_length=200)], user: CurrentUser,
                    wiring: WiringDep, as_of: Day | None = None) -> BusinessCredit:
    """Points in force, grade, and every ledger entry behind them with its complaint event."""
    check_supervisor(user, "read credit")
    return wiring.credit.business(key, as_of=as_of or today(wiring))


@router.get("/credit", response_model=GradePage)
def grades(user: CurrentUser, wiring: WiringDep,
           grade: Literal["A", "B", "C", "D"] | None = None, as_of: Day | None = None,
           page: Annotated[int, Query(ge=1, le=100_000)] = 1,
           per_page: Annotated[int, Query(ge=1, le=500)] = 50) -> GradePage:
    """Businesses with their grade, worst first; `grade=D` is the watch list."""
    check_supervisor(user, "read credit")
    return wiring.credit.grades(as_of=as_of or today(wiring), grade=grade, page=page,
                                per_page=per_page)


@router.get("/credit/watch-list", response_model=list[BusinessGrade])
def watch_list(user: CurrentUser, wiring: WiringDep,
               as_of: Day | None = None) -> list[BusinessGrade]:
    check_supervisor(user, "read credit")
    return wiring.credit.watch_list(as_of=as_of or today(wiring))


@router.get("/credit/model-candidates", response_model=list[ModelCandidate])
def model_candidates(user: CurrentUser, wiring: WiringDep,
                     as_of: Day | None = None) -> list[ModelCandidate]:
    check_supervisor(user, "read credit")
    return wiring.credit.model_candidates(as_of=as_of or today(wiring))


@router.post("/credit/what-if", response_model=WhatIf)
def what_if(body: WhatIfIn, user: CurrentUser, wiring: WiringDep) -> WhatIf:
    """The grades another rules file would give, from the full history; stores nothing."""
    check_supervisor(user, "ask what-if")
    return wiring.credit.what_if(body.rules, as_of=body.as_of or today(wiring))


@router.post("/credit/entries/{entry_id}/void", status_code=204, response_class=Response,
             responses=errors.documented(409))
def void_entry(entry_id: UUID, body: VoidIn, user: CurrentUser, wiring: WiringDep) -> Response:
    """Credit repair: void one penalty entry with a reason; the voiding is itself recorded."""
    wiring.credit.void(entry_id, actor=user.actor, reason=body.reason)
    return Response(status_code=204)


@router.get("/stats", response_model=Statistics)
def statistics(user: CurrentUser, wiring: WiringDep,
               since: Annotated[Day, Query(alias="from")],
               until: Annotated[Day, Query(alias="to")]) -> Statistics:
    """Complaints received in the range (local dates, inclusive) and what became of them."""
    check_supervisor(user, "read statistics")
    if until < since:
        raise InvalidValue("to", "must not be before from")
    if (until - since).days > 3660:
        raise InvalidValue("to", "a range of at most ten years")
    return wiring.disclosure.statistics(since=since, until=until)
