"""Finding a case: the complaint list, filtered, personal data masked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.access import scoped
from api.auth import User
from api.bootstrap import Wiring
from api.pages.intake import known_offices
from api.pages.rendering import page, render
from api.pages.rows import CaseRow, positive_int
from api.pages.sessions import require
from application.listing import ListFilter
from domain.vocabulary import Role, State

router = APIRouter()


@router.get("/cases")
@page
def cases(request: Request, state: str | None = None, office: str | None = None,
          q: str | None = None, page_no: Annotated[str | None, Query(alias="page")] = None,
          ) -> Response:
    user = require(request, Role.OPERATOR, Role.SUPERVISOR, Role.MEDIATOR)
    wiring: Wiring = request.app.state.wiring
    states = [s.value for s in State]
    criteria = ListFilter(
        state=state if state in states else None,
        office=(office or "").strip()[:32] or None,
        q=(q or "").strip()[:200] or None,
        page=positive_int(page_no), per_page=50,
    )
    found = wiring.complaint_list.search(
        scoped(User(user.username, user.role, user.office), criteria))
    return render(request, "cases.html", rows=[CaseRow(s.id, s) for s in found.items],
                  total=found.total, page_number=found.page,
                  pages=max(1, -(-found.total // found.per_page)), states=states,
                  criteria=criteria, offices=known_offices(wiring))
