"""`GET /api/v1/exports/complaints`: the case list as filtered, as a CSV or XLSX file.
Personal data masked unless `personal_data=full` by a role that may read it; every
export is recorded in the audit trail."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from adapters.list_files import MEDIA_TYPES, list_file
from api import access, errors
from api.auth import CurrentUser
from api.deps import WiringDep
from api.routes import API_PREFIX
from api.schemas import ListQuery
from application.list_export import COLUMNS, export_list
from domain.list_exports import ExportFormat

router = APIRouter(prefix=f"{API_PREFIX}/exports", tags=["complaints"],
                   responses=errors.documented(403, 422))


@router.get("/complaints", response_class=Response, responses={200: {"content": {
    media: {"schema": {"type": "string", "format": "binary"}} for media in MEDIA_TYPES.values()}}})
def export_complaints(criteria: Annotated[ListQuery, Query()], user: CurrentUser,
                      wiring: WiringDep, format: Literal["csv", "xlsx"] = "csv",
                      personal_data: Literal["masked", "full"] = "masked") -> Response:
    chosen = access.scoped(user, criteria.to_filter(wiring.settings.tz))
    exported = export_list(wiring.desk, wiring.complaint_list, chosen, actor=user.actor,
                           format=ExportFormat(format), personal_data=personal_data == "full")
    body = list_file(format, COLUMNS, ([row[c] for c in COLUMNS] for row in exported.rows))
    return download(body, format, f"complaints.{format}")


def download(body: bytes, format: str, filename: str) -> Response:
    return Response(body, media_type=MEDIA_TYPES[format], headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})
