"""Closed complaints disclosed case by case (SPEC §5, Order 121 Art. 39), as the 12315
platform shows them: per business, each closed case's number, dates, category, industry,
how it closed and the amount recovered; never a person's data nor any free text.

A supervisor may withhold a single case from disclosure, with a reason, and disclose it
again. A business may object (异议) to the disclosure of one of its own cases; a
supervisor upholds the objection (the case is withheld) or refuses it (it stays)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from application.audit import HASH_FIELD
from application.credit import BusinessNotFound
from application.errors import ComplaintNotFound
from application.statistics import year_before
from domain.disclosure import DisclosedCase as DisclosedCaseRecord
from domain.disclosure import disclosed_case_id
from domain.errors import DomainError, InvalidValue, NotPermitted
from domain.identifiers import CreditCode, business_key
from domain.intake import bounded_text
from domain.permissions import Actor
from domain.vocabulary import Role


class ObjectionPending(DomainError):
    """An objection to this case waits for a supervisor's decision (409)."""

    def __init__(self, case_id: str) -> None:
        super().__init__(f"an objection to the disclosure of case {case_id} is already pending")
        self.case_id = case_id


class NoObjectionPending(DomainError):
    """Nothing to decide: no objection to this case is pending (409)."""

    def __init__(self, case_id: str) -> None:
        super().__init__(f"no objection to the disclosure of case {case_id} is pending")
        self.case_id = case_id


@dataclass(frozen=True)
class DisclosedCase:
    id: str
    number: str | None
    received_on: date
    closed_on: date
    category: str
    industry: str
    outcome: str
    amount_recovered: Decimal


@dataclass(frozen=True)
class DisclosedCasesPage:
    key: str
    as_of: date
    items: list[DisclosedCase]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class Objection:
    case_id: str
    business_key: str
    reason: str
    state: str
    objected_by: str
    objected_at: datetime
    note: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> Objection:
        return cls(case_id=row["complaint_id"], business_key=row["business_key"],
                   reason=row["reason"], state=row["state"], objected_by=row["objected_by"],
                   objected_at=row["objected_at"], note=row.get("note"),
                   decided_by=row.get("decided_by"), decided_at=row.get("decided_at"))


class Facts(Protocol):
    def public_cases(self, key: str, *, since: date, until: date, page: int, per_page: int,
                     withheld: Any = ()) -> tuple[list[dict[str, Any]], int]: ...

    def public_case(self, case_id: str) -> dict[str, Any] | None: ...


def normal_key(key: str) -> str:
    """A credit code as written in capitals, else the business's normalised name."""
    key = key.strip()
    try:
        return CreditCode.parse(key).value
    except InvalidValue:
        return business_key(key, None)


def _case_id(case_id: str) -> str:
    try:
        return str(UUID(case_id))
    except ValueError:
        raise ComplaintNotFound(case_id) from None


