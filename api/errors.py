"""The one place where refusals become HTTP answers: `application/problem+json` (RFC 9457).

| refusal                                   | status |
|-------------------------------------------|--------|
| malformed JSON, other unreadable requests | 400    |
| no or bad credentials                     | 401    |
| `NotPermitted` (role, or not the assigned mediator) | 403 |
| `ComplaintNotFound`, unknown business or ledger entry, unknown path | 404 |
| `CommandNotAllowed` (names state and allowed actions) | 409 |
| `ConcurrentUpdate` (lost a race)           | 409    |
| `ErasureRefused` (open, on legal hold, already erased) | 409 |
| `VersionMismatch` (If-Match)               | 412    |
| body over 1 MiB (uploads: the evidence limits) | 413 |
| `FileTooLarge` (per file, per case)        | 413    |
| `UnsupportedFileType` (sniffed from the bytes) | 415 |
| `InvalidValue`, schema validation (names the field) | 422 |
| `IdempotencyKeyReused` (same key, different complaint) | 422 |
| `UnknownAccount` 404, `AccountExists` and `LastAdmin` 409 | |
| `TooManyAttempts` (sign-in limits)         | 429    |
| database unreachable or busy               | 503    |

Nothing a client sends should reach the last resort (500). Problem details never
echo the submitted values, so personal data stays out of responses and logs.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from adapters.accounts import AccountExists, ActivationRefused, LastAdmin, UnknownAccount
from adapters.faults import is_unavailable
from application.businesses import NotModelCandidate
from application.credit import BusinessNotFound, CreditEntryNotFound
from application.delivery import DeadLetterNotFound
from application.disclosed_cases import NoObjectionPending, ObjectionPending
from application.warnings import FlagNotFound
from application.errors import (
    ComplaintNotFound,
    NotOnOdrRegister,
    ConcurrentUpdate,
    IdempotencyKeyReused,
    VersionMismatch,
)
from adapters.attachment_store import MissingBlob
from api.sign_in import SignInBusy, TooManyAttempts
from domain.errors import (
    CommandNotAllowed,
    DomainError,
    ErasureRefused,
    InvalidValue,
    InvalidValues,
    NotPermitted,
)
from domain.evidence import FileTooLarge, UnsupportedFileType

log = logging.getLogger("complaints.api")

MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details, with a few members of our own."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    state: str | None = None
    allowed: list[str] | None = None
    expected: int | None = None
    current: int | None = None


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


_TITLES = {
    400: "Malformed request", 401: "Not authenticated", 403: "Not permitted",
    404: "Not found", 405: "Method not allowed", 409: "Conflict",
    412: "Precondition failed", 413: "Request body too large", 415: "Unsupported media type",
    422: "Invalid field", 429: "Too many requests", 500: "Internal error",
    503: "Service unavailable",
}


def problem(status: int, detail: str, *, slug: str | None = None, title: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> ProblemResponse:
    body = {
        "type": f"/problems/{slug}" if slug else "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **{k: v for k, v in extra.items() if v is not None},
    }
    return ProblemResponse(body, status_code=status, headers=headers)


# ----- domain and application refusals ---------------------------------------

def _invalid_value(_: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, InvalidValue)
    every = error.problems if isinstance(error, InvalidValues) else [error]
    return problem(422, "; ".join(str(p) for p in every), slug="invalid-field",
                   field=error.field,
                   errors=[{"field": p.field, "message": p.message} for p in every])


def _not_allowed(_: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, CommandNotAllowed)
    due = getattr(error, "due", None)
    extra = {"due": due.isoformat()} if due is not None else {}
    return problem(409, str(error), slug="not-allowed-now", title="Not allowed now",
                   state=error.state, allowed=error.allowed, command=error.command, **extra)


def _erasure_refused(_: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, ErasureRefused)
    return problem(409, str(error), slug="erasure-refused", title="Not allowed now",
                   command=error.command)


def _not_permitted(_: Request, error: Exception) -> ProblemResponse:
    return problem(403, str(error), slug="not-permitted")


def _not_found(_: Request, error: Exception) -> ProblemResponse:
    return problem(404, str(error), slug="not-found")


def _lost_race(_: Request, error: Exception) -> ProblemResponse:
    return problem(409, str(error), slug="concurrent-update", title="Changed by someone else")


def _version_mismatch(_: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, VersionMismatch)
    return problem(412, str(error), slug="version-mismatch", expected=error.expected,
                   current=error.current, headers={"ETag": f'"{error.current}"'})


def _key_reused(_: Request, error: Exception) -> ProblemResponse:
    return problem(422, str(error), slug="idempotency-key-reused", field="Idempotency-Key")


def _file_too_large(_: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, FileTooLarge)
    return problem(413, str(error), slug="file-too-large", title="File too large",
                   field=error.field, limit=error.limit)


def _unsupported_file(_: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, UnsupportedFileType)
    return problem(415, str(error), slug="unsupported-file-type", title="File type not taken",
                   field=error.field)


def _too_many_attempts(_: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, TooManyAttempts)
    return problem(429, str(error), slug="too-many-attempts", title="Too many attempts",
                   headers={"Retry-After": str(error.retry_after)}, scope=error.scope)


def _sign_in_busy(_: Request, error: Exception) -> ProblemResponse:
    return problem(503, "too many sign-ins are being checked right now; retry shortly",
                   slug="busy", headers={"Retry-After": "1"})


def _unknown_account(_: Request, error: Exception) -> ProblemResponse:
    return problem(404, str(error), slug="not-found")


def _account_exists(_: Request, error: Exception) -> ProblemResponse:
    return problem(409, str(error), slug="account-exists", title="Account exists",
                   field="username")


def _not_on_register(_: Request, error: Exception) -> ProblemResponse:
    return problem(409, str(error), slug="not-on-odr-register", title="Not on the ODR register")


def _not_model_candidate(_: Request, error: Exception) -> ProblemResponse:
    return problem(409, str(error), slug="not-model-candidate", title="Not a model candidate")


def _objection_state(_: Request, error: Exception) -> ProblemResponse:
    return problem(409, str(error), slug="objection-state", title="Not allowed now")


def _activation_refused(_: Request, error: Exception) -> ProblemResponse:
    return problem(409, str(error), slug="activation-refused", title="Activation refused",
                   field="token")


def _last_admin(_: Request, error: Exception) -> ProblemResponse:
    return problem(409, str(error), slug="last-admin", title="Last admin")


def _other_refusal(_: Request, error: Exception) -> ProblemResponse:
    return problem(400, str(error), slug="refused")


# ----- HTTP-level refusals -----------------------------------------------------

def field_of(loc: Sequence[Any]) -> str:
    """('body', 'consumer', 'phone') → 'consumer.phone'; ('query', 'page') → 'page'."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts)


