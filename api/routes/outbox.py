"""The outbox for supervisors: where deliveries stand, the dead letters, and replaying one.

A dead letter is a change an endpoint never took after every retry; it holds back the
later changes of its complaint to that endpoint (order per complaint) until replayed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api import errors
from api.access import check_supervisor
from api.auth import CurrentUser
from api.deps import WiringDep
from api.routes import API_PREFIX
from application.delivery import DeadLetterNotFound

router = APIRouter(prefix=f"{API_PREFIX}/outbox", tags=["outbox"],
                   responses=errors.documented(400, 401, 403, 404, 422))

EndpointName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


@router.get("")
def outbox_status(user: CurrentUser, wiring: WiringDep) -> dict[str, Any]:
    """Per configured endpoint: changes pending, delivered and dead."""
    check_supervisor(user, "read the outbox")
    counts = wiring.outbox.counts()
    empty = {"pending": 0, "delivered": 0, "dead": 0}
    return {"endpoints": [{"name": e.name, "url": e.url, "personal_data": e.personal_data,
                           **counts.get(e.name, empty)}
                          for e in wiring.settings.outbox_endpoints]}


@router.get("/dead-letters")
def dead_letters(user: CurrentUser, wiring: WiringDep,
                 endpoint: Annotated[str | None, Query(max_length=64)] = None
                 ) -> dict[str, Any]:
    check_supervisor(user, "read the outbox")
    return {"items": [d.as_dict() for d in wiring.outbox.dead_letters(endpoint)]}


@router.post("/dead-letters/{endpoint}/{position}/replay")
def replay(endpoint: EndpointName, position: Annotated[int, Path(ge=1, le=2**62)],
           user: CurrentUser, wiring: WiringDep) -> dict[str, Any]:
    """Queue the dead letter again, due now; the worker delivers it, then what it held back."""
    check_supervisor(user, "replay a dead letter")
    if not wiring.outbox.replay(endpoint, position, by=user.actor.username,
                                now=wiring.desk.clock()):
        raise DeadLetterNotFound(endpoint, position)
    return {"endpoint": endpoint, "position": position, "status": "pending"}
