"""Credit supervision as the application sees it (SPEC §4): grades, the watch list, model
candidates, credit repair and the what-if, answered in small frozen dataclasses.

The ledger itself is a projection (adapters/views/credit_ledger.py); this module asks
it through `CreditLedgerReader` and grades its points with the rules in force. The
what-if reads the event log instead and stores nothing (application/what_if.py).
"""

from __future__ import annotations

from collections.abc import Callable

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from application.what_if import WhatIf, what_if
from domain.credit_ledger import CANCELLATION
from domain.credit_repair import AlreadyVoided, check_may_void
from domain.credit_rules import CreditRules, parse_rules
from domain.errors import DomainError, InvalidValue
from domain.grades import Grade, ModelRecord, model_shortfalls
from domain.identifiers import business_key
from domain.permissions import Actor

if TYPE_CHECKING:
    from application.desk import ComplaintDesk


class BusinessNotFound(DomainError):
    """No complaint names this business (404)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no business with key {key!r} in the credit ledger")
        self.key = key


class CreditEntryNotFound(DomainError):
    """No ledger entry has this id (404)."""

    def __init__(self, entry_id: str) -> None:
        super().__init__(f"no credit entry {entry_id}")
        self.entry_id = entry_id


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    business_key: str
    rule: str
    kind: str  # "penalty" or "cancellation"
    points: int  # negative for a cancellation
    complaint_id: str
    version: int  # the complaint event that made the entry
    effective: date
    expires: date  # the first day it no longer counts
    cancels: str | None  # the entry a cancellation cancels
    voided: bool
    void_reason: str | None = None
    voided_by: str | None = None
    voided_at: datetime | None = None
    rules_version: str = ""


@dataclass(frozen=True)
class BusinessCredit:
    """A grade and the entries behind it: every entry in force on `as_of`, voided ones marked."""

    key: str
    name: str
    as_of: date
    points: int
    grade: str
    watched: bool
    rules_version: str
    entries: list[LedgerEntry] = field(default_factory=list)


@dataclass(frozen=True)
class BusinessGrade:
    key: str
    name: str
    points: int
    grade: str


@dataclass(frozen=True)
class GradePage:
    as_of: date
    grade: str | None
    rules_version: str
    items: list[BusinessGrade]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class ModelCandidate:
    key: str
    name: str
    points: int
    closed: int
    resolved: int
    mediation_success_rate: Decimal  # SPEC §5: withdrawals count neither way
    callbacks: int
    satisfaction_rate: Decimal | None  # satisfied or basically satisfied, of the call-backs


class CreditLedgerReader(Protocol):
    def businesses(self) -> dict[str, str]:
        """Every business named by a complaint: key to its latest name."""

    def business_name(self, key: str) -> str | None: ...

    def points(self, *, as_of: date, keys: Collection[str] | None = None) -> dict[str, int]:
        """Points in force on `as_of`, voids applied; businesses with none are left out."""

    def entries(self, key: str, *, as_of: date) -> list[LedgerEntry]:
        """The business's entries in force on `as_of`, voided ones included and marked."""

    def entry(self, entry_id: str) -> LedgerEntry | None: ...


class ModelRecordsReader(Protocol):
    def model_records(self, *, since: date, until: date) -> dict[str, ModelRecord]:
        """Per business: accepted complaints closed from `since` to `until` (inclusive)."""


