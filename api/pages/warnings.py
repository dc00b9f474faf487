"""Consumer warnings for the public (消费预警、风险提示; Order 121 Art. 38): the warnings
a supervisor published that hold today. No login; nothing about any consumer."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.bootstrap import Wiring
from api.pages.rendering import page, render

router = APIRouter()


@router.get("/public/warnings")
@page
def public_warnings(request: Request) -> Response:
    wiring: Wiring = request.app.state.wiring
    return render(request, "public_warnings.html", warnings=wiring.warnings.in_force(),
                  today=wiring.warnings.today())
