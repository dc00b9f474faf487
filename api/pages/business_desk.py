"""The business's own pages (SPEC §14): activating the account once, the complaints
against its credit code, and answering a complaint forwarded for pre-settlement.

A business sees the consumer's name and phone on its own complaint (to settle with) and
never an address or ID number; every such page view is recorded in the account audit.
Another business's complaint is not there at all (404).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from adapters.accounts import ActivationRefused
from api import access
from api.auth import User
from api.bootstrap import Wiring
from api.pages.forms import FormFields, field_errors
from api.pages.rendering import error_page, page, render, see_other, translator
from api.pages.rows import positive_int
from api.pages.sessions import PageUser, check_csrf, require
from application.credit import BusinessNotFound
from application.disclosed_cases import ObjectionPending
from application.errors import ComplaintNotFound
from application.listing import ListFilter
from domain.errors import CommandNotAllowed, InvalidValue
from domain.pledges import PledgeKind
from domain.vocabulary import Role

router = APIRouter()
PER_PAGE = 50


def _as_api_user(wiring: Wiring, user: PageUser) -> User:
    account = wiring.accounts.get(user.username)
    return User(user.username, user.role, None, credit_code=account.credit_code if account else None)


@router.get("/my-business")
@page
def my_business(request: Request,
                page_no: Annotated[str | None, Query(alias="page")] = None) -> Response:
    return _home(request, require(request, Role.BUSINESS), page_no)


def _home(request: Request, user: PageUser, page_no: str | None, *, status: int = 200,
          **context: object) -> Response:
    wiring: Wiring = request.app.state.wiring
    me = _as_api_user(wiring, user)
    number = positive_int(page_no)
    listed = wiring.complaint_list.search(ListFilter(
        business_key=me.credit_code, page=number, per_page=PER_PAGE))
    member = wiring.odr.register.get(me.credit_code)
    rate = next(iter(wiring.odr.cases.rates([me.credit_code or ""])), None)
    pages = max(1, -(-listed.total // PER_PAGE))
    today_ = wiring.desk.clock().astimezone(wiring.desk.tz).date()
    try:
        disclosed = wiring.disclosed_cases.public(me.credit_code or "", as_of=today_,
                                                  per_page=100).items
    except BusinessNotFound:  # the whole business is withheld from disclosure
        disclosed = []
    objections = wiring.disclosed_cases.objections(actor=user.actor, own_code=me.credit_code)
    pending = {o.case_id for o in objections if o.state == "pending"}
    return render(request, "my_business.html", status=status, rows=listed.items,
                  disclosed=disclosed, objections=objections, pending=pending,
                  total=listed.total, page_number=min(number, pages), pages=pages,
                  credit_code=me.credit_code, member=member, rate=rate,
                  pledges=wiring.businesses.pledges(me.credit_code) if me.credit_code else [],
                  today=wiring.desk.clock().astimezone(wiring.desk.tz).date(),
                  pledge_kinds=[k.value for k in PledgeKind], **context)


def _case(request: Request, user: PageUser, key: uuid.UUID, *, status: int = 200,
          **context: object) -> Response:
    wiring: Wiring = request.app.state.wiring
    me = _as_api_user(wiring, user)
    details = access.readable(wiring.desk, key, me)
    access.record_business_read(wiring.accounts, me, details)
    return render(request, "my_business_case.html", status=status, c=details,
                  may_answer="business-reply" in details.allowed_actions, **context)


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ComplaintNotFound(raw) from None


@router.get("/my-business/cases/{complaint_id}")
@page
def my_business_case(request: Request, complaint_id: str) -> Response:
    user = require(request, Role.BUSINESS)
    return _case(request, user, _uuid(complaint_id))


@router.post("/my-business/cases/{complaint_id}/reply")
@page
def answer(request: Request, complaint_id: str, form: FormFields) -> Response:
    user = require(request, Role.BUSINESS)
    check_csrf(request, form)
    key = _uuid(complaint_id)
    wiring: Wiring = request.app.state.wiring
    me = _as_api_user(wiring, user)
    values = {k: v for k, v in form.items() if k != "csrf"}
    settled = {"yes": True, "no": False}.get(form.get("settled", ""), form.get("settled"))
    version = form.get("version", "")
    t = translator(request)
    try:
        wiring.desk.business_reply(key, actor=user.actor, credit_code=me.credit_code,
                                   settled=settled, terms=form.get("terms", ""),
                                   amount=form.get("amount", "").strip() or "0",
                                   expected_version=int(version) if version.isdigit() else None)
    except InvalidValue as error:
        return _case(request, user, key, status=422, values=values,
                     errors=field_errors({error.field: error}, t))
    except CommandNotAllowed:
        return _case(request, user, key, status=409,
                     banner=("error", t("my_business.already_answered")))
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    return see_other(f"/my-business/cases/{key}?done=business-reply")


@router.post("/my-business/pledges")
@page
def add_pledge(request: Request, form: FormFields) -> Response:
    """诚信经营承诺: the business records one of its own pledges, with start and end."""
    user = require(request, Role.BUSINESS)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    me = _as_api_user(wiring, user)
    values = {k: v for k, v in form.items() if k != "csrf"}
    t = translator(request)
    try:
        wiring.businesses.record_pledge(actor=user.actor, own_code=me.credit_code,
                                        key=me.credit_code or "", kind=form.get("kind"),
                                        start=_day(form.get("start", ""), "start"),
                                        end=_day(form.get("end", ""), "end"))
    except InvalidValue as error:
        return _home(request, user, None, status=422, values=values,
                     errors=field_errors({error.field: error}, t))
    return see_other("/my-business?done=pledge")


@router.post("/my-business/disclosed/{case_id}/objection")
@page
def object_to_disclosure(request: Request, case_id: str, form: FormFields) -> Response:
    """异议: the business objects to the disclosure of one of its own closed cases."""
    user = require(request, Role.BUSINESS)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    me = _as_api_user(wiring, user)
    t = translator(request)
    try:
        wiring.disclosed_cases.object(
            actor=user.actor, own_code=me.credit_code, case_id=case_id,
            reason=form.get("reason", ""),
            as_of=wiring.desk.clock().astimezone(wiring.desk.tz).date())
    except InvalidValue as error:
        return _home(request, user, None, status=422, objecting=case_id,
                     values={"reason": form.get("reason", "")},
                     errors=field_errors({error.field: error}, t))
    except ObjectionPending:
        return _home(request, user, None, status=409,
                     banner=("error", t("disclosed.already_pending")))
    return see_other("/my-business?done=objection#disclosed")


def _day(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidValue(field, "a date, YYYY-MM-DD") from None


# ----- the one-time activation ------------------------------------------------------

@router.get("/activate")
@page
def activate_page(request: Request,
                  token: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    if not token or request.app.state.activation.read(token) is None:
        return error_page(request, 400, "activate.invalid")
    return render(request, "activate.html", token=token)


@router.post("/activate")
@page
def activate(request: Request, form: FormFields) -> Response:
    # No session yet: the activation token in the form is the proof, which no other
    # site can know, so it also stands in for a CSRF token.
    token = form.get("token", "")
    claims = request.app.state.activation.read(token)
    if claims is None:
        return error_page(request, 400, "activate.invalid")
    t = translator(request)
    password = form.get("password", "")
    if password != form.get("again", ""):
        error = InvalidValue("again", "the two passwords differ")
        return render(request, "activate.html", status=422, token=token,
                      errors=field_errors({"again": error}, t))
    username, version = claims
    wiring: Wiring = request.app.state.wiring
    try:
        wiring.accounts.activate(username, token_version=version, password=password,
                                 address=request.client.host if request.client else None)
    except InvalidValue as error:
        return render(request, "activate.html", status=422, token=token,
                      errors=field_errors({error.field: error}, t))
    except ActivationRefused:
        return error_page(request, 409, "activate.used")
    return see_other("/login?activated=1")