class Credit:
    """Queries over the credit ledger and the one credit command, voiding an entry."""

    def __init__(self, *, desk: ComplaintDesk, ledger: CreditLedgerReader,
                 facts: ModelRecordsReader, rules: CreditRules,
                 pledged_on: Callable[[date], set[str]] | None = None) -> None:
        self.desk = desk
        self.ledger = ledger
        self.facts = facts
        self.rules = rules
        # Who has an integrity pledge in force on a day: a model candidate needs one
        # (SPEC §14). Without it (a bare ledger, as the benchmarks run it) none is asked.
        self.pledged_on = pledged_on

    # ----- queries ----------------------------------------------------------

    def business(self, key: str, *, as_of: date) -> BusinessCredit:
        """`GET /businesses/{key}/credit?as_of=`: the credit code, or the name in any spelling."""
        found, name = self._resolve(key)
        entries = self.ledger.entries(found, as_of=as_of)
        points = sum(e.points for e in entries if not e.voided)
        grade = self.rules.grade_for(points)
        return BusinessCredit(
            key=found, name=name, as_of=as_of, points=points, grade=grade.value,
            watched=self.rules.grades.watched(grade), rules_version=self.rules.version,
            entries=entries,
        )

    def grades(self, *, as_of: date, grade: str | None = None, page: int = 1,
               per_page: int = 50) -> GradePage:
        """`GET /credit?grade=`: businesses, worst first, optionally of one grade."""
        wanted = _grade(grade) if grade else None
        names = self.ledger.businesses()
        points = self.ledger.points(as_of=as_of)
        graded = [
            BusinessGrade(key=key, name=name, points=points.get(key, 0),
                          grade=self.rules.grade_for(points.get(key, 0)).value)
            for key, name in names.items()
        ]
        if wanted is not None:
            graded = [g for g in graded if g.grade == wanted.value]
        graded.sort(key=lambda g: (-g.points, g.name, g.key))
        per_page = max(1, min(per_page, 500))
        page = max(1, page)
        return GradePage(
            as_of=as_of, grade=wanted.value if wanted else None, rules_version=self.rules.version,
            items=graded[(page - 1) * per_page: page * per_page], total=len(graded), page=page,
            per_page=per_page,
        )

    def watch_list(self, *, as_of: date) -> list[BusinessGrade]:
        """Every business graded at or below the watch grade (D by default), worst first."""
        points = self.ledger.points(as_of=as_of)
        names = self.ledger.businesses()
        watched = [
            BusinessGrade(key=key, name=names.get(key, key), points=p,
                          grade=self.rules.grade_for(p).value)
            for key, p in points.items() if self.rules.grades.watched(self.rules.grade_for(p))
        ]
        return sorted(watched, key=lambda g: (-g.points, g.name, g.key))

    def model_candidates(self, *, as_of: date) -> list[ModelCandidate]:
        """Grade A businesses with no penalty in force and a pledge in force, whose closed
        complaints of the last window earn a nomination (SPEC §4, §14)."""
        since = as_of - timedelta(days=self.rules.in_force_days - 1)
        records = self.facts.model_records(since=since, until=as_of)
        points = self.ledger.points(as_of=as_of, keys=list(records))
        names = self.ledger.businesses()
        pledged = self.pledged_on(as_of) if self.pledged_on is not None else None
        chosen = []
        for key, record in records.items():
            if pledged is not None and key not in pledged:
                continue
            p = points.get(key, 0)
            if model_shortfalls(self.rules.grade_for(p), record, self.rules.model, points=p):
                continue
            chosen.append(ModelCandidate(
                key=key, name=names.get(key, key), points=p, closed=record.closed,
                resolved=record.resolved,
                mediation_success_rate=record.success_rate or Decimal(0),
                callbacks=record.callbacks, satisfaction_rate=record.satisfaction_rate,
            ))
        return sorted(chosen, key=lambda c: (-c.closed, c.name, c.key))

    def entry(self, entry_id: str | UUID) -> LedgerEntry:
        found = self.ledger.entry(_entry_id(entry_id))
        if found is None:
            raise CreditEntryNotFound(str(entry_id))
        return found

    # ----- credit repair ------------------------------------------------------

    def void(self, entry_id: str | UUID, *, actor: Actor, reason: str) -> None:
        """`POST /credit/entries/{entry_id}/void`: a supervisor voids one penalty, with a reason."""
        check_may_void(actor)
        entry = self.entry(entry_id)
        if entry.kind == CANCELLATION:
            raise InvalidValue("entry_id", "a cancellation cannot be voided; it falls away with "
                                           "the entry it cancels")
        if entry.voided:
            raise AlreadyVoided(entry.id)
        self.desk.void_credit_entry(UUID(entry.id), actor=actor, reason=reason)

    # ----- what-if ----------------------------------------------------------

    def what_if(self, rules_text: str | bytes, *, as_of: date) -> WhatIf:
        """`POST /credit/what-if`: the grades another rules file would give; stores nothing."""
        proposed = parse_rules(rules_text)
        return what_if(self.desk, current=self.rules, proposed=proposed, as_of=as_of,
                       tz=self.desk.tz)

    # ----- plumbing ---------------------------------------------------------

    def _resolve(self, key: str) -> tuple[str, str]:
        raw = key.strip()
        for candidate in dict.fromkeys((raw, raw.upper(), business_key(raw, None))):
            name = self.ledger.business_name(candidate)
            if name is not None:
                return candidate, name
        raise BusinessNotFound(key)


def _grade(raw: str) -> Grade:
    try:
        return Grade(raw.strip().upper())
    except ValueError:
        raise InvalidValue("grade", "must be one of: A, B, C, D") from None


def _entry_id(raw: str | UUID) -> str:
    try:
        return str(UUID(str(raw)))
    except ValueError:
        raise InvalidValue("entry_id", "not a credit entry id") from None
