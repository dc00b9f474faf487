"""Public disclosure (SPEC §5): per business, counts, the ODR settlement rate, and the
grade only where `COMPLAINTS_PUBLIC_GRADE` publishes it. No login, and nothing
personal: the facts behind it hold no consumer data at all."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import errors
from api.deps import WiringDep
from api.routes import API_PREFIX
from application.statistics import PublicPage

router = APIRouter(prefix=f"{API_PREFIX}/public", tags=["public"],
                   responses=errors.documented(400, 422))


@router.get("/businesses", response_model=PublicPage)
def public_businesses(wiring: WiringDep,
                      q: Annotated[str | None, Query(max_length=100)] = None,
                      page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                      per_page: Annotated[int, Query(ge=1, le=100)] = 20) -> PublicPage:
    """Businesses with complaints accepted in the last 12 months: how many, the share
    resolved, the median handling time in working days, the ODR settlement rate for a
    business on the register, and the credit grade where the deployment publishes it."""
    as_of = wiring.desk.clock().astimezone(wiring.desk.tz).date()
    return wiring.disclosure.public_businesses(q, as_of=as_of, page=page, per_page=per_page)


@router.get("/warnings")
def public_warnings(wiring: WiringDep) -> dict[str, Any]:
    """Consumer warnings in force today (消费预警): title, text, what it is about, dates."""
    return {"items": [{"id": w["id"], "title": w["title"], "message": w["message"],
                       "scope": w["scope"], "label": w["label"],
                       "valid_from": w["valid_from"].isoformat(),
                       "valid_until": w["valid_until"].isoformat()}
                      for w in wiring.warnings.in_force()]}
