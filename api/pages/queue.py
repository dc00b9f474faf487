"""The queue of cases awaiting acceptance: soonest due first, overdue and due-soon marked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from adapters.views.timeliness import TimelinessFilter
from api.bootstrap import Wiring
from api.pages.intake import known_offices
from api.pages.rendering import page, render
from api.pages.rows import CaseRow, positive_int, summaries_by_id
from api.pages.sessions import require
from application.listing import ListFilter
from domain.vocabulary import Role, State

router = APIRouter()

ALL = "all"
SHOWS = ("open", "overdue", "due_soon")


@router.get("/queue")
@page
def queue(request: Request, office: str | None = None, show: str | None = None,
          page_no: Annotated[str | None, Query(alias="page")] = None) -> Response:
    user = require(request, Role.OPERATOR, Role.SUPERVISOR)
    wiring: Wiring = request.app.state.wiring
    # An operator starts with their own office's queue; "all" shows every office.
    chosen = (user.office or ALL) if office is None else (office.strip() or ALL)
    scope = None if chosen == ALL else chosen[:32]
    show = show if show in SHOWS else "open"
    answer = wiring.timeliness.timeliness(TimelinessFilter(
        clock="acceptance", office=scope, overdue=True if show == "overdue" else None,
        due_soon=True if show == "due_soon" else None, page=positive_int(page_no), per_page=50))
    summaries = summaries_by_id(wiring, [i.id for i in answer.items],
                                ListFilter(state=State.FILED.value, office=scope))
    rows = [CaseRow(i.id, summaries.get(i.id), i) for i in answer.items]
    tallies = [t for g in answer.offices for t in g.clocks if t.clock == "acceptance"]
    counts = {name: sum(getattr(t, name) for t in tallies)
              for name in ("open", "overdue", "due_soon")}
    return render(request, "queue.html", rows=rows, office=chosen, show=show, shows=SHOWS,
                  counts=counts, total=answer.total, page_number=answer.page,
                  pages=max(1, -(-answer.total // answer.per_page)),
                  offices=known_offices(wiring), as_of=answer.as_of,
                  signs=(wiring.abuse_signals.signs_of(r.id for r in rows)
                         if wiring.abuse_signals else {}))
