"""An export of the case list is itself part of the record: who took which list out of
the desk, when, in what form, how many cases, and whether names and phone numbers
went with it (SPEC §6, §7). One tiny aggregate per export, hash-chained in the same
log as the complaints, so an export cannot be taken quietly."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import NotPermitted
from domain.permissions import Actor
from domain.vocabulary import Role


class ExportFormat(Enum):
    CSV = "csv"
    XLSX = "xlsx"


# Who may take the list out of the desk, and who may take it with personal data in
# full: those who read every case's personal data on the case page.
MAY_EXPORT = (Role.OPERATOR, Role.SUPERVISOR, Role.MEDIATOR)
MAY_EXPORT_PERSONAL = (Role.OPERATOR, Role.SUPERVISOR)


def check_may_export(actor: Actor, *, personal_data: bool) -> None:
    if actor.role not in MAY_EXPORT:
        raise NotPermitted("export", f"the {actor.role.value} role does not read complaints")
    if personal_data and actor.role not in MAY_EXPORT_PERSONAL:
        raise NotPermitted("export", f"the {actor.role.value} role exports masked personal "
                                     "data only")


class ListExport(Aggregate):
    """One export of the case list."""

    @classmethod
    def record(cls, *, actor: Actor, at: datetime, format: ExportFormat,
               filters: dict[str, Any], count: int, personal_data: bool) -> ListExport:
        check_may_export(actor, personal_data=personal_data)
        return cls._create(cls.Exported, id=uuid4(), actor=actor.as_data(), at=at,
                           format=format.value, filters=filters, count=count,
                           personal_data=personal_data)

    class Exported(Aggregate.Created):
        actor: dict[str, str]
        at: datetime
        format: str
        filters: dict[str, Any]
        count: int
        personal_data: bool

    @event(Exported)
    def __init__(self, actor: dict[str, str], at: datetime, format: str,
                 filters: dict[str, Any], count: int, personal_data: bool) -> None:
        self.actor = actor
        self.at = at
        self.format = format
        self.filters = filters
        self.count = count
        self.personal_data = personal_data