def _validation_failed(_: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, RequestValidationError)
    errors = list(error.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(400, "the body is not valid JSON", slug="malformed-json",
                       title="Malformed request")
    # Only where and what: the submitted values are never echoed back.
    listed = [{"field": field_of(e.get("loc", ())), "message": str(e.get("msg", ""))}
              for e in errors]
    first = listed[0] if listed else {"field": "body", "message": "invalid"}
    return problem(422, f"{first['field']}: {first['message']}", slug="invalid-field",
                   field=first["field"], errors=listed)


def _http_error(_: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, HTTPException)
    detail = error.detail if isinstance(error.detail, str) else _TITLES.get(error.status_code, "")
    return problem(error.status_code, detail, headers=dict(error.headers or {}))


def unexpected(error: BaseException) -> ProblemResponse:
    """The last resort, called by the request middleware: never a traceback to the client,
    and only the exception's type and frames to the log, since messages can carry values."""
    if _is_database_unavailable(error):
        log.warning("database unavailable: %s", type(error).__name__)
        return unavailable()
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s\n%s", type(error).__qualname__, frames)
    return problem(500, "an internal error occurred; it has been logged", slug="internal")


def unavailable() -> ProblemResponse:
    """503: nothing was recorded; the same request may be sent again after a second."""
    return problem(503, "the database is busy or unreachable; nothing was recorded, "
                        "retry shortly", slug="unavailable", headers={"Retry-After": "1"})


def _is_database_unavailable(error: BaseException) -> bool:
    return is_unavailable(error)


def install(app: FastAPI) -> None:
    handlers = {
        InvalidValue: _invalid_value,
        CommandNotAllowed: _not_allowed,
        ErasureRefused: _erasure_refused,
        NotPermitted: _not_permitted,
        ComplaintNotFound: _not_found,
        DeadLetterNotFound: _not_found,
        FlagNotFound: _not_found,
        BusinessNotFound: _not_found,
        CreditEntryNotFound: _not_found,
        ConcurrentUpdate: _lost_race,
        NotOnOdrRegister: _not_on_register,
        NotModelCandidate: _not_model_candidate,
        ObjectionPending: _objection_state,
        NoObjectionPending: _objection_state,
        VersionMismatch: _version_mismatch,
        IdempotencyKeyReused: _key_reused,
        FileTooLarge: _file_too_large,
        UnsupportedFileType: _unsupported_file,
        MissingBlob: _not_found,
        DomainError: _other_refusal,
        TooManyAttempts: _too_many_attempts,
        SignInBusy: _sign_in_busy,
        UnknownAccount: _unknown_account,
        AccountExists: _account_exists,
        LastAdmin: _last_admin,
        ActivationRefused: _activation_refused,
        RequestValidationError: _validation_failed,
        HTTPException: _http_error,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)


# ----- documentation -----------------------------------------------------------

def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route or router: these statuses answer with a Problem."""
    return {status: {"model": Problem, "description": _TITLES.get(status, "Error")}
            for status in statuses}


def problem_media_type_in(openapi: dict[str, Any]) -> dict[str, Any]:
    """FastAPI documents every model as application/json; errors are problem+json."""
    ref = {"$ref": "#/components/schemas/Problem"}
    for path in openapi.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                if str(status).isdigit() and int(status) >= 400:
                    response["content"] = {MEDIA_TYPE: {"schema": ref}}
    schemas = openapi.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return openapi
