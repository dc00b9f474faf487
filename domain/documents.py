"""Statutory documents (SPEC §12): which kind a case may have, and their numbers.

Order 121 requires paper at fixed points: the complainant is told of acceptance or
non-acceptance (Art. 15), both parties of the end of mediation (Art. 23), and an
on-site agreement becomes a 调解书 unless performed at once or declined; otherwise a
mediation record is kept (Art. 24). Which kind fits which case is the table below;
the numbers, like case numbers, are tiny aggregates claimed in the same transaction
as the complaint's event, so they are gapless per office, kind and year.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import CommandNotAllowed
from domain.vocabulary import AgreementRecord, Coded, State


class DocumentKind(Coded):
    ACCEPTANCE_NOTICE = "acceptance_notice"
    REJECTION_NOTICE = "rejection_notice"
    TERMINATION_NOTICE = "termination_notice"
    MEDIATION_AGREEMENT = "mediation_agreement"
    MEDIATION_RECORD = "mediation_record"


def _accepted(c: Any) -> bool:
    return c.mediation_regulation is not None


def _resolved_with(record_document: bool) -> Callable[[Any], bool]:
    def fits(c: Any) -> bool:
        outcome = c.outcome or {}
        wrote = outcome.get("record") == AgreementRecord.AGREEMENT_DOCUMENT.value
        return bool(outcome) and wrote is record_document
    return fits


# A kind fits a case when its guard holds. Agreements read the recorded outcome, so a
# case escalated over a breached agreement can still have its 调解书 printed.
FITS: dict[DocumentKind, Callable[[Any], bool]] = {
    DocumentKind.ACCEPTANCE_NOTICE: _accepted,
    DocumentKind.REJECTION_NOTICE: lambda c: c.state is State.REJECTED,
    # Terminated, or withdrawn after acceptance (Art. 23(一): also ends mediation).
    DocumentKind.TERMINATION_NOTICE: lambda c: c.state is State.TERMINATED
    or (c.state is State.WITHDRAWN and _accepted(c)),
    DocumentKind.MEDIATION_AGREEMENT: _resolved_with(True),
    DocumentKind.MEDIATION_RECORD: _resolved_with(False),
}


def fitting_kinds(complaint: Any) -> list[str]:
    return [kind.value for kind, fits in FITS.items() if fits(complaint)]


class KindDoesNotFit(CommandNotAllowed):
    """The case does not call for this kind of document: a 409 naming the state and
    the kinds it does call for."""

    def __init__(self, kind: str, state: str, fitting: list[str]) -> None:
        super().__init__(state, kind, fitting)


_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaint-desk:document-number")


def number_id_for(office: str, kind: str, year: int, sequence: int) -> UUID:
    return uuid5(_NAMESPACE, f"{office}\x1f{kind}\x1f{year}\x1f{sequence}")


def document_id_for(complaint_id: UUID, kind: str) -> UUID:
    """One document per kind and case, so its id is derived and a retry finds it."""
    return uuid5(_NAMESPACE, f"{complaint_id}\x1f{kind}")


class DocumentNumber(Aggregate):
    """One issued document number and the document it belongs to."""

    @classmethod
    def claim(cls, *, office: str, kind: str, year: int, sequence: int, number: str,
              document_id: UUID, complaint_id: UUID, at: datetime) -> DocumentNumber:
        return cls._create(cls.Claimed, id=number_id_for(office, kind, year, sequence),
                           number=number, document_id=str(document_id),
                           complaint_id=str(complaint_id), at=at)

    class Claimed(Aggregate.Created):
        number: str
        document_id: str
        complaint_id: str
        at: datetime

    @event(Claimed)
    def __init__(self, number: str, document_id: str, complaint_id: str, at: datetime) -> None:
        self.number = number
        self.document_id = document_id
        self.complaint_id = complaint_id
