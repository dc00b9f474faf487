"""Case numbers that can be read out on the phone: office, year, sequence.

`310101-2026-000123` is the 123rd complaint filed at office 310101 in 2026 (the
year of filing, in the desk's zone). Each number is a tiny aggregate whose id is
derived from office, year and sequence, saved in the same transaction as the
complaint's `Filed` event: two desks that pick the same next number collide in the
event store and the loser takes the next one, so the numbers of an office and year
are gapless and never repeat, on every backend.
"""

from __future__ import annotations

import re
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaint-desk:case-number")

# A sequence number, or (for complaints filed before numbering) eight hex digits.
PATTERN = re.compile(r"[A-Za-z0-9_\-]{1,32}-\d{4}-(\d{6,}|[0-9A-F]{8})")


def claim_id_for(office: str, year: int, sequence: int) -> UUID:
    return uuid5(_NAMESPACE, f"{office}\x1f{year}\x1f{sequence}")


def format_number(office: str, year: int, sequence: int) -> str:
    return f"{office}-{year}-{sequence:06d}"


def legacy_number(office: str, received_at: datetime, complaint_id: UUID | str) -> str:
    """The number of a complaint filed before numbering began: derived from what it
    stored, so it is the same on every load; eight hex digits never look like a
    sequence, so it cannot clash with a number given later."""
    return f"{office}-{received_at.year}-{UUID(str(complaint_id)).hex[:8].upper()}"


def looks_like_number(text: str) -> bool:
    return PATTERN.fullmatch(text.strip()) is not None


class CaseNumber(Aggregate):
    """One issued case number and the complaint it belongs to."""

    @classmethod
    def claim(cls, *, office: str, year: int, sequence: int, complaint_id: UUID,
              actor: dict[str, str], at: datetime) -> CaseNumber:
        return cls._create(
            cls.Claimed,
            id=claim_id_for(office, year, sequence),
            number=format_number(office, year, sequence),
            complaint_id=str(complaint_id),
            actor=actor,
            at=at,
        )

    class Claimed(Aggregate.Created):
        number: str
        complaint_id: str
        actor: dict[str, str]
        at: datetime

    @event(Claimed)
    def __init__(self, number: str, complaint_id: str, actor: dict[str, str], at: datetime) -> None:
        self.number = number
        self.complaint_id = complaint_id
