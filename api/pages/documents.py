"""Statutory documents on the case page: issue one with a form, download it, or open
it in the browser to print."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import access
from api.bootstrap import Wiring
from api.pages.case import STAFF, _case, api_user, complaint_uuid, with_done
from api.pages.forms import FormFields
from api.pages.rendering import page, see_other, translator
from api.pages.sessions import check_csrf, require
from api.routes.documents import pdf_response
from application.errors import ConcurrentUpdate
from domain.documents import KindDoesNotFit
from domain.errors import InvalidValue

router = APIRouter()


# Two segments past the case, so the case page's `/{command}` route never takes it.
@router.post("/cases/{complaint_id}/documents/issue")
@page
def issue(request: Request, complaint_id: str, form: FormFields) -> Response:
    user = require(request, *STAFF)
    check_csrf(request, form)
    key = complaint_uuid(complaint_id)
    wiring: Wiring = request.app.state.wiring
    t = translator(request)
    try:
        wiring.documents.issue(key, actor=user.actor, kind=form.get("kind", ""))
    except (KindDoesNotFit, InvalidValue):
        return _case(request, user, key, status=409, banner=("error", t("documents.not_fit")))
    except ConcurrentUpdate:
        return _case(request, user, key, status=409, banner=("error", t("banner.changed_meanwhile")))
    return see_other(with_done(f"/cases/{key}#documents", "documents"))


@router.get("/cases/{complaint_id}/documents/{document_id}")
@page
def download(request: Request, complaint_id: str, document_id: str,
             print: bool = False) -> Response:  # noqa: A002 (the query says what it does)
    user = require(request, *STAFF)
    key = complaint_uuid(complaint_id)
    wiring: Wiring = request.app.state.wiring
    access.readable(wiring.desk, key, api_user(user))
    document, pdf = wiring.documents.pdf(key, str(complaint_uuid(document_id)))
    # To print, the browser shows the PDF itself: the copy printed is the hashed one.
    return pdf_response(document, pdf, inline=print)
