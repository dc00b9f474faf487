"""Tamper evidence over HTTP: recompute hash chains (supervisors only)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from adapters.event_table import stored_events_by_complaint
from api import errors
from api.access import check_supervisor
from api.auth import CurrentUser
from api.deps import WiringDep
from api.routes import API_PREFIX
from application.audit import ChainReport

router = APIRouter(prefix=API_PREFIX, tags=["audit"],
                   responses=errors.documented(401, 403, 404, 422))


class ChainReportOut(BaseModel):
    complaint_id: str
    intact: bool
    events: int
    first_bad_version: int | None
    problem: str | None

    @classmethod
    def of(cls, report: ChainReport) -> ChainReportOut:
        return cls(complaint_id=report.complaint_id, intact=report.intact, events=report.events,
                   first_bad_version=report.first_bad_version, problem=report.problem)


class StoreReportOut(BaseModel):
    intact: bool
    complaints: int
    events: int
    broken: list[ChainReportOut]


@router.get("/complaints/{complaint_id}/verify", response_model=ChainReportOut)
def verify_complaint(complaint_id: UUID, user: CurrentUser, wiring: WiringDep) -> ChainReportOut:
    """Recompute one complaint's hash chain; names the first bad version if broken."""
    check_supervisor(user, "verify a hash chain")
    return ChainReportOut.of(wiring.desk.verify(complaint_id))


@router.get("/audit/verify", response_model=StoreReportOut)
def verify_store(user: CurrentUser, wiring: WiringDep) -> StoreReportOut:
    """Recompute every complaint's chain, streaming the store in complaint order."""
    check_supervisor(user, "verify the store")
    table = wiring.desk.recorder.events_table_name
    report = wiring.desk.verify_store(stored_events_by_complaint(wiring.engine, table))
    return StoreReportOut(intact=report.intact, complaints=report.complaints,
                          events=report.events,
                          broken=[ChainReportOut.of(b) for b in report.broken])
