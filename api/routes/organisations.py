"""Mediation organisations (Order 121 Art. 19) over HTTP: an admin adds them; staff who
entrust cases read the list; entrusting a case is a complaint command."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response

from api import access
from api.auth import CurrentUser, User
from api.deps import IfMatch, WiringDep
from api.errors import documented
from api.routes import API_PREFIX
from api.routes.complaints import COMMAND, current
from api.schemas import ComplaintOut, EntrustIn, OrganisationIn, OrganisationOut
from domain.errors import InvalidValue, NotPermitted
from domain.organisations import OrganisationKind
from domain.vocabulary import Role

router = APIRouter(prefix=API_PREFIX, tags=["organisations"],
                   responses=documented(400, 401, 403, 413, 422, 503))


@router.get("/organisations", response_model=list[OrganisationOut])
def list_organisations(user: CurrentUser, wiring: WiringDep) -> list[OrganisationOut]:
    if user.role not in (Role.ADMIN, Role.OPERATOR, Role.SUPERVISOR):
        raise NotPermitted("organisations", f"the {user.role.value} role does not manage them")
    return [OrganisationOut(code=o.code, name=o.name, kind=o.kind.value)
            for o in wiring.organisations.all()]


@router.post("/organisations", status_code=201, response_model=OrganisationOut)
def add_organisation(body: OrganisationIn, user: CurrentUser,
                     wiring: WiringDep) -> OrganisationOut:
    if user.role is not Role.ADMIN:
        raise NotPermitted("organisations", "only an admin adds organisations")
    try:
        kind = OrganisationKind(body.kind)
    except ValueError:
        raise InvalidValue("kind", "consumer_association or mediation_body") from None
    added = wiring.organisations.add(body.code, name=body.name, kind=kind)
    return OrganisationOut(code=added.code, name=added.name, kind=added.kind.value)


@router.post("/complaints/{complaint_id}/entrust", response_model=ComplaintOut,
             responses=COMMAND)
def entrust(complaint_id: UUID, body: EntrustIn,
            user: Annotated[User, access.allowed_to("entrust")], wiring: WiringDep,
            version: IfMatch, response: Response) -> ComplaintOut:
    wiring.desk.entrust(complaint_id, actor=user.actor, expected_version=version,
                        organisation=access.known_organisation(wiring.organisations,
                                                               body.organisation),
                        consumer_consent=body.consumer_consent,
                        business_consent=body.business_consent)
    return current(wiring.desk, complaint_id, user, response, version)
