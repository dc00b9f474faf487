"""Evidence files on the case page: uploaded with a form, downloaded as files, never
shown inline. (This module's routes come before the case page's `/{command}` ones.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import access
from api.bootstrap import Wiring
from api.pages.case import STAFF, _case, api_user, complaint_uuid, with_done
from api.pages.forms import FormFields, FormFiles
from api.pages.rendering import page, see_other, translator
from api.pages.sessions import check_csrf, require
from api.routes.attachments import file_response
from application.errors import ConcurrentUpdate, VersionMismatch
from domain.evidence import FileTooLarge, UnsupportedFileType

router = APIRouter()


@router.post("/cases/{complaint_id}/attachments")
@page
def upload(request: Request, complaint_id: str, form: FormFields, files: FormFiles) -> Response:
    user = require(request, *STAFF)
    check_csrf(request, form)
    key = complaint_uuid(complaint_id)
    wiring: Wiring = request.app.state.wiring
    t = translator(request)
    if not files:
        return _case(request, user, key, status=422, banner=("error", t("evidence.none_chosen")))
    try:
        wiring.evidence.add_many(key, actor=user.actor, files=files)
    except FileTooLarge as error:
        return _case(request, user, key, status=413, banner=("error", t(
            "evidence.too_large_case" if error.per_case else "evidence.too_large",
            mib=error.limit // (1024 * 1024))))
    except UnsupportedFileType:
        return _case(request, user, key, status=415, banner=("error", t("evidence.unsupported")))
    except (VersionMismatch, ConcurrentUpdate):
        return _case(request, user, key, status=409, banner=("error", t("banner.changed_meanwhile")))
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    return see_other(with_done(f"/cases/{key}#evidence", "attachments"))


@router.get("/cases/{complaint_id}/attachments/{attachment_id}")
@page
def download(request: Request, complaint_id: str, attachment_id: str) -> Response:
    user = require(request, *STAFF)
    key = complaint_uuid(complaint_id)
    wiring: Wiring = request.app.state.wiring
    access.readable(wiring.desk, key, api_user(user))
    attachment, data = wiring.evidence.content(key, attachment_id[:64])
    return file_response(attachment, data)
