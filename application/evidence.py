"""Evidence files of a complaint: added through the complaint (an `AttachmentAdded`
event holding the file's SHA-256), their bytes kept in a content-addressed store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from application.desk import ComplaintDesk
from application.errors import ComplaintNotFound
from domain.evidence import MAX_CASE_BYTES, EvidenceFile, FileTooLarge
from domain.permissions import Actor


class Blobs(Protocol):
    def put(self, sha256: str, data: bytes) -> None: ...

    def get(self, sha256: str) -> bytes: ...


class AttachmentNotFound(ComplaintNotFound):
    def __init__(self, complaint_id: UUID, attachment_id: str) -> None:
        super().__init__(complaint_id)
        self.args = (f"complaint {complaint_id} has no attachment {attachment_id}",)


@dataclass(frozen=True)
class Attachment:
    id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    added_at: datetime
    added_by: dict[str, str]

    @classmethod
    def of(cls, data: dict[str, Any]) -> Attachment:
        return cls(id=data["id"], filename=data["filename"], media_type=data["media_type"],
                   size=data["size"], sha256=data["sha256"], added_at=data["at"],
                   added_by=dict(data["by"]))


class Evidence:
    def __init__(self, desk: ComplaintDesk, blobs: Blobs) -> None:
        self.desk = desk
        self.blobs = blobs

    def add(self, complaint_id: UUID, *, actor: Actor, filename: str | None, data: bytes,
            field: str = "file", expected_version: int | None = None) -> Attachment:
        file = EvidenceFile.of(filename, data, field)
        added = self.desk.add_attachment(
            complaint_id, actor=actor, file=file, expected_version=expected_version,
            keep=lambda f: self.blobs.put(f.sha256, f.data))
        return self.find(complaint_id, added)

    def add_many(self, complaint_id: UUID, *, actor: Actor,
                 files: list[tuple[str | None, bytes]], field: str = "evidence") -> list[Attachment]:
        """Several files from one form: all are checked before any is taken, so a refusal
        (type, size, the case's total) records none of them."""
        checked = [EvidenceFile.of(name, data, field) for name, data in files]
        held = sum(a.size for a in self.listed(complaint_id))
        if held + sum(f.size for f in checked) > MAX_CASE_BYTES:
            raise FileTooLarge(field, MAX_CASE_BYTES, per_case=True)
        return [self.add(complaint_id, actor=actor, filename=f.filename, data=f.data, field=field)
                for f in checked]

    def listed(self, complaint_id: UUID) -> list[Attachment]:
        return [Attachment.of(a) for a in self.desk.get_complaint(complaint_id).attachments]

    def find(self, complaint_id: UUID, attachment_id: str) -> Attachment:
        for attachment in self.listed(complaint_id):
            if attachment.id == attachment_id:
                return attachment
        raise AttachmentNotFound(complaint_id, attachment_id)

    def content(self, complaint_id: UUID, attachment_id: str) -> tuple[Attachment, bytes]:
        attachment = self.find(complaint_id, attachment_id)
        return attachment, self.blobs.get(attachment.sha256)
