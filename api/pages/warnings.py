"""Consumer warnings (消费预警、风险提示; Order 121 Art. 38). For the public, without login,
the warnings in force today; for supervisors, the surge flags with the complaints
behind them, running the test, and publishing a warning on a flag."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.bootstrap import Wiring
from api.pages.forms import FormFields, field_errors
from api.pages.rendering import page, render, see_other, translator
from api.pages.sessions import check_csrf, require
from domain.errors import InvalidValue
from domain.vocabulary import Role

router = APIRouter()


@router.get("/public/warnings")
@page
def public_warnings(request: Request) -> Response:
    wiring: Wiring = request.app.state.wiring
    return render(request, "public_warnings.html", warnings=wiring.warnings.in_force(),
                  today=wiring.warnings.today())


@router.get("/warnings")
@page
def flags(request: Request) -> Response:
    require(request, Role.SUPERVISOR)
    return _flags(request)


def _flags(request: Request, *, status: int = 200, **context: object) -> Response:
    wiring: Wiring = request.app.state.wiring
    found = wiring.warnings.flags()
    numbers = wiring.complaint_list.numbers_of(
        sorted({cid for flag in found for cid in flag["complaint_ids"]}))
    today = wiring.warnings.today()
    return render(request, "warnings.html", status=status, flags=found, numbers=numbers,
                  warnings=wiring.warnings.all_warnings(), today=today,
                  until=today + timedelta(days=30), **context)


@router.post("/warnings/detect")
@page
def detect(request: Request, form: FormFields) -> Response:
    user = require(request, Role.SUPERVISOR)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    wiring.warnings.detect(actor=user.actor)
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    return see_other("/warnings?done=detect")


@router.post("/warnings/publish")
@page
def publish(request: Request, form: FormFields) -> Response:
    user = require(request, Role.SUPERVISOR)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    t = translator(request)
    flag_id = form.get("flag", "")
    try:
        wiring.warnings.publish(
            actor=user.actor, title=form.get("title", ""), message=form.get("message", ""),
            valid_from=_day(form.get("valid_from"), "valid_from"),
            valid_until=_day(form.get("valid_until"), "valid_until"), flag_ids=[flag_id])
    except InvalidValue as error:
        return _flags(request, status=422, open_flag=flag_id, values=dict(form),
                      errors=field_errors({error.field: error}, t))
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    return see_other("/warnings?done=publish")


def _day(raw: str | None, field: str) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        raise InvalidValue(field, "must be a date (YYYY-MM-DD)") from None
