"""Credit repair: a supervisor voids one ledger entry, with a written reason (SPEC §4).

Each void is a tiny aggregate whose id is derived from the entry id, so an entry can
be voided only once: a second void collides in the event store. The void is an event
in the same log as the complaints, so the ledger projection sees it in order and a
rebuild keeps it; nothing is ever deleted from the record.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import CommandNotAllowed, DomainError, InvalidValue, NotPermitted
from domain.intake import bounded_text
from domain.permissions import Actor
from domain.vocabulary import Role

_VOID_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaint-desk:credit-entry-void")


def void_id_for(entry_id: UUID | str) -> UUID:
    return uuid5(_VOID_NAMESPACE, str(entry_id))


def check_may_void(actor: Actor) -> None:
    if actor.role is not Role.SUPERVISOR:
        raise NotPermitted("void", f"only a supervisor may void a credit entry, "
                                   f"not the {actor.role.value} role")


class AlreadyVoided(CommandNotAllowed):
    """The entry was voided before; a void is final (409)."""

    def __init__(self, entry_id: UUID | str) -> None:
        DomainError.__init__(self, f"credit entry {entry_id} is already voided")
        self.state = "voided"
        self.command = "void"
        self.allowed: list[str] = []
        self.entry_id = entry_id


class CreditEntryVoid(Aggregate):
    """The record that one ledger entry no longer counts, who said so, and why."""

    @classmethod
    def void(cls, entry_id: UUID | str, *, actor: Actor, at: datetime, reason: str) -> CreditEntryVoid:
        check_may_void(actor)
        try:
            entry = UUID(str(entry_id))
        except ValueError:
            raise InvalidValue("entry_id", "not a credit entry id") from None
        reason = bounded_text(reason, "reason", 1000)
        return cls._create(
            cls.EntryVoided,
            id=void_id_for(entry),
            entry_id=str(entry),
            actor=actor.as_data(),
            at=at,
            reason=reason,
        )

    class EntryVoided(Aggregate.Created):
        entry_id: str
        actor: dict[str, str]
        at: datetime
        reason: str

    @event(EntryVoided)
    def __init__(self, entry_id: str, actor: dict[str, str], at: datetime, reason: str) -> None:
        self.entry_id = entry_id
        self.voided_by = actor
        self.voided_at = at
        self.reason = reason
