"""A mediator's cases: the open ones with their running clocks, soonest due first, then
the ones lately closed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from adapters.views.timeliness import TimelinessFilter
from api.bootstrap import Wiring
from api.pages.rendering import page, render
from api.pages.rows import CaseRow, positive_int, summaries_by_id
from api.pages.sessions import require
from application.listing import ListFilter
from domain.vocabulary import Role

router = APIRouter()

RECENT = 20
PER_PAGE = 50


@router.get("/my-cases")
@page
def my_cases(request: Request,
             page_no: Annotated[str | None, Query(alias="page")] = None) -> Response:
    user = require(request, Role.MEDIATOR)
    wiring: Wiring = request.app.state.wiring
    clocks = wiring.timeliness.timeliness(
        TimelinessFilter(mediator=user.username, per_page=500)).items
    mine = ListFilter(mediator=user.username)
    listed = wiring.complaint_list.search(ListFilter(mediator=user.username, per_page=200))
    summaries = {s.id: s for s in listed.items}
    summaries.update(summaries_by_id(wiring, [c.id for c in clocks if c.id not in summaries],
                                     mine))
    running = [CaseRow(c.id, summaries.get(c.id), c) for c in clocks]
    open_ids = {c.id for c in clocks}
    ended = sorted((s for s in listed.items if s.id not in open_ids),
                   key=lambda s: s.updated_at, reverse=True)
    closed = [CaseRow(s.id, s) for s in ended[:RECENT]]
    counts = {"open": len(running), "overdue": sum(1 for c in clocks if c.overdue),
              "due_soon": sum(1 for c in clocks if c.due_soon)}
    pages = max(1, -(-len(running) // PER_PAGE))
    number = min(positive_int(page_no), pages)
    shown = running[(number - 1) * PER_PAGE:number * PER_PAGE]
    return render(request, "my_cases.html", rows=shown, closed=closed, counts=counts,
                  total=listed.total, page_number=number, pages=pages)
