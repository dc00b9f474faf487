"""Statutory documents of a complaint (SPEC §12): issue one of a kind, list them, and
download one as PDF, rendered again from the events and checked against its hash."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from api import access, errors
from api.auth import CurrentUser
from api.deps import WiringDep
from api.routes import API_PREFIX
from application.documents import IssuedDocument
from domain.documents import DocumentKind

router = APIRouter(prefix=f"{API_PREFIX}/complaints", tags=["documents"],
                   responses=errors.documented(401, 403, 404, 503))


class DocumentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: DocumentKind


class DocumentOut(BaseModel):
    id: str
    kind: str
    number: str
    sha256: str
    issued_at: datetime
    template: str

    @classmethod
    def of(cls, document: IssuedDocument) -> DocumentOut:
        return cls(**document.__dict__)


@router.post("/{complaint_id}/documents", status_code=201, response_model=DocumentOut,
             responses={200: {"description": "issued before: the first one"},
                        **errors.documented(400, 409, 413, 422)})
def issue_document(complaint_id: UUID, body: DocumentRequest, user: CurrentUser,
                   wiring: WiringDep, response: Response) -> DocumentOut:
    document, new = wiring.documents.issue(complaint_id, actor=user.actor, kind=body.kind.value)
    if not new:
        response.status_code = 200  # issued before: the first one, unchanged
    response.headers["Location"] = (
        f"{API_PREFIX}/complaints/{complaint_id}/documents/{document.id}")
    return DocumentOut.of(document)


@router.get("/{complaint_id}/documents", response_model=list[DocumentOut])
def list_documents(complaint_id: UUID, user: CurrentUser,
                   wiring: WiringDep) -> list[DocumentOut]:
    access.files_readable(wiring.desk, complaint_id, user)
    return [DocumentOut.of(d) for d in wiring.documents.listed(complaint_id)]


@router.get("/{complaint_id}/documents/{document_id}", response_class=Response,
            responses={200: {"content": {"application/pdf": {
                "schema": {"type": "string", "format": "binary"}}}}, **errors.documented(409)})
def download_document(complaint_id: UUID, document_id: UUID, user: CurrentUser,
                      wiring: WiringDep) -> Response:
    access.files_readable(wiring.desk, complaint_id, user)
    document, pdf = wiring.documents.pdf(complaint_id, str(document_id))
    return pdf_response(document, pdf)


def pdf_response(document: IssuedDocument, pdf: bytes, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"{disposition}; filename=\"{document.kind}.pdf\"; "
                               f"filename*=UTF-8''{quote(document.number)}.pdf",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "ETag": f'"{document.sha256}"',
    })
