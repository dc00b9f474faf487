"""What routes ask for: the wired application, and the few headers and parameters with a grammar."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from api.bootstrap import Wiring
from api.bounds import moment_in_range
from application.desk import ComplaintDesk
from domain.errors import InvalidValue


async def _wiring(request: Request) -> Wiring:
    return request.app.state.wiring  # type: ignore[no-any-return]


async def _desk(request: Request) -> ComplaintDesk:
    return request.app.state.wiring.desk  # type: ignore[no-any-return]


WiringDep = Annotated[Wiring, Depends(_wiring)]
Desk = Annotated[ComplaintDesk, Depends(_desk)]

_ETAG = re.compile(r'\s*"?(\d{1,9})"?\s*')


async def _expected_version(
    if_match: Annotated[str | None, Header(
        alias="If-Match", max_length=64,
        description='Run the command only if the complaint is at this version (its ETag, "3")',
    )] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.fullmatch(if_match)
    if not found:
        raise InvalidValue("If-Match", 'must be one entity tag, the version in quotes: "3"')
    return int(found.group(1))


IfMatch = Annotated[int | None, Depends(_expected_version)]

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$",
    description="A retry with the same key from the same user returns the first filing",
)]


async def _as_of(
    request: Request,
    as_of: Annotated[str | None, Query(
        max_length=64,
        description="A version number, or an ISO 8601 time (local time zone when no offset)",
    )] = None,
) -> int | datetime | None:
    if as_of is None or as_of == "":
        return None
    if as_of.isdigit():
        version = int(as_of)
        if not 1 <= version <= 10**9:
            raise InvalidValue("as_of", "a version counts from 1")
        return version
    try:
        moment = datetime.fromisoformat(as_of)
    except ValueError:
        raise InvalidValue("as_of", "a version number or an ISO 8601 date-time") from None
    try:
        moment_in_range(moment)
    except ValueError as error:
        raise InvalidValue("as_of", str(error)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=request.app.state.wiring.desk.tz)
    return moment


AsOf = Annotated[int | datetime | None, Depends(_as_of)]