class DisclosedCases:
    """Each withholding, objection and decision is first an event of the case's
    `DisclosedCase` aggregate, in the complaints' hash-chained log (`desk`); the tables
    of `records` then answer the public list and the objection lists quickly."""

    def __init__(self, facts: Facts, records: Any, desk: Any = None) -> None:
        self.facts = facts
        self.records = records
        self.desk = desk

    def _record(self, case_id: str, business_key: str, actor: Actor, command: str,
                **args: Any) -> None:
        if self.desk is None:
            return
        at = self.desk.clock()
        case: Any = None
        last: Any = None
        for last in self.desk.events.get(disclosed_case_id(case_id)):
            case = last.mutate(case)
        if case is None:
            case = DisclosedCaseRecord.open(case_id, business_key=business_key, at=at)
        else:
            # Where the hash chain stands, so the next event links to the last stored one.
            case._chain_head = getattr(last, HASH_FIELD, None)
        getattr(case, command)(actor=actor.as_data(), at=at, **args)
        self.desk.store(case)

    # ----- the public list -------------------------------------------------------------

    def public(self, key: str, *, as_of: date, page: int = 1,
               per_page: int = 20) -> DisclosedCasesPage:
        found = normal_key(key)
        if not found or found in self.records.withheld_keys():
            raise BusinessNotFound(key)
        page, per_page = max(1, page), max(1, min(per_page, 100))
        rows, total = self.facts.public_cases(found, since=year_before(as_of), until=as_of,
                                              page=page, per_page=per_page,
                                              withheld=self.records.withheld_cases())
        return DisclosedCasesPage(key=found, as_of=as_of, total=total, page=page,
                                  per_page=per_page,
                                  items=[DisclosedCase(**row) for row in rows])

    def disclosed(self, case_id: str, *, as_of: date) -> dict[str, Any]:
        """The business and closing of a case on the public list, else not found."""
        case_id = _case_id(case_id)
        found = self.facts.public_case(case_id)
        if (found is None or found["closed_on"] is None
                or not year_before(as_of) <= found["closed_on"] <= as_of
                or found["business_key"] in self.records.withheld_keys()
                or case_id in self.records.withheld_cases()):
            raise ComplaintNotFound(case_id)
        return found

    # ----- a supervisor withholds a case ------------------------------------------------

    def decide(self, *, actor: Actor, case_id: str, withheld: bool, reason: str,
               as_of: date) -> None:
        if actor.role is not Role.SUPERVISOR:
            raise NotPermitted("withhold", "only a supervisor withholds a case from disclosure")
        case_id = _case_id(case_id)
        found = self.facts.public_case(case_id)
        if found is None or found["closed_on"] is None:
            raise ComplaintNotFound(case_id)
        reason = bounded_text(reason, "reason", 1000)
        self._record(case_id, found["business_key"], actor,
                     "withhold" if withheld else "disclose", reason=reason)
        self.records.decide_case(case_id, withheld=withheld, reason=reason,
                                 actor=actor.username)

    # ----- objections -------------------------------------------------------------------

    def object(self, *, actor: Actor, own_code: str | None, case_id: str, reason: str,
               as_of: date) -> Objection:
        if actor.role is not Role.BUSINESS:
            raise NotPermitted("object", "only the business itself objects to a disclosure")
        found = self.disclosed(case_id, as_of=as_of)
        if own_code is None or found["business_key"] != own_code:
            raise ComplaintNotFound(case_id)  # another business's case: as if none
        reason = bounded_text(reason, "reason", 1000)
        if self.records.pending_objection(str(UUID(case_id))) is not None:
            raise ObjectionPending(case_id)
        self._record(str(UUID(case_id)), found["business_key"], actor, "object", reason=reason)
        made = self.records.object(str(UUID(case_id)), business_key=found["business_key"],
                                   reason=reason, actor=actor.username)
        if not made:
            raise ObjectionPending(case_id)
        return Objection.of(self.records.pending_objection(str(UUID(case_id))))

    def decide_objection(self, *, actor: Actor, case_id: str, upheld: bool,
                         note: str) -> Objection:
        if actor.role is not Role.SUPERVISOR:
            raise NotPermitted("decide", "only a supervisor decides an objection")
        case_id = _case_id(case_id)
        note = bounded_text(note, "note", 1000)
        pending = self.records.pending_objection(case_id)
        if pending is None:
            if self.facts.public_case(case_id) is None:
                raise ComplaintNotFound(case_id)
            raise NoObjectionPending(case_id)
        self._record(case_id, pending["business_key"], actor, "decide", upheld=upheld,
                     note=note)
        if not self.records.decide_objection(case_id, upheld=upheld, note=note,
                                             actor=actor.username):
            raise NoObjectionPending(case_id)
        return Objection.of({**pending, "state": "upheld" if upheld else "refused",
                             "note": note, "decided_by": actor.username})

    def objections(self, *, actor: Actor, own_code: str | None = None,
                   pending_only: bool = False) -> list[Objection]:
        if actor.role is Role.BUSINESS:
            if own_code is None:
                return []
            rows = self.records.objections(business_key=own_code)
        elif actor.role is Role.SUPERVISOR:
            rows = self.records.objections(pending_only=pending_only)
        else:
            raise NotPermitted("objections", "objections are read by supervisors")
        return [Objection.of(r) for r in rows]
