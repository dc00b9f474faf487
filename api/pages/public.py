"""The public disclosure (no login): per business, the complaints accepted in the last
twelve months, the share resolved, the median handling time and the credit grade.
The answer it shows holds no consumer's data at all (application/statistics.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.bootstrap import Wiring
from api.pages.credit import today
from api.pages.rendering import page, render
from api.pages.rows import positive_int

router = APIRouter()


@router.get("/public")
@page
def disclosure(request: Request, q: str | None = None,
               page_no: Annotated[str | None, Query(alias="page")] = None) -> Response:
    wiring: Wiring = request.app.state.wiring
    found = wiring.disclosure.public_businesses((q or "")[:200], as_of=today(wiring),
                                                page=positive_int(page_no), per_page=20)
    return render(request, "public.html", found=found, q=found.q or "",
                  pages=max(1, -(-found.total // found.per_page)),
                  models=wiring.businesses.models())


@router.get("/public/businesses/{key}")
@page
def disclosed_cases(request: Request, key: str,
                    page_no: Annotated[str | None, Query(alias="page")] = None) -> Response:
    """One business's closed complaints, case by case (SPEC §5): nothing personal."""
    wiring: Wiring = request.app.state.wiring
    found = wiring.disclosed_cases.public(key[:200], as_of=today(wiring),
                                          page=positive_int(page_no), per_page=20)
    return render(request, "public_business.html", found=found,
                  pages=max(1, -(-found.total // found.per_page)),
                  pledges=wiring.businesses.pledges(found.key) if len(found.key) == 18 else [])
