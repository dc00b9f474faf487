"""Consumer warnings over HTTP (Order 121 Art. 38): surge flags with the complaints behind
them, and the warnings a supervisor publishes. Supervisors only; the public reads the
published warnings at `/api/v1/public/warnings`."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from api import errors
from api.access import check_supervisor
from api.auth import CurrentUser
from api.bounds import Day
from api.deps import WiringDep
from api.routes import API_PREFIX
from domain.errors import InvalidValue

router = APIRouter(prefix=f"{API_PREFIX}/warnings", tags=["warnings"],
                   responses=errors.documented(400, 401, 403, 404, 422))


class DetectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    week: Day | None = Field(default=None, description="a day of the week to test; "
                                                         "default: the last complete week")


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=100)
    message: str = Field(min_length=1, max_length=2000, description="the warning, for the public")
    scope: Literal["business", "industry", "problem"] | None = Field(
        default=None, description="default: that of the first flag")
    key: str | None = Field(default=None, min_length=1, max_length=200)
    label: str | None = Field(default=None, min_length=1, max_length=200)
    valid_from: Day
    valid_until: Day
    flags: list[str] = Field(default_factory=list, max_length=50,
                             description="ids of the flags the warning answers")


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


@router.get("/flags")
def flags(user: CurrentUser, wiring: WiringDep, since: Day | None = None) -> dict[str, Any]:
    """Surges found, newest week first, each with the complaints behind it."""
    check_supervisor(user, "read warning flags")
    return {"items": [_plain(f) for f in wiring.warnings.flags(since=since)]}


@router.post("/detect")
def detect(body: DetectIn, user: CurrentUser, wiring: WiringDep) -> dict[str, Any]:
    """Run the surge test on one complete week; a surge flagged before is not raised again."""
    check_supervisor(user, "detect surges")
    found = wiring.warnings.detect(actor=user.actor, week_start=body.week)
    return {"week_start": found.week_start.isoformat(), "tested": found.tested,
            "raised": [str(i) for i in found.raised]}


@router.get("")
def warnings(user: CurrentUser, wiring: WiringDep) -> dict[str, Any]:
    check_supervisor(user, "read warnings")
    return {"items": [_plain(w) for w in wiring.warnings.all_warnings()]}


@router.post("", status_code=201)
def publish(body: PublishIn, user: CurrentUser, wiring: WiringDep,
            response: Response) -> dict[str, Any]:
    """Publish a warning on the public page for its dates (an event: who, when, what)."""
    check_supervisor(user, "publish a warning")
    if body.scope is None and not body.flags:
        raise InvalidValue("scope", "is required for a warning not based on a flag")
    warning_id = wiring.warnings.publish(
        actor=user.actor, title=body.title, message=body.message, scope=body.scope,
        key=body.key, label=body.label, valid_from=body.valid_from,
        valid_until=body.valid_until, flag_ids=body.flags)
    response.headers["Location"] = f"{API_PREFIX}/public/warnings#{warning_id}"
    return {"id": str(warning_id)}
