"""Exporting the case list as filtered: the rows, personal data masked unless asked for
in full by a role that may read it, and the export recorded before anything leaves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from application.listing import ComplaintList, ComplaintSummary, ListFilter
from domain.errors import InvalidValue
from domain.list_exports import ExportFormat, check_may_export
from domain.permissions import Actor

EXPORT_LIMIT = 20_000
PAGE = 200

COLUMNS = ("number", "id", "state", "received_at", "channel", "office", "mediator",
           "consumer_name", "consumer_phone", "business_name", "business_key", "category",
           "industry", "amount", "updated_at")


class Desk(Protocol):
    def get_complaint(self, complaint_id: UUID, version: int | None = None) -> Any: ...

    def record_export(self, *, actor: Actor, format: ExportFormat, filters: dict[str, Any],
                      count: int, personal_data: bool) -> None: ...


@dataclass(frozen=True)
class ExportedList:
    rows: list[dict[str, Any]]  # one per complaint, keyed by COLUMNS

    @property
    def count(self) -> int:
        return len(self.rows)


def export_list(desk: Desk, listing: ComplaintList, criteria: ListFilter, *, actor: Actor,
                format: ExportFormat, personal_data: bool = False) -> ExportedList:
    """The complaints the filters select, in the list's order, at most EXPORT_LIMIT."""
    check_may_export(actor, personal_data=personal_data)
    first = listing.search(replace(criteria, page=1, per_page=PAGE))
    if first.total > EXPORT_LIMIT:
        raise InvalidValue("filters", f"an export holds at most {EXPORT_LIMIT} complaints and "
                                      f"these filters select {first.total}: narrow them")
    rows = [_row(s, desk if personal_data else None) for s in _all(listing, criteria, first)]
    # Recorded before the file is handed over: an export that fails to be recorded
    # does not happen.
    desk.record_export(actor=actor, format=format, filters=filters_of(criteria),
                       count=len(rows), personal_data=personal_data)
    return ExportedList(rows)


def _all(listing: ComplaintList, criteria: ListFilter, first: Any) -> Iterator[ComplaintSummary]:
    yield from first.items
    pages = -(-first.total // PAGE)
    for number in range(2, pages + 1):
        yield from listing.search(replace(criteria, page=number, per_page=PAGE)).items


def _row(summary: ComplaintSummary, desk: Desk | None) -> dict[str, Any]:
    row = {name: getattr(summary, name) for name in COLUMNS}
    if desk is not None:
        consumer = desk.get_complaint(UUID(summary.id)).consumer
        row["consumer_name"], row["consumer_phone"] = consumer["name"], consumer["phone"]
    return row


def filters_of(criteria: ListFilter) -> dict[str, Any]:
    """The filters as the audit trail keeps them: only those set, moments as text."""
    kept: dict[str, Any] = {}
    defaults = asdict(ListFilter())
    for name, value in asdict(criteria).items():
        if name in ("page", "per_page") or value == defaults[name]:
            continue
        kept[name] = value.isoformat() if isinstance(value, datetime) else value
    return kept
