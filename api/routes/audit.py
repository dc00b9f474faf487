"""Tamper evidence over HTTP: recompute hash chains (supervisors only)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from api import errors
from api.access import check_supervisor
from api.auth import CurrentUser
from api.deps import WiringDep
from api.routes import API_PREFIX
from application.audit import ChainReport
from application.errors import ComplaintNotFound
from application.checkpoints import CheckpointReport

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


class CheckpointOut(BaseModel):
    seq: int | None
    created: str | None
    digest: str | None
    valid: bool
    problem: str | None

    @classmethod
    def of(cls, report: CheckpointReport | None) -> CheckpointOut | None:
        if report is None:
            return None
        return cls(seq=report.seq, created=report.created, digest=report.digest,
                   valid=report.valid, problem=report.problem)


class ChainCheckOut(ChainReportOut):
    checkpoint: CheckpointOut | None = None


class StoreReportOut(BaseModel):
    intact: bool
    complaints: int
    events: int
    broken: list[ChainReportOut]
    # The latest signed checkpoint the store was checked against (null: none yet).
    checkpoint: CheckpointOut | None = None


@router.get("/complaints/{complaint_id}/verify", response_model=ChainCheckOut)
def verify_complaint(complaint_id: UUID, user: CurrentUser, wiring: WiringDep) -> ChainCheckOut:
    """Recompute one complaint's hash chain and compare it with its head in the latest
    signed checkpoint; names the first bad version if broken."""
    check_supervisor(user, "verify a hash chain")
    report, checkpoint = wiring.auditor.verify(complaint_id)
    if report.events == 0 and report.intact:
        raise ComplaintNotFound(complaint_id)
    intact = report.intact and (checkpoint is None or checkpoint.valid)
    return ChainCheckOut(**{**ChainReportOut.of(report).model_dump(), "intact": intact},
                         checkpoint=CheckpointOut.of(checkpoint))


@router.get("/audit/verify", response_model=StoreReportOut)
def verify_store(user: CurrentUser, wiring: WiringDep) -> StoreReportOut:
    """Recompute every chain, streaming the store in id order, and check the store
    against the latest signed checkpoint."""
    check_supervisor(user, "verify the store")
    report = wiring.auditor.verify_store()
    return StoreReportOut(intact=report.intact, complaints=report.complaints,
                          events=report.events,
                          broken=[ChainReportOut.of(b) for b in report.broken],
                          checkpoint=CheckpointOut.of(report.checkpoint))
