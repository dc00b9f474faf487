"""The supervisor's page for the case-by-case disclosure (SPEC §5, Order 121 Art. 39):
the businesses' objections (异议) waiting for a decision, each with an uphold and a
refuse form, and a form to withhold a single closed case or disclose it again."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.bootstrap import Wiring
from api.pages.forms import FormFields, field_errors
from api.pages.rendering import page, render, see_other, translator
from api.pages.sessions import PageUser, check_csrf, require
from application.disclosed_cases import NoObjectionPending
from domain.errors import InvalidValue
from domain.vocabulary import Role

router = APIRouter()


def _show(request: Request, user: PageUser, *, status: int = 200,
          **context: object) -> Response:
    wiring: Wiring = request.app.state.wiring
    pending = wiring.disclosed_cases.objections(actor=user.actor, pending_only=True)
    numbers = wiring.complaint_list.numbers_of([o.case_id for o in pending])  # type: ignore[attr-defined]
    return render(request, "disclosure.html", status=status, pending=pending,
                  numbers=numbers, **context)


@router.get("/disclosure")
@page
def disclosure_desk(request: Request) -> Response:
    return _show(request, require(request, Role.SUPERVISOR))


@router.post("/disclosure/objections/{case_id}/decision")
@page
def decide_objection(request: Request, case_id: str, form: FormFields) -> Response:
    user = require(request, Role.SUPERVISOR)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    t = translator(request)
    upheld = {"yes": True, "no": False}.get(form.get("upheld", ""))
    try:
        if upheld is None:
            raise InvalidValue("upheld", "yes or no")
        wiring.disclosed_cases.decide_objection(actor=user.actor, case_id=case_id,
                                                upheld=upheld, note=form.get("note", ""))
    except InvalidValue as error:
        return _show(request, user, status=422, deciding=case_id,
                     values={"note": form.get("note", "")},
                     errors=field_errors({error.field: error}, t))
    except NoObjectionPending:
        return _show(request, user, status=409,
                     banner=("error", t("disclosed.no_objections")))
    return see_other("/disclosure?done=objection_decided")


@router.post("/disclosure/cases")
@page
def decide_case(request: Request, form: FormFields) -> Response:
    user = require(request, Role.SUPERVISOR)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    t = translator(request)
    values = {k: v for k, v in form.items() if k != "csrf"}
    withheld = {"yes": True, "no": False}.get(form.get("withheld", ""))
    try:
        if withheld is None:
            raise InvalidValue("withheld", "yes or no")
        wiring.disclosed_cases.decide(
            actor=user.actor, case_id=form.get("case_id", "").strip(), withheld=withheld,
            reason=form.get("reason", ""),
            as_of=wiring.desk.clock().astimezone(wiring.desk.tz).date())
    except InvalidValue as error:
        return _show(request, user, status=422, values=values,
                     errors=field_errors({error.field: error}, t))
    return see_other("/disclosure?done=case_disclosure")
