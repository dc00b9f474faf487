"""Business credit (supervisors): the grades, and for one business its grade with the
ledger entries behind it, each linked to the complaint event that caused it, and
credit repair (voiding one entry, with a reason)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.bootstrap import Wiring
from api.bounds import FIRST_DAY, LAST_DAY
from api.pages.forms import FormFields, field_errors
from api.pages.rendering import page, render, see_other, translator
from api.pages.rows import positive_int
from api.pages.sessions import PageUser, check_csrf, require
from domain.errors import CommandNotAllowed, InvalidValue
from domain.grades import Grade
from domain.vocabulary import Role

router = APIRouter()


def today(wiring: Wiring) -> date:
    return wiring.desk.clock().astimezone(wiring.settings.tz).date()


def _day(raw: str | None, default: date) -> date:
    try:
        day = date.fromisoformat(raw) if raw else default
    except ValueError:
        return default
    return day if FIRST_DAY <= day <= LAST_DAY else default


@router.get("/credit")
@page
def grades(request: Request, grade: str | None = None,
           page_no: Annotated[str | None, Query(alias="page")] = None) -> Response:
    require(request, Role.SUPERVISOR)
    wiring: Wiring = request.app.state.wiring
    as_of = today(wiring)
    wanted = grade if grade in [g.value for g in Grade] else None
    listed = wiring.credit.grades(as_of=as_of, grade=wanted, page=positive_int(page_no),
                                  per_page=50)
    return render(request, "credit.html", listed=listed, grade=wanted,
                  grades=[g.value for g in Grade],
                  candidates=wiring.credit.model_candidates(as_of=as_of),
                  pages=max(1, -(-listed.total // listed.per_page)))


@router.get("/businesses/{key}")
@page
def business(request: Request, key: str, as_of: str | None = None) -> Response:
    user = require(request, Role.SUPERVISOR)
    return _business(request, user, key, as_of=as_of)


def _business(request: Request, user: PageUser, key: str, *, as_of: str | None = None,
              status: int = 200, **context: object) -> Response:
    wiring: Wiring = request.app.state.wiring
    now = today(wiring)
    chosen = _day(as_of, now)
    credit = wiring.credit.business(key, as_of=chosen)
    numbers = wiring.complaint_list.numbers_of(
        sorted({str(en.complaint_id) for en in credit.entries}))
    return render(request, "business.html", status=status, credit=credit, today=now,
                  numbers=numbers, reports=wiring.report_views.known(
                      [str(en.complaint_id) for en in credit.entries]),
                  quoted_key=quote(credit.key, safe=""), **context)


@router.get("/businesses/{key}/entries/{entry_id}/void")
def after_void(key: str, entry_id: str) -> Response:
    """A reload, or a language switch, on the page a void answered: the business itself."""
    return see_other(f"/businesses/{quote(key, safe='')}")


@router.post("/businesses/{key}/entries/{entry_id}/void")
@page
def void(request: Request, key: str, entry_id: str, form: FormFields) -> Response:
    user = require(request, Role.SUPERVISOR)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    t = translator(request)
    try:
        wiring.credit.void(entry_id, actor=user.actor, reason=form.get("reason", ""))
    except InvalidValue as error:
        return _business(request, user, key, status=422, void_entry=entry_id,
                         values={"reason": form.get("reason", "")},
                         errors=field_errors({error.field: error}, t))
    except CommandNotAllowed:
        return _business(request, user, key, status=409,
                         banner=("error", t("banner.already_voided")))
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    return see_other(f"/businesses/{quote(key, safe='')}?done=void")


# A business without a credit code is keyed by its normalised name, which may hold "/"
# (a quoted %2F arrives decoded). These take such keys; registered last, so that every
# route above still matches its own paths first.
router.add_api_route("/businesses/{key:path}/entries/{entry_id}/void", after_void,
                     methods=["GET"])
router.add_api_route("/businesses/{key:path}/entries/{entry_id}/void", void, methods=["POST"])
router.add_api_route("/businesses/{key:path}", business, methods=["GET"])
