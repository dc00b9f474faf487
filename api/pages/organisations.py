"""Adding a mediation organisation (Order 121 Art. 19) from the admin's accounts page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages.accounts import _accounts_page
from api.pages.forms import FormFields
from api.pages.rendering import page, see_other, translator
from api.pages.sessions import check_csrf, require
from domain.errors import InvalidValue
from domain.organisations import OrganisationKind
from domain.vocabulary import Role

router = APIRouter()


@router.post("/organisations")
@page
def add_organisation(request: Request, form: FormFields) -> Response:
    require(request, Role.ADMIN)
    check_csrf(request, form)
    try:
        kind = OrganisationKind(form.get("kind", ""))
        request.app.state.wiring.organisations.add(form.get("code", "").strip(),
                                                   name=form.get("name", ""), kind=kind)
    except ValueError:
        return _accounts_page(request, 422, translator(request)("accounts.organisation_kind"))
    except InvalidValue as error:
        return _accounts_page(request, 422, f"{error.field}: {error.message}")
    return see_other("/accounts#organisations")
