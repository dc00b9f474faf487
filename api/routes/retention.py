"""Legal holds and erasure of a complaint's personal data (PIPL Art. 19 and 47).

Erasure destroys the complaint's own data key: the events, states, deadlines, credit
entries and statistics stay; names, phones, addresses, ID numbers and free text read
已删除 from then on. Refused while the complaint is open or on legal hold (409).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response

from api import access
from api.auth import User
from api.deps import Desk, IfMatch
from api.errors import documented
from api.routes import API_PREFIX
from api.routes.complaints import COMMAND, current
from api.schemas import ComplaintOut, EraseIn, LegalHoldIn

router = APIRouter(prefix=f"{API_PREFIX}/complaints", tags=["retention"],
                   responses=documented(400, 401, 403, 413, 422, 503))


@router.post("/{complaint_id}/legal-hold", response_model=ComplaintOut, responses=COMMAND)
def place_legal_hold(complaint_id: UUID, body: LegalHoldIn,
                     user: Annotated[User, access.allowed_to("hold")], desk: Desk,
                     version: IfMatch, response: Response) -> ComplaintOut:
    desk.place_legal_hold(complaint_id, actor=user.actor, reference=body.reference,
                          expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/legal-hold/release", response_model=ComplaintOut,
             responses=COMMAND)
def release_legal_hold(complaint_id: UUID, body: LegalHoldIn,
                       user: Annotated[User, access.allowed_to("hold")], desk: Desk,
                       version: IfMatch, response: Response) -> ComplaintOut:
    desk.release_legal_hold(complaint_id, actor=user.actor, reference=body.reference,
                            expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/erase", response_model=ComplaintOut, responses=COMMAND)
def erase_personal_data(complaint_id: UUID, body: EraseIn,
                        user: Annotated[User, access.allowed_to("erase")], desk: Desk,
                        version: IfMatch, response: Response) -> ComplaintOut:
    desk.erase_personal_data(complaint_id, actor=user.actor, basis=body.basis.value,
                             reference=body.reference, expected_version=version)
    return current(desk, complaint_id, user, response, version)
