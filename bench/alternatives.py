"""The two things our desk is measured against, kept at module level so topics resolve.

`Case` in `BareDesk` is the smallest eventsourcing aggregate carrying a payload like a
complaint's; `CrudComplaint` is the naive alternative, one ORM row updated in place.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from sqlalchemy import Integer, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Case(Aggregate):
    """The bare aggregate: `@event` methods that only assign, no table, no permissions."""

    @event("Filed")
    def __init__(self, actor: dict[str, str], at: datetime, channel: str,
                 received_at: datetime, consumer: dict[str, Any], business: dict[str, Any],
                 category: str, industry: str, incident_date: str | None, amount: Decimal,
                 description: str, request: str, office: str, regulation: str) -> None:
        self.state = "filed"
        self.channel = channel
        self.received_at = received_at
        self.consumer = consumer
        self.business = business
        self.category = category
        self.industry = industry
        self.incident_date = incident_date
        self.amount = amount
        self.description = description
        self.request = request
        self.office = office
        self.regulation = regulation
        self.mediator: str | None = None
        self.notes_count = 0
        self.outcome: dict[str, Any] | None = None

    @event("Accepted")
    def accept(self, actor: dict[str, str], at: datetime, state: str, regulation: str) -> None:
        self.state = state
        self.mediation_regulation = regulation

    @event("MediatorAssigned")
    def assign(self, actor: dict[str, str], at: datetime, state: str, mediator: str) -> None:
        self.state = state
        self.mediator = mediator

    @event("NoteAdded")
    def add_note(self, actor: dict[str, str], at: datetime, state: str, kind: str,
                 text: str) -> None:
        self.state = state
        self.notes_count += 1

    @event("Resolved")
    def resolve(self, actor: dict[str, str], at: datetime, state: str, outcome: str,
                amount_recovered: Decimal, terms: str) -> None:
        self.state = state
        self.outcome = {"outcome": outcome, "amount_recovered": amount_recovered,
                        "terms": terms}


class BareDesk(Application[UUID]):
    """A plain Application: the event store with nothing of ours around it."""

    name = "Bare"


class CrudBase(DeclarativeBase):
    pass


class CrudComplaint(CrudBase):
    """One row per complaint, overwritten by every command: what a naive service would do."""

    __tablename__ = "complaints"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime]
    consumer_name: Mapped[str] = mapped_column(String(50))
    consumer_phone: Mapped[str] = mapped_column(String(40))
    consumer_address: Mapped[str | None] = mapped_column(String(500))
    business_name: Mapped[str] = mapped_column(String(200))
    business_uscc: Mapped[str | None] = mapped_column(String(18))
    business_address: Mapped[str | None] = mapped_column(String(500))
    business_platform: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(16))
    industry: Mapped[str] = mapped_column(String(32))
    incident_date: Mapped[str | None] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    description: Mapped[str] = mapped_column(Text)
    request: Mapped[str] = mapped_column(Text)
    office: Mapped[str] = mapped_column(String(32))
    regulation: Mapped[str] = mapped_column(String(32))
    mediation_regulation: Mapped[str | None] = mapped_column(String(32))
    mediator: Mapped[str | None] = mapped_column(String(64))
    notes_count: Mapped[int] = mapped_column(Integer)
    last_note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    amount_recovered: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    terms: Mapped[str | None] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
