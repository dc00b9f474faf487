"""One closed complaint in the case-by-case public disclosure (SPEC §5, Order 121 Art. 39).

A tiny aggregate per disclosed case, its id derived from the complaint's id, recorded in
the same hash-chained log as the complaints: a supervisor withholds the case or
discloses it again; the business objects (异议) and a supervisor upholds the objection
(the case is withheld) or refuses it (it stays disclosed). The allowed moves are one
table of rows, as in domain/lifecycle.py: (state, command) → the state it moves to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import CommandNotAllowed

_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaint-desk:disclosed-case")

DISCLOSED = "disclosed"
OBJECTED = "objected"  # disclosed, an objection waiting for a supervisor
WITHHELD = "withheld"

# (state, command) → state after it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DISCLOSED, "withhold"): WITHHELD,
    (DISCLOSED, "disclose"): DISCLOSED,
    (DISCLOSED, "object"): OBJECTED,
    (OBJECTED, "uphold"): WITHHELD,
    (OBJECTED, "refuse"): DISCLOSED,
    (WITHHELD, "disclose"): DISCLOSED,
    (WITHHELD, "withhold"): WITHHELD,
}


def disclosed_case_id(complaint_id: UUID | str) -> UUID:
    return uuid5(_NAMESPACE, str(complaint_id))


def allowed(state: str, command: str) -> bool:
    return (state, command) in TRANSITIONS


class DisclosedCase(Aggregate):
    """The disclosure of one closed complaint: withheld or not, and its objections."""

    @classmethod
    def open(cls, complaint_id: UUID | str, *, business_key: str,
             at: datetime) -> DisclosedCase:
        return cls._create(cls.Opened, id=disclosed_case_id(complaint_id),
                           complaint_id=str(complaint_id), business_key=business_key, at=at)

    class Opened(Aggregate.Created):
        complaint_id: str
        business_key: str
        at: datetime

    @event(Opened)
    def __init__(self, complaint_id: str, business_key: str, at: datetime) -> None:
        self.complaint_id = complaint_id
        self.business_key = business_key
        self.state = DISCLOSED
        self.objection: str | None = None

    def _check(self, command: str) -> None:
        if not allowed(self.state, command):
            raise CommandNotAllowed(self.state, command,
                                    [c for s, c in TRANSITIONS if s == self.state],
                                    what="disclosed case")

    def withhold(self, *, actor: dict[str, Any], at: datetime, reason: str) -> None:
        self._check("withhold")
        self._withheld(actor=actor, at=at, reason=reason, state=TRANSITIONS[(self.state, "withhold")])

    def disclose(self, *, actor: dict[str, Any], at: datetime, reason: str) -> None:
        self._check("disclose")
        self._disclosed(actor=actor, at=at, reason=reason, state=TRANSITIONS[(self.state, "disclose")])

    def object(self, *, actor: dict[str, Any], at: datetime, reason: str) -> None:
        self._check("object")
        self._objected(actor=actor, at=at, reason=reason, state=OBJECTED)

    def decide(self, *, actor: dict[str, Any], at: datetime, upheld: bool, note: str) -> None:
        command = "uphold" if upheld else "refuse"
        self._check(command)
        self._decided(actor=actor, at=at, upheld=upheld, note=note,
                      state=TRANSITIONS[(self.state, command)])

    @event("CaseWithheld")
    def _withheld(self, actor: dict[str, Any], at: datetime, reason: str, state: str) -> None:
        self.state = state

    @event("CaseDisclosed")
    def _disclosed(self, actor: dict[str, Any], at: datetime, reason: str, state: str) -> None:
        self.state = state

    @event("ObjectionRaised")
    def _objected(self, actor: dict[str, Any], at: datetime, reason: str, state: str) -> None:
        self.state = state
        self.objection = reason

    @event("ObjectionDecided")
    def _decided(self, actor: dict[str, Any], at: datetime, upheld: bool, note: str,
                 state: str) -> None:
        self.state = state
        self.objection = None
