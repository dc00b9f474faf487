"""Forms in, domain values out: the posted fields, the intake form's body for
`Intake.parse` (the same validation as the API), and refusals told in the page's
language next to the field they belong to.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

from api.pages.i18n import Translator
from domain.errors import InvalidValue


async def _form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(_form_fields)]


async def _form_files(request: Request) -> list[tuple[str | None, bytes]]:
    """The evidence files of a multipart form, read whole (the request's size was capped
    before it got here); an empty file input sends one nameless, empty part."""
    form = await request.form()
    found = []
    for name, value in form.multi_items():
        if name == "evidence" and isinstance(value, UploadFile) and (value.filename or value.size):
            found.append((value.filename, await value.read()))
    return found


FormFiles = Annotated[list[tuple[str | None, bytes]], Depends(_form_files)]


# ----- the intake form ---------------------------------------------------------------

# In the order of the form (and so of the tab key): the consumer on the line first.
INTAKE_FIELDS = (
    "consumer.name", "consumer.phone", "consumer.address", "consumer.id_number",
    "business.name", "business.uscc", "business.platform", "business.address",
    "category", "industry", "incident_date", "amount", "description", "request",
    "channel", "received_at", "office", "external_ref",
)

# A value that passes, for each field, so that parsing again finds the next bad field:
# the operator sees every mistake at once, not one per submission. None drops the field.
_PASSING: dict[str, str | None] = {
    "consumer.name": "-", "consumer.phone": "13800000000", "consumer.address": None,
    "consumer.id_number": None, "business.name": "-", "business.uscc": None,
    "business.platform": None, "business.address": None, "category": "goods",
    "industry": "other", "incident_date": None, "amount": None, "description": "-",
    "request": "-", "channel": "phone", "received_at": None, "office": "X",
    "external_ref": None,
}


def intake_body(form: dict[str, str], tz: tzinfo) -> dict[str, Any]:
    """The posted intake form as the body `Intake.parse` reads; empty fields are left out."""
    body: dict[str, Any] = {"consumer": {}, "business": {}}
    for name in INTAKE_FIELDS:
        raw = form.get(name, "")
        if not raw.strip():
            continue
        value: Any = raw
        if name == "received_at":
            value = _local_moment(raw, tz)
        _put(body, name, value)
    return body


def _local_moment(raw: str, tz: tzinfo) -> Any:
    """A `datetime-local` input has no offset: it is the desk's local time."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        return raw  # Intake.parse names the field
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _put(body: dict[str, Any], name: str, value: Any) -> None:
    if "." in name:
        group, key = name.split(".", 1)
        if value is None:
            body[group].pop(key, None)
        else:
            body[group][key] = value
    elif value is None:
        body.pop(name, None)
    else:
        body[name] = value


T = TypeVar("T")


def parse_all(body: dict[str, Any], parse: Callable[[dict[str, Any]], T]) -> tuple[
        T | None, dict[str, InvalidValue]]:
    """Parse; on a refusal note it, put a passing value in that field and parse again,
    so every bad field is found. Returns the value, or None and the refusals by field."""
    errors: dict[str, InvalidValue] = {}
    trial = copy.deepcopy(body)
    for _ in range(len(_PASSING) + 1):
        try:
            value = parse(trial)
        except InvalidValue as error:
            known = error.field in _PASSING and error.field not in errors
            errors.setdefault(error.field, error)
            if not known:
                return None, errors
            _put(trial, error.field, _PASSING[error.field])
            continue
        return (None, errors) if errors else (value, errors)
    return None, errors


# ----- telling a refusal -----------------------------------------------------------------

# The domain words its refusals in English; each known wording has a label of its own.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key) for pattern, key in (
        (r"^is required$", "err.required"),
        (r"^must be text$", "err.text"),
        (r"^at most (?P<n>\d+) characters$", "err.too_long"),
        (r"^must be one of", "err.choose"),
        (r"^must not be in the future$", "err.future"),
        (r"date-time", "err.moment"),
        (r"^must be (an ISO 8601 date|a date$)", "err.date"),
        (r"^must be a decimal string", "err.amount"),
        (r"^must be a finite amount", "err.amount_negative"),
        (r"two decimal places", "err.amount_fen"),
        (r"implausibly large", "err.amount_large"),
        (r"control characters", "err.control"),
        (r"^must be 18 characters$", "err.uscc_length"),
        (r"not used in credit codes", "err.uscc_chars"),
        (r"^check character does not match", "err.uscc_check"),
        (r"organisation code check character", "err.uscc_org_check"),
        (r"mainland mobile number", "err.phone"),
        (r"resident ID check digit", "err.id_check"),
        (r"resident ID has 18 characters", "err.id_length"),
        (r"identity document number", "err.id_unknown"),
        (r"handling office code", "err.office"),
        (r"letters, digits and - only", "err.external_ref"),
        (r"already with this office", "err.same_office"),
        (r"already assigned to this mediator", "err.same_mediator"),
        (r"^not a ground for", "err.reason_not_in_regulation"),
        (r"whole number from 1 to 5", "err.score"),
        (r"no mediator account", "err.no_mediator"),
        (r"cancellation cannot be voided", "err.void_cancellation"),
    )
)


@dataclass(frozen=True)
class FieldError:
    field: str
    text: str  # in the page's language
    detail: str  # the domain's own words, for the curious and for support


def field_error(error: InvalidValue, t: Translator) -> FieldError:
    for pattern, key in _MESSAGES:
        found = pattern.search(error.message)
        if found:
            return FieldError(error.field, t(key, **found.groupdict()), error.message)
    return FieldError(error.field, t("err.invalid"), error.message)


def field_errors(errors: dict[str, InvalidValue], t: Translator) -> dict[str, FieldError]:
    return {name: field_error(error, t) for name, error in errors.items()}
