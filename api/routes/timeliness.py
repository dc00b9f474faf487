"""Deadlines over HTTP (SPEC §3): running clocks with what is late or nearly so, and
on-time rates per office and mediator. Lateness is worked out for the moment asked
(`as_of`, default now), never frozen by the projection.

Supervisors and operators see every office; a mediator sees only the clocks of the
cases assigned to them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field, field_validator

from adapters.views.organisation_groups import by_organisation
from adapters.views.timeliness import TimelinessFilter, TimelinessPage
from api import errors
from api.auth import CurrentUser
from api.bounds import Moment
from api.deps import WiringDep
from api.routes import API_PREFIX
from domain.errors import NotPermitted
from domain.vocabulary import Role

router = APIRouter(prefix=API_PREFIX, tags=["timeliness"],
                   responses=errors.documented(400, 401, 403, 422))


class TimelinessQuery(BaseModel):
    office: str | None = Field(default=None, max_length=32)
    mediator: str | None = Field(default=None, max_length=64)
    clock: Literal["acceptance", "decision_notice", "mediation", "notice",
                   "identity", "odr"] | None = None
    overdue: bool | None = None
    due_soon: bool | None = Field(default=None, description="<= 2 working days left")
    as_of: Moment | None = Field(default=None, description="default: now")
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=200)

    @field_validator("as_of")
    @classmethod
    def _countable(cls, moment: datetime | None) -> datetime | None:
        # Rates look back a window of days from here: a year-1 moment overflowed (500).
        if moment is not None and not 1900 <= moment.year <= 9000:
            raise ValueError("a moment between the years 1900 and 9000")
        return moment


@router.get("/timeliness", response_model=TimelinessPage)
def timeliness(criteria: Annotated[TimelinessQuery, Query()], user: CurrentUser,
               wiring: WiringDep) -> TimelinessPage:
    """Open cases with their running clock, due day, working days left, due-soon and
    overdue flags, and the summary per office and per mediator."""
    mediator = criteria.mediator
    if user.role is Role.MEDIATOR:
        mediator = user.username
    elif user.role not in (Role.SUPERVISOR, Role.OPERATOR):
        raise NotPermitted("timeliness", f"the {user.role.value} role does not read cases")
    as_of: datetime | None = criteria.as_of
    answer = wiring.timeliness.timeliness(TimelinessFilter(
        office=criteria.office, mediator=mediator, clock=criteria.clock,
        overdue=criteria.overdue, due_soon=criteria.due_soon, as_of=as_of,
        page=criteria.page, per_page=criteria.per_page,
    ))
    members = {a.username: a.organisation for a in wiring.accounts.all() if a.organisation}
    return replace(answer, organisations=by_organisation(answer.mediators, members))
