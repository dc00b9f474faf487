"""The outbox for supervisors: each endpoint's deliveries, the dead letters, and replaying
one (it then goes out again, followed by the changes it held back)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.bootstrap import Wiring
from api.pages.forms import FormFields
from api.pages.rendering import page, render, see_other
from api.pages.sessions import check_csrf, require
from application.delivery import DeadLetterNotFound
from domain.vocabulary import Role

router = APIRouter()


@router.get("/outbox")
@page
def outbox(request: Request) -> Response:
    require(request, Role.SUPERVISOR)
    wiring: Wiring = request.app.state.wiring
    counts = wiring.outbox.counts()
    empty = {"pending": 0, "delivered": 0, "dead": 0}
    endpoints = [{"name": e.name, "url": e.url, "personal_data": e.personal_data,
                  **counts.get(e.name, empty)} for e in wiring.settings.outbox_endpoints]
    dead = wiring.outbox.dead_letters()
    numbers = wiring.complaint_list.numbers_of(sorted({d.complaint_id for d in dead}))
    return render(request, "outbox.html", endpoints=endpoints, dead=dead, numbers=numbers)


@router.post("/outbox/replay")
@page
def replay(request: Request, form: FormFields) -> Response:
    user = require(request, Role.SUPERVISOR)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    endpoint = form.get("endpoint", "")[:64]
    try:
        position = int(form.get("position", ""))
    except ValueError:
        position = 0
    if not wiring.outbox.replay(endpoint, position, by=user.actor.username,
                                now=wiring.desk.clock()):
        raise DeadLetterNotFound(endpoint, position)
    return see_other("/outbox?done=replay")
