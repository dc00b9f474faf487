"""Offices as data (Order 121 Art. 41): who receives and dispatches, who handles.

The intake centre (统一接收投诉举报的工作机构) receives complaints and dispatches each to
the office with power over it; an office without power sends it back to the intake
centre and never passes it sideways. Which offices exist is deployment data
(`adapters/data/offices.toml`); this module only answers questions about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    parent: str | None = None
    intake: bool = False


class Offices:
    """A directory of offices, looked up by code."""

    def __init__(self, offices: Iterable[Office]) -> None:
        self._by_code = {office.code: office for office in offices}

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_code.values())

    def get(self, code: str) -> Office | None:
        return self._by_code.get(code)

    def name_of(self, code: str | None) -> str:
        office = self._by_code.get(code or "")
        return office.name if office else (code or "")

    def is_intake(self, code: str) -> bool:
        office = self._by_code.get(code)
        return bool(office and office.intake)

    def intake_for(self, code: str, *, dispatched_from: str | None = None) -> str | None:
        """Where a complaint at `code` goes back to: the centre that dispatched it, else
        the nearest intake centre above the office, else the only one there is."""
        if dispatched_from and self.is_intake(dispatched_from):
            return dispatched_from
        seen: set[str] = set()
        office = self._by_code.get(code)
        while office is not None and office.parent and office.parent not in seen:
            seen.add(office.parent)
            office = self._by_code.get(office.parent)
            if office is not None and office.intake:
                return office.code
        centres = [o.code for o in self._by_code.values() if o.intake]
        return centres[0] if len(centres) == 1 else None
