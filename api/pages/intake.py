"""The operator's intake form, built for a call still in progress: the consumer's name
has the focus, the tab key follows the conversation, the office comes from the
operator's account, every bad field is marked at once and what was typed stays."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.bootstrap import Wiring
from api.pages.forms import FormFields, FormFiles, field_errors, intake_body, parse_all
from api.pages.intake_parties import parties_body
from api.pages.rendering import page, render, see_other, translator
from api.pages.reports import report_part
from api.pages.sessions import check_csrf, require
from application.errors import ComplaintNotFound, IdempotencyKeyReused
from domain.complaint import complaint_id_for
from domain.evidence import MAX_CASE_BYTES, MAX_FILE_BYTES, EvidenceFile, FileTooLarge, UnsupportedFileType
from domain.errors import InvalidValue
from domain.intake import Intake
from domain.vocabulary import Category, Channel, Industry, Role

router = APIRouter()


def known_offices(wiring: Wiring) -> list[str]:
    """The offices of the directory (or, without one, those the staff belong to)."""
    if wiring.desk.offices is not None:
        return [office.code for office in wiring.desk.offices]
    return sorted({a.office for a in wiring.accounts.all() if a.office})


def _form(request: Request, *, values: dict[str, str], status: int = 200,
          errors: dict | None = None, filed: str | None = None,
          banner: tuple[str, str] | None = None) -> Response:
    wiring: Wiring = request.app.state.wiring
    filed = _uuid(filed)
    return render(request, "intake.html", status=status, values=values, errors=errors or {},
                  limits={"file_mib": MAX_FILE_BYTES // (1024 * 1024),
                          "case_mib": MAX_CASE_BYTES // (1024 * 1024)},
                  filed=filed, filed_number=_number_of(wiring, filed), banner=banner, channels=[c.value for c in Channel],
                  categories=[c.value for c in Category], industries=[i.value for i in Industry],
                  offices=known_offices(wiring))


def _filed_already(wiring: Wiring, complaint_id: uuid.UUID) -> bool:
    try:
        wiring.desk.get_complaint(complaint_id)
    except ComplaintNotFound:
        return False
    return True


def _evidence_refused(request: Request, files: list[tuple[str | None, bytes]]) -> tuple[
        int, str] | None:
    """Files are checked before the complaint is filed, so a refused file files nothing."""
    t = translator(request)
    try:
        checked = [EvidenceFile.of(name, data, "evidence") for name, data in files]
    except FileTooLarge as error:
        return 413, t("evidence.too_large", mib=error.limit // (1024 * 1024))
    except UnsupportedFileType:
        return 415, t("evidence.unsupported")
    if sum(f.size for f in checked) > MAX_CASE_BYTES:
        return 413, t("evidence.too_large_case", mib=MAX_CASE_BYTES // (1024 * 1024))
    return None


def _number_of(wiring: Wiring, filed: str | None) -> str | None:
    if filed is None:
        return None
    try:
        return wiring.desk.get_complaint(uuid.UUID(filed)).number
    except ComplaintNotFound:
        return None


def _uuid(raw: str | None) -> str | None:
    try:
        return str(uuid.UUID(raw)) if raw else None
    except ValueError:
        return None


@router.get("/intake")
@page
def intake_form(request: Request, filed: str | None = None, again: str | None = None) -> Response:
    user = require(request, Role.OPERATOR)
    values = {"channel": Channel.PHONE.value, "office": user.office or "",
              "idempotency_key": uuid.uuid4().hex}
    banner = ("error", translator(request)("intake.resubmitted")) if again and filed else None
    return _form(request, values=values, filed=filed, banner=banner)


@router.post("/intake")
@page
def file_complaint(request: Request, form: FormFields, files: FormFiles) -> Response:
    user = require(request, Role.OPERATOR)
    check_csrf(request, form)
    wiring: Wiring = request.app.state.wiring
    desk = wiring.desk
    body = {**intake_body(form, wiring.settings.tz), **parties_body(form)}
    intake, refusals = parse_all(
        body, lambda b: Intake.parse(b, now=desk.clock(), default_office=user.office))
    values = {k: v for k, v in form.items() if k != "csrf"}
    if intake is None:
        return _form(request, values=values, status=422,
                     errors=field_errors(refusals, translator(request)))
    refused = _evidence_refused(request, files)
    if refused is not None:
        return _form(request, values=values, status=refused[0], banner=("error", refused[1]))
    try:  # a caller who also reports a violation: the submission is split (Art. 9)
        report = report_part(form, intake, desk.clock())
    except InvalidValue as bad:
        return _form(request, values=values, status=422,
                     errors=field_errors({bad.field: bad}, translator(request)))
    # The form's one-time token makes a double click, a refresh or a form sent again
    # after the back button return the first filing, even when a field was changed
    # meanwhile: a filed complaint is not edited by sending its form again.
    key = (form.get("idempotency_key") or "").strip()[:200] or None
    resent = key is not None and _filed_already(wiring, complaint_id_for(key, user.actor.username))
    try:
        if report is None:
            complaint_id = desk.file(intake, actor=user.actor, idempotency_key=key)
        else:
            complaint_id, _ = wiring.reports.split(intake, report, actor=user.actor,
                                                   idempotency_key=key)
    except IdempotencyKeyReused:
        first = complaint_id_for(key, user.actor.username)
        return see_other(f"/intake?filed={first}&again=1")
    if files and not resent:
        wiring.evidence.add_many(complaint_id, actor=user.actor, files=files)
    # The queue is a projection: let it catch up so the case is there on the next page.
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    return see_other(f"/intake?filed={complaint_id}")
