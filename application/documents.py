"""Issuing statutory documents (SPEC §12) and proving a printed copy.

A document is never stored: its `DocumentIssued` event holds kind, number, template
version and the SHA-256 of the PDF, and the PDF is rendered again from the case as
it stood just before that event. Rendering is deterministic, so the bytes served
today, and any printed copy, can be checked against the recorded hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from application.desk import ComplaintDesk
from application.errors import ComplaintNotFound, ConcurrentUpdate
from application.numbering import lowest_unclaimed
from domain.complaint import Complaint
from domain.documents import (
    DocumentKind,
    DocumentNumber,
    KindDoesNotFit,
    document_id_for,
    fitting_kinds,
    number_id_for,
)
from domain.errors import CommandNotAllowed, DomainError
from domain.permissions import Actor, check_permitted
from domain.intake import code


class Renderer(Protocol):
    def template_version(self, kind: str) -> str: ...

    def number(self, *, office: str, kind: str, year: int, sequence: int) -> str: ...

    def render(self, complaint: Complaint, *, kind: str, number: str, issued_at: datetime,
               template: str) -> bytes: ...


@dataclass(frozen=True)
class IssuedDocument:
    id: str
    kind: str
    number: str
    sha256: str
    issued_at: datetime
    template: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> IssuedDocument:
        return cls(id=data["id"], kind=data["kind"], number=data["number"],
                   sha256=data["sha256"], issued_at=data["issued_at"], template=data["template"])


class DocumentErased(CommandNotAllowed):
    """The case's personal data is erased: its documents can no longer be printed, and
    a reprint would not match the recorded hash (409)."""

    def __init__(self) -> None:
        super().__init__("erased", "documents", [])


class DocumentNotFound(ComplaintNotFound):
    def __init__(self, document_id: str) -> None:
        DomainError.__init__(self, f"no document {document_id}")
        self.complaint_id = document_id


@dataclass(frozen=True)
class Mismatch:
    complaint_id: str
    number: str
    recorded: str
    rendered: str


@dataclass(frozen=True)
class DocumentsReport:
    checked: int
    mismatches: tuple[Mismatch, ...]
    erased: int = 0  # documents of cases whose personal data was erased: not printable

    @property
    def ok(self) -> bool:
        return not self.mismatches


class Documents:
    """Issue, list, render again and verify the documents of complaints."""

    def __init__(self, desk: ComplaintDesk, renderer: Renderer) -> None:
        self.desk = desk
        self.renderer = renderer

    def issue(self, complaint_id: UUID, *, actor: Actor, kind: object) -> tuple[IssuedDocument, bool]:
        """The document of this kind, issued now unless it was before; True when new."""
        kind_code = code(DocumentKind, kind, "kind").value
        for _ in range(_NUMBER_ATTEMPTS):
            complaint = self.desk._load(complaint_id)
            check_permitted(complaint, "documents", actor)
            if kind_code in complaint.documents:
                return IssuedDocument.of(complaint.documents[kind_code]), False
            if complaint.personal_data_erased:
                raise DocumentErased()
            fitting = fitting_kinds(complaint)
            if kind_code not in fitting:
                raise KindDoesNotFit(kind_code, complaint.state.value, fitting)
            at = self.desk.clock()
            year = at.astimezone(self.desk.tz).year
            sequence = self._next_sequence(complaint.office, kind_code, year)
            number = self.renderer.number(office=complaint.office, kind=kind_code, year=year,
                                          sequence=sequence)
            template = self.renderer.template_version(kind_code)
            pdf = self.renderer.render(complaint, kind=kind_code, number=number, issued_at=at,
                                       template=template)
            document_id = document_id_for(complaint.id, kind_code)
            complaint.issue_document(actor=actor, at=at, kind=kind_code,
                                     document_id=str(document_id), number=number,
                                     template=template, sha256=hashlib.sha256(pdf).hexdigest())
            claim = DocumentNumber.claim(office=complaint.office, kind=kind_code, year=year,
                                         sequence=sequence, number=number,
                                         document_id=document_id, complaint_id=complaint.id,
                                         at=at)
            try:
                self.desk._save(complaint, claim)  # type: ignore[arg-type]
            except ConcurrentUpdate:
                # The case moved on, or another issue took this number: decide again.
                continue
            return IssuedDocument.of(complaint.documents[kind_code]), True
        raise ConcurrentUpdate(complaint_id)

    def fitting(self, complaint_id: UUID) -> list[str]:
        """The kinds this case calls for that are not issued yet (the page's choices)."""
        complaint = self.desk._load(complaint_id)
        return [k for k in fitting_kinds(complaint) if k not in complaint.documents]

    def listed(self, complaint_id: UUID) -> list[IssuedDocument]:
        complaint = self.desk._load(complaint_id)
        return sorted((IssuedDocument.of(d) for d in complaint.documents.values()),
                      key=lambda d: d.issued_at)

    def pdf(self, complaint_id: UUID, document_id: str) -> tuple[IssuedDocument, bytes]:
        """The document's bytes, rendered again from the case as it stood when issued."""
        events = list(self.desk.events.get(complaint_id))
        if self.desk._fold(complaint_id, events).personal_data_erased:
            raise DocumentErased()
        for index, event in enumerate(events):
            if type(event).__name__ == "DocumentIssued" and event.document_id == document_id:
                before = self.desk._fold(complaint_id, events[:index])
                pdf = self.renderer.render(before, kind=event.kind, number=event.number,
                                           issued_at=event.at, template=event.template)
                return IssuedDocument(id=event.document_id, kind=event.kind,
                                      number=event.number, sha256=event.sha256,
                                      issued_at=event.at, template=event.template), pdf
        raise DocumentNotFound(document_id)

    def verify(self, complaint_ids: Iterable[UUID]) -> DocumentsReport:
        """Render every issued document again and compare it with its recorded hash."""
        checked, erased, mismatches = 0, 0, []
        for complaint_id in complaint_ids:
            for document in self.listed(complaint_id):
                try:
                    _, pdf = self.pdf(complaint_id, document.id)
                except DocumentErased:
                    erased += 1
                    continue
                checked += 1
                rendered = hashlib.sha256(pdf).hexdigest()
                if rendered != document.sha256:
                    mismatches.append(Mismatch(str(complaint_id), document.number,
                                               document.sha256, rendered))
        return DocumentsReport(checked, tuple(mismatches), erased)

    def _next_sequence(self, office: str, kind: str, year: int) -> int:
        """The lowest number not yet claimed for this office, kind and year."""
        return lowest_unclaimed(
            lambda sequence: self.desk._exists(number_id_for(office, kind, year, sequence)))


# Issuers racing for the same office's next number: each loss moves on by one.
_NUMBER_ATTEMPTS = 64
