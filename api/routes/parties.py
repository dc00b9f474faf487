"""Identity checks and the parties of a complaint over HTTP (Order 121 Art. 10-12):
asking for proof of identity, recording it, a represented consumer's consent in a joint
case, and a changed request."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Response

from api import access
from api.auth import User
from api.deps import Desk, IfMatch
from api.errors import documented
from api.routes import API_PREFIX
from api.routes.complaints import COMMAND, current
from api.schemas import (
    ChangeRequestIn, ComplaintOut, ConsentIn, IdentityRequestIn, IdentityVerifiedIn,
)

router = APIRouter(prefix=f"{API_PREFIX}/complaints", tags=["complaints"],
                   responses=documented(400, 401, 403, 413, 422, 503))


@router.post("/{complaint_id}/request-identity", response_model=ComplaintOut, responses=COMMAND)
def request_identity(complaint_id: UUID, body: IdentityRequestIn,
                     user: Annotated[User, access.allowed_to("request-identity")], desk: Desk,
                     version: IfMatch, response: Response) -> ComplaintOut:
    desk.request_identity(complaint_id, actor=user.actor, due=body.due, note=body.note,
                          expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/identity-verified", response_model=ComplaintOut, responses=COMMAND)
def identity_verified(complaint_id: UUID,
                      user: Annotated[User, access.allowed_to("identity-verified")], desk: Desk,
                      version: IfMatch, response: Response,
                      body: Annotated[IdentityVerifiedIn | None, Body()] = None) -> ComplaintOut:
    desk.verify_identity(complaint_id, actor=user.actor, note=(body or IdentityVerifiedIn()).note,
                         expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/consent", response_model=ComplaintOut, responses=COMMAND)
def consent(complaint_id: UUID, body: ConsentIn,
            user: Annotated[User, access.allowed_to("consent")], desk: Desk, version: IfMatch,
            response: Response) -> ComplaintOut:
    desk.record_consent(complaint_id, actor=user.actor, consumer=body.consumer,
                        matter=body.matter, note=body.note, expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/change-request", response_model=ComplaintOut, responses=COMMAND)
def change_request(complaint_id: UUID, body: ChangeRequestIn,
                   user: Annotated[User, access.allowed_to("change-request")], desk: Desk,
                   version: IfMatch, response: Response) -> ComplaintOut:
    desk.change_request(complaint_id, actor=user.actor, request=body.request,
                        expected_version=version)
    return current(desk, complaint_id, user, response, version)
