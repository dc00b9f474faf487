"""The complaint list view: one masked summary row per complaint, for search and filtering."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Numeric,
    Select,
    Text,
    ColumnElement,
    Select,
    and_,
    bindparam,
    cast,
    false,
    or_,
    func,
    select,
    union,
)

from adapters.projections import Page, View, metadata
from adapters.views.bulk_rows import insert_rows
from adapters.views.moments import stored_utc
from adapters.views.search_index import SearchIndex, complaint_terms, consumer_lookup
from application.listing import SORTS, ComplaintSummary, ListFilter, SummaryPage
from domain.complaint import Complaint
from domain.identifiers import business_key, halfwidth
from domain.masking import mask_name, mask_phone
from domain.personal_data import ERASED, is_erased
from domain.vocabulary import TERMINAL_STATES

complaint_list = Table(
    "complaint_list",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("office", String(32), nullable=False),
    Column("mediator", String(64)),
    Column("consumer_name", String(60), nullable=False),
    Column("consumer_phone", String(40), nullable=False),
    Column("business_key", String(200), nullable=False),
    Column("business_name", String(200), nullable=False),
    Column("category", String(16), nullable=False),
    Column("industry", String(32), nullable=False),
    Column("amount", String(24), nullable=False),
    Column("suspended", Boolean, nullable=False),
    Column("regulation", String(32), nullable=False),
    # Empty: stores made before the keyed search tokens (search_index.py) have this
    # column, and held descriptions in it in clear; nothing is written here any more.
    Column("search_text", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("number", String(48)),
    Index("ix_complaint_list_state_received", "state", "received_at"),
    Index("ix_complaint_list_office_received", "office", "received_at"),
    Index("ix_complaint_list_business", "business_key"),
    Index("ix_complaint_list_mediator", "mediator", "state"),
    Index("ix_complaint_list_received", "received_at"),
    Index("ix_complaint_list_number", "number"),
)


def _summary_row(event: Complaint.Filed) -> dict[str, Any]:
    business = event.business
    return {
        "id": str(event.originator_id),
        "version": event.originator_version,
        "state": "filed",
        "channel": event.channel,
        "received_at": stored_utc(event.received_at),
        "office": event.office,
        "mediator": None,
        # Personal data is masked once, here; the full values never reach this table.
        "consumer_name": _masked(event.consumer["name"], mask_name),
        "consumer_phone": _masked(event.consumer["phone"], mask_phone),
        "business_key": business_key(business["name"], business.get("uscc")),
        "business_name": business["name"],
        "category": event.category,
        "industry": event.industry,
        "amount": str(event.amount),
        "suspended": False,
        "regulation": event.regulation,
        "search_text": "",
        "updated_at": stored_utc(event.at),
        "number": event.number,
    }


def _masked(value: str, mask: Any) -> str:
    return ERASED if is_erased(value) else mask(value)


def _changes(event: Any) -> dict[str, Any]:
    changes: dict[str, Any] = {"version": event.originator_version, "updated_at": stored_utc(event.at)}
    if hasattr(event, "state"):
        changes["state"] = event.state
    kind = type(event).__name__
    if kind == "Transferred":
        changes["office"] = event.to_office
    elif kind in ("MediatorAssigned", "MediatorReassigned"):
        changes["mediator"] = event.mediator
    elif kind == "ClockSuspended":
        changes["suspended"] = True
    elif kind in ("ClockResumed", "Resolved", "Terminated", "Escalated", "Withdrawn"):
        changes["suspended"] = False
    elif kind == "PersonalDataErased":
        changes["consumer_name"] = changes["consumer_phone"] = ERASED
    return changes


class ComplaintListView(View):
    name = "complaint_list"
    tables = (complaint_list, consumer_lookup, complaint_terms)

    def __init__(self, engine: Engine, index: SearchIndex,
                 overdue_ids: Callable[[], Select[Any]] | None = None) -> None:
        self.engine = engine
        self.index = index
        # The ids of complaints with a clock past due now, from the timeliness view:
        # "overdue" changes as time passes, so it is asked at query time, never stored.
        self.overdue_ids = overdue_ids

    def apply(self, db: Connection, page: Page) -> None:
        new: dict[str, dict[str, Any]] = {}
        changed: dict[str, dict[str, Any]] = {}
        lookups: dict[str, list[dict[str, Any]]] = {}
        terms: dict[str, list[dict[str, Any]]] = {}
        erased: list[dict[str, Any]] = []
        for event, _ in page:
            key = str(event.originator_id)
            if isinstance(event, Complaint.Filed):
                new[key] = _summary_row(event)
                lookups[key], terms[key] = self.index_rows(event)
            elif key in new:
                new[key].update(_changes(event))
            else:
                changed.setdefault(key, {}).update(_changes(event))
            if type(event).__name__ == "PersonalDataErased":
                lookups.pop(key, None)
                terms.pop(key, None)
                erased.append({"_id": key})
        insert_rows(db, complaint_list, list(new.values()))
        for table, rows in ((consumer_lookup, lookups), (complaint_terms, terms)):
            insert_rows(db, table, [row for per_complaint in rows.values() for row in per_complaint])
            if erased:
                db.execute(table.delete().where(table.c.complaint_id == bindparam("_id")), erased)
        # executemany needs one statement per shape of change; a page has only a few shapes.
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for key, values in changed.items():
            by_shape.setdefault(tuple(sorted(values)), []).append({"_id": key, **values})
        for shape, rows in by_shape.items():
            statement = (
                complaint_list.update()
                .where(complaint_list.c.id == bindparam("_id"))
                .values({name: bindparam(name) for name in shape})
            )
            db.execute(statement, rows)

    def index_rows(self, event: Complaint.Filed) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        key = str(event.originator_id)
        business = event.business
        return (self.index.lookup_rows(key, event.consumer),
                self.index.term_rows(key, (event.description, event.request, business["name"],
                                           business.get("platform"))))

    # ----- queries ----------------------------------------------------------

    def search(self, criteria: ListFilter) -> SummaryPage:
        c = complaint_list.c
        conditions = []
        if criteria.state:
            conditions.append(c.state == criteria.state)
        if criteria.office:
            conditions.append(c.office == criteria.office)
        if criteria.mediator:
            conditions.append(c.mediator == criteria.mediator)
        if criteria.business:
            wanted = business_key(criteria.business, None)
            conditions.append(
                (c.business_key == criteria.business.strip().upper())
                | (c.business_key == wanted)
                | c.business_name.contains(criteria.business.strip(), autoescape=True)
            )
        if criteria.business_key:
            conditions.append(c.business_key == criteria.business_key)
        if criteria.industry:
            conditions.append(c.industry == criteria.industry)
        if criteria.channel:
            conditions.append(c.channel == criteria.channel)
        if criteria.received_since:
            conditions.append(c.received_at >= stored_utc(criteria.received_since))
        if criteria.received_before:
            conditions.append(c.received_at < stored_utc(criteria.received_before))
        if criteria.overdue is not None and self.overdue_ids is not None:
            late = c.id.in_(self.overdue_ids())
            conditions.append(late if criteria.overdue else ~late)
        per_page = max(1, min(criteria.per_page, 200))
        page = max(1, criteria.page)
        with self.engine.connect() as db:
            if criteria.q:
                conditions.append(self._matching(db, criteria.q, conditions))
            total = db.scalar(select(func.count()).select_from(complaint_list).where(*conditions))
            rows = db.execute(
                select(complaint_list).where(*conditions)
                .order_by(*_order(criteria.sort), c.id)
                .limit(per_page).offset((page - 1) * per_page)
            ).mappings().all()
        return SummaryPage(items=[_summary_of(r) for r in rows], total=int(total or 0),
                           page=page, per_page=per_page)

    def _matching(self, db: Connection, q: str, conditions: list[Any]) -> ColumnElement[bool]:
        """A whole identifier that matches is the answer (the caller on the line); only
        when none does are the words looked for, which costs far more (bench.privacy)."""
        exact = complaint_list.c.id.in_(union(*self._exact_matches(q)))
        if db.scalar(select(complaint_list.c.id).where(*conditions, exact).limit(1)) is not None:
            return exact
        return self._all_words(q)

    def _exact_matches(self, q: str) -> list[Select[Any]]:
        """Whole identifiers, each the ids one indexed lookup finds: the consumer's full
        phone, name or ID number (blind index), the business's credit code, the case
        number. One id set per key, joined in one IN, so the database probes indexes
        instead of scanning."""
        c = complaint_list.c
        matches = [select(c.id).where(c.business_key == halfwidth(q).strip().upper()),
                   # A case number read out on the phone finds its case exactly.
                   select(c.id).where(c.number == q.strip().upper())]
        tokens = self.index.lookup_tokens(q)
        if tokens:
            matches.append(select(consumer_lookup.c.complaint_id)
                           .where(consumer_lookup.c.token.in_(tokens)))
        return matches

    def _all_words(self, q: str) -> ColumnElement[bool]:
        """Every word found as all its character pairs in the description, the request or
        the business's name and platform (keyed tokens)."""
        conditions = []
        for pairs in self.index.word_tokens(q):
            tokens = [token for per_pair in pairs for token in per_pair]
            # A complaint's rows are all under one key, so holding every pair means
            # as many rows as the word has pairs.
            conditions.append(complaint_list.c.id.in_(
                select(complaint_terms.c.complaint_id)
                .where(complaint_terms.c.token.in_(tokens))
                .group_by(complaint_terms.c.complaint_id)
                .having(func.count() >= len(pairs))))
        return and_(*conditions) if conditions else false()

    def closed_received_before(self, moment: datetime) -> list[str]:
        """Closed complaints received before the moment: those a retention run examines."""
        c = complaint_list.c
        closed = [s.value for s in TERMINAL_STATES]
        with self.engine.connect() as db:
            return list(db.scalars(
                select(c.id).where(c.state.in_(closed), c.received_at < stored_utc(moment))
                .order_by(c.received_at, c.id)))

    def numbers_of(self, ids: list[str]) -> dict[str, str]:
        """The case numbers of these complaints, for lists built from other views."""
        c = complaint_list.c
        if not ids:
            return {}
        with self.engine.connect() as db:
            rows = db.execute(select(c.id, c.number).where(c.id.in_(ids))).all()
        return {key: number for key, number in rows if number}

    def count_by_state(self) -> dict[str, int]:
        c = complaint_list.c
        with self.engine.connect() as db:
            rows = db.execute(select(c.state, func.count()).group_by(c.state)).all()
        return {state: int(n) for state, n in rows}


def _order(sort: str) -> list[Any]:
    name = sort.lstrip("-")
    if name not in SORTS:
        name, sort = "received_at", "-received_at"
    # Amounts are stored as decimal strings: compared as numbers, not as text.
    column: Any = (cast(complaint_list.c.amount, Numeric(18, 2)) if name == "amount"
                   else complaint_list.c[name])
    return [column.desc() if sort.startswith("-") else column.asc()]


def _summary_of(row: Any) -> ComplaintSummary:
    return ComplaintSummary(
        id=row["id"],
        version=row["version"],
        state=row["state"],
        channel=row["channel"],
        received_at=row["received_at"].replace(tzinfo=UTC),
        office=row["office"],
        mediator=row["mediator"],
        consumer_name=row["consumer_name"],
        consumer_phone=row["consumer_phone"],
        business_key=row["business_key"],
        business_name=row["business_name"],
        category=row["category"],
        industry=row["industry"],
        amount=Decimal(row["amount"]),
        suspended=bool(row["suspended"]),
        updated_at=row["updated_at"].replace(tzinfo=UTC),
        number=row["number"],
    )
