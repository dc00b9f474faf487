"""What-if: the grades another rules file would give, from the full history, storing nothing.

The event log is read once, in pages, asking the store only for the event types that
either rules file (or a void) cares about. Each event runs through both rule sets
side by side with the same pure `entries_for` the ledger projection uses, so the
"current" column is what a rebuilt ledger would show, read from the same snapshot of
history as the proposal. Only entries in force on `as_of` are kept in memory, so
memory grows with the open complaints, not with the years of history.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.complaint import Complaint
from domain.report import Report
from domain.credit_ledger import Entry, entries_for, still_open
from domain.credit_repair import CreditEntryVoid
from domain.credit_rules import TRIGGERS, CreditRules
from domain.identifiers import business_key

PAGE_SIZE = 5000


@dataclass(frozen=True)
class WhatIfBusiness:
    key: str
    name: str
    current_points: int
    current_grade: str
    proposed_points: int
    proposed_grade: str
    changed: bool


@dataclass(frozen=True)
class WhatIf:
    as_of: date
    current_rules: str  # versions of the two files
    proposed_rules: str
    businesses_graded: int  # every business with a complaint filed by `as_of`
    changed: int  # how many of them would change grade
    current_grades: dict[str, int]  # grade → number of businesses
    proposed_grades: dict[str, int]
    moves: dict[str, int]  # "B→C" → number of businesses
    # Every business with points under either file, changed ones first, then worst first.
    businesses: list[WhatIfBusiness] = field(default_factory=list)
    events_read: int = 0
    seconds: float = 0.0


class _Book:
    """One rule set's ledger, reduced to what counts on `as_of`."""

    def __init__(self, rules: CreditRules, as_of: date) -> None:
        self.rules = rules
        self.as_of = as_of
        self.names = rules.event_names
        # An event this old makes only entries that expired by `as_of`, and can only
        # cancel such entries: skipping it changes nothing and saves most of the work
        # over years of history.
        self.too_old = as_of - timedelta(days=rules.in_force_days)
        self.open: dict[UUID, list[Entry]] = {}
        self.in_force: dict[str, tuple[str, int, str | None]] = {}

    def see(self, event: Any, name: str, on: date, business: str) -> None:
        if name not in self.names or on <= self.too_old:
            return
        cid = event.originator_id
        before = self.open.get(cid, ())
        made = entries_for(self.rules, event, on=on, open_entries=before)
        if not made:
            return
        if self.rules.cancellable:
            self.open[cid] = still_open(self.rules, before, made)
        for entry in made:
            if entry.in_force(self.as_of):
                self.in_force[entry.id] = (business, entry.points, entry.cancels)

    def points(self, voided: set[str]) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for entry_id, (business, points, cancels) in self.in_force.items():
            if entry_id in voided or (cancels is not None and cancels in voided):
                continue
            totals[business] += points
        return {key: p for key, p in totals.items() if p}


def what_if(desk: Any, *, current: CreditRules, proposed: CreditRules, as_of: date,
            tz: tzinfo, page_size: int = PAGE_SIZE) -> WhatIf:
    """Grades on `as_of` under both rule sets, from every event recorded so far."""
    started = time.perf_counter()
    names = {"Filed", "ReportReceived"} | current.event_names | proposed.event_names
    topics = [get_topic(getattr(Complaint, n, None) or getattr(Report, n))
              for n in sorted(names & (TRIGGERS.keys() | {"ReportReceived"}))]
    topics.append(get_topic(CreditEntryVoid.EntryVoided))
    books = (_Book(current, as_of), _Book(proposed, as_of))
    business_of: dict[UUID, str] = {}
    business_names: dict[str, str] = {}
    voided: set[str] = set()
    recorder, mapper = desk.recorder, desk.mapper
    head = recorder.max_notification_id() or 0
    position, read = 0, 0
    while position < head:
        page = recorder.select_notifications(start=position, limit=page_size, stop=head,
                                             topics=topics, inclusive_of_start=False)
        if not page:
            break
        position = page[-1].id
        read += len(page)
        for notification in page:
            event = mapper.to_domain_event(notification)
            name = type(event).__name__
            if name == "EntryVoided":
                voided.add(event.entry_id)
                continue
            on = event.at.astimezone(tz).date()
            if on > as_of:  # later events cannot change a grade on as_of
                continue
            if name == "Filed":
                key = business_key(event.business["name"], event.business.get("uscc"))
                business_of[event.originator_id] = key
                business_names[key] = event.business["name"]
            elif name == "ReportReceived":
                business_of[event.originator_id] = event.business_key
                business_names.setdefault(event.business_key, event.business["name"])
            business = business_of.get(event.originator_id)
            if business is None:
                continue
            for book in books:
                book.see(event, name, on, business)
    now_points, then_points = (book.points(voided) for book in books)
    rows = []
    moves: Counter[str] = Counter()
    current_grades: Counter[str] = Counter()
    proposed_grades: Counter[str] = Counter()
    for key in business_names:
        before, after = now_points.get(key, 0), then_points.get(key, 0)
        old, new = current.grade_for(before).value, proposed.grade_for(after).value
        current_grades[old] += 1
        proposed_grades[new] += 1
        if old != new:
            moves[f"{old}→{new}"] += 1
        if before or after or old != new:
            rows.append(WhatIfBusiness(key=key, name=business_names[key], current_points=before,
                                       current_grade=old, proposed_points=after,
                                       proposed_grade=new, changed=old != new))
    rows.sort(key=lambda r: (not r.changed, -r.proposed_points, -r.current_points, r.key))
    return WhatIf(
        as_of=as_of, current_rules=current.version, proposed_rules=proposed.version,
        businesses_graded=len(business_names), changed=sum(moves.values()),
        current_grades={g: current_grades[g] for g in "ABCD"},
        proposed_grades={g: proposed_grades[g] for g in "ABCD"},
        moves=dict(sorted(moves.items())), businesses=rows, events_read=read,
        seconds=round(time.perf_counter() - started, 3),
    )
