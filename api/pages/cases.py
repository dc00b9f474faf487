"""Finding a case: the complaint list, filtered, sorted, a page at a time, personal data
masked; and the same list as a CSV or XLSX file."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from adapters.list_files import list_file
from api.access import scoped
from api.auth import User
from api.bootstrap import Wiring
from api.pages.intake import known_offices
from api.pages.rendering import Formats, error_page, page, render, translator
from api.pages.rows import CaseRow, positive_int
from api.pages.sessions import PageUser, require
from api.routes.exports import download
from application.list_export import COLUMNS, export_list
from application.listing import SORTS, ListFilter
from domain.list_exports import MAY_EXPORT_PERSONAL, ExportFormat
from domain.vocabulary import Channel, Industry, Role, State

router = APIRouter()

# The filters a list page carries in its address, in the order of the form.
FILTERS = ("state", "office", "mediator", "industry", "channel", "from", "to", "overdue", "q",
           "sort")
LABELLED = ("state", "channel", "industry", "category")


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _criteria(request: Request, wiring: Wiring, page_no: int = 1) -> tuple[ListFilter, dict]:
    """The list's filters from the address; what does not parse is left out, and shown so."""
    raw = {name: (request.query_params.get(name) or "").strip() for name in FILTERS}
    tz = wiring.settings.tz
    since, until = _day(raw["from"]), _day(raw["to"])
    sort = raw["sort"] if raw["sort"].lstrip("-") in SORTS else "-received_at"
    criteria = ListFilter(
        state=raw["state"] if raw["state"] in {s.value for s in State} else None,
        office=raw["office"][:32] or None,
        mediator=raw["mediator"][:64] or None,
        industry=raw["industry"] if raw["industry"] in {i.value for i in Industry} else None,
        channel=raw["channel"] if raw["channel"] in {c.value for c in Channel} else None,
        received_since=datetime.combine(since, time.min, tzinfo=tz) if since else None,
        received_before=(datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
                         if until else None),
        overdue={"yes": True, "no": False}.get(raw["overdue"]),
        q=raw["q"][:200] or None,
        sort=sort, page=page_no, per_page=50,
    )
    shown = {**raw, "from": since.isoformat() if since else "",
             "to": until.isoformat() if until else "", "sort": sort}
    return criteria, shown


def _user(user: PageUser) -> User:
    return User(user.username, user.role, user.office, organisation=user.organisation)


@router.get("/cases")
@page
def cases(request: Request,
          page_no: Annotated[str | None, Query(alias="page")] = None) -> Response:
    user = require(request, Role.OPERATOR, Role.SUPERVISOR, Role.MEDIATOR)
    wiring: Wiring = request.app.state.wiring
    criteria, shown = _criteria(request, wiring, positive_int(page_no))
    found = wiring.complaint_list.search(scoped(_user(user), criteria))
    query = urlencode({k: v for k, v in shown.items() if v})
    mediators = sorted(a.username for a in wiring.accounts.all() if a.role is Role.MEDIATOR)
    return render(request, "cases.html", rows=[CaseRow(s.id, s) for s in found.items],
                  total=found.total, page_number=found.page,
                  pages=max(1, -(-found.total // found.per_page)),
                  states=[s.value for s in State], industries=[i.value for i in Industry],
                  channels=[c.value for c in Channel], sorts=SORTS, mediators=mediators,
                  criteria=criteria, shown=shown, query=query, offices=known_offices(wiring),
                  may_export_personal=user.role in MAY_EXPORT_PERSONAL)


@router.get("/export/cases.{format}")
@page
def export_cases(request: Request, format: str) -> Response:
    """The list as filtered on the page, as a file, labels in the page's language."""
    user = require(request, Role.OPERATOR, Role.SUPERVISOR, Role.MEDIATOR)
    wiring: Wiring = request.app.state.wiring
    if format not in {f.value for f in ExportFormat}:
        return error_page(request, 404, "error.not_found")
    criteria, _ = _criteria(request, wiring)
    personal = request.query_params.get("personal_data") == "full"
    exported = export_list(wiring.desk, wiring.complaint_list, scoped(_user(user), criteria),
                           actor=user.actor, format=ExportFormat(format), personal_data=personal)
    t = translator(request)
    fmt = Formats(wiring.settings.tz)

    def shown(column: str, value: object) -> object:
        if column in LABELLED:
            return t.label(column, value)
        return fmt.moment(value) if isinstance(value, datetime) else value

    header = [t(f"export.{c}") for c in COLUMNS]
    rows = ([shown(c, row[c]) for c in COLUMNS] for row in exported.rows)
    stamp = wiring.desk.clock().astimezone(wiring.settings.tz).strftime("%Y%m%d-%H%M")
    return download(list_file(format, header, rows, title=t("cases.title")), format,
                    f"complaints-{stamp}.{format}")
