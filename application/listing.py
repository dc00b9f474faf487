"""The complaint list as the application sees it: filters in, a page of masked summaries out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class ListFilter:
    state: str | None = None
    office: str | None = None
    business: str | None = None
    mediator: str | None = None
    q: str | None = None
    page: int = 1
    per_page: int = 50
    industry: str | None = None
    channel: str | None = None
    received_since: datetime | None = None  # from this moment (the start of a local day)
    received_before: datetime | None = None  # up to, not including, this moment
    overdue: bool | None = None  # a running clock past its due moment, now
    sort: str = "-received_at"
    business_key: str | None = None  # exactly this business (a business's own list)


# What a list may be sorted by; a leading "-" sorts from the largest.
SORTS = ("received_at", "updated_at", "number", "state", "office", "business_name", "amount")


@dataclass(frozen=True)
class ComplaintSummary:
    id: str
    version: int
    state: str
    channel: str
    received_at: datetime
    office: str
    mediator: str | None
    consumer_name: str  # masked
    consumer_phone: str  # masked
    business_key: str
    business_name: str
    category: str
    industry: str
    amount: Decimal
    suspended: bool
    updated_at: datetime
    number: str | None = None


@dataclass(frozen=True)
class SummaryPage:
    items: list[ComplaintSummary]
    total: int
    page: int
    per_page: int


class ComplaintList(Protocol):
    def search(self, criteria: ListFilter) -> SummaryPage: ...
