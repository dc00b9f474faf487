"""Evidence files of a complaint: `POST /api/v1/complaints/{id}/attachments` (multipart,
field `file`), the list, and the download. The type is sniffed from the bytes; a file
is never served for the browser to show inline, and never as HTML."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from api import access, errors
from api.auth import CurrentUser
from api.deps import IfMatch, WiringDep
from api.routes import API_PREFIX
from application.evidence import Attachment
from domain.evidence import MAX_FILE_BYTES

router = APIRouter(prefix=f"{API_PREFIX}/complaints", tags=["evidence"],
                   responses=errors.documented(403, 404))


class AttachmentOut(BaseModel):
    id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    added_at: datetime
    added_by: dict[str, str]

    @classmethod
    def of(cls, attachment: Attachment) -> AttachmentOut:
        return cls(**attachment.__dict__)


@router.post("/{complaint_id}/attachments", status_code=201, response_model=AttachmentOut,
             responses=errors.documented(409, 412, 413, 415, 422))
def add_attachment(complaint_id: UUID, file: Annotated[UploadFile, File(
        description="an image, PDF or office file")], user: CurrentUser, wiring: WiringDep,
        response: Response, version: IfMatch = None) -> AttachmentOut:
    # One byte past the limit is enough to know it is over.
    data = file.file.read(MAX_FILE_BYTES + 1)
    added = wiring.evidence.add(complaint_id, actor=user.actor, filename=file.filename,
                                data=data, expected_version=version)
    response.headers["Location"] = f"{API_PREFIX}/complaints/{complaint_id}/attachments/{added.id}"
    return AttachmentOut.of(added)


@router.get("/{complaint_id}/attachments", response_model=list[AttachmentOut])
def list_attachments(complaint_id: UUID, user: CurrentUser,
                     wiring: WiringDep) -> list[AttachmentOut]:
    access.files_readable(wiring.desk, complaint_id, user)
    return [AttachmentOut.of(a) for a in wiring.evidence.listed(complaint_id)]


@router.get("/{complaint_id}/attachments/{attachment_id}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}}})
def download_attachment(complaint_id: UUID, attachment_id: str, user: CurrentUser,
                        wiring: WiringDep) -> Response:
    access.files_readable(wiring.desk, complaint_id, user)
    attachment, data = wiring.evidence.content(complaint_id, attachment_id[:64])
    return file_response(attachment, data)


def file_response(attachment: Attachment, data: bytes) -> Response:
    """Saved, never shown: a download with the sniffed type, no sniffing by the browser,
    and a sandbox in case anything tries to render it anyway."""
    extension = attachment.filename.rsplit(".", 1)[-1]
    disposition = (f'attachment; filename="evidence.{extension}"; '
                   f"filename*=UTF-8''{quote(attachment.filename)}")
    return Response(data, media_type=attachment.media_type, headers={
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "no-store",
        "ETag": f'"{attachment.sha256}"',
    })
