"""Rows of the case lists: a masked summary from the complaint list, beside the running
clock from the timeliness view. Personal data in a row is always masked."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

from api.bootstrap import Wiring
from application.errors import ComplaintNotFound
from application.listing import ComplaintSummary, ListFilter
from domain.masking import mask_name, mask_phone

LOOKUP_PAGES = 5  # pages of 200 summaries read to find a page of clocks' complaints


@dataclass(frozen=True)
class CaseRow:
    id: str
    summary: ComplaintSummary | None
    clock: object | None = None  # a TimelinessItem when one runs


def summaries_by_id(wiring: Wiring, ids: Iterable[str],
                    criteria: ListFilter) -> dict[str, ComplaintSummary]:
    """The complaint list's masked summaries of these complaints.

    The list can be searched but not asked for given ids, so this reads the pages that
    `criteria` selects (a queue is short) and loads the few it did not find from the
    store, masked here the way the list masks them.
    """
    wanted = set(ids)
    found: dict[str, ComplaintSummary] = {}
    number = 1
    while wanted - found.keys() and number <= LOOKUP_PAGES:
        result = wiring.complaint_list.search(replace(criteria, page=number, per_page=200))
        found.update((s.id, s) for s in result.items if s.id in wanted)
        if number * result.per_page >= result.total:
            break
        number += 1
    for missing in wanted - found.keys():
        summary = masked_summary(wiring, missing)
        if summary is not None:
            found[missing] = summary
    return found


def masked_summary(wiring: Wiring, complaint_id: str) -> ComplaintSummary | None:
    try:
        d = wiring.desk.get_complaint(uuid.UUID(complaint_id))
    except (ComplaintNotFound, ValueError):
        return None
    return ComplaintSummary(
        id=str(d.id), version=d.version, state=d.state, channel=d.channel,
        received_at=d.received_at, office=d.office, mediator=d.mediator,
        consumer_name=mask_name(d.consumer["name"]), consumer_phone=mask_phone(d.consumer["phone"]),
        business_key=d.business["key"], business_name=d.business["name"], category=d.category,
        industry=d.industry, amount=d.amount, suspended=d.suspended, updated_at=d.updated_at,
        number=d.number,
    )


def positive_int(raw: str | None, default: int = 1, high: int = 100_000) -> int:
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    return min(max(value, 1), high)
