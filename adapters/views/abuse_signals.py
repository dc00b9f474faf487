"""Signs of abuse (Order 121 Art. 17; domain/abuse_signals.py) as a view over keyed hashes.

One row per complaint holds HMACs of the complainant (normalised name and phone), the
phone and the address, under the blind-index key with a purpose of their own, so the
table alone names nobody and cannot be matched against the search index either. A new
filing is compared with the rows before it in the same transaction; when a sign
appears it is set on every complaint that shares it, so an earlier case still waiting
for its decision shows it too. What the signs were when the office decided, and what
it decided, is kept beside them for the statistics.

The row also keeps how many consumers a complaint has (a joint complaint counts each
of them, Art. 12), which the statistics report beside the number of complaints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    BigInteger, Boolean, Column, Connection, Date, DateTime, Engine, Index, Integer, String,
    Table, and_, func, or_, select, update,
)

from adapters.projections import Page, View, metadata
from adapters.views.search_index import _token
from application.statistics import DecisionsWithSigns
from domain.abuse_signals import DEFAULT_THRESHOLDS, Sign, Thresholds
from domain.complaint import Complaint
from domain.identifiers import business_key
from domain.parties import consumer_count
from domain.personal_data import ERASED
from domain.search_terms import lookup_form

abuse_filings = Table(
    "abuse_filings",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("received_at", DateTime, nullable=False),  # naive UTC, like the other views
    Column("received_day", Date, nullable=False),  # the desk's local date
    Column("complainant", BigInteger),  # None once erased
    Column("phone", BigInteger),
    Column("address", BigInteger),
    Column("business_key", String(200), nullable=False),
    Column("kind", String(64), nullable=False),  # category/industry
    Column("consumers", Integer, nullable=False),
    Column(Sign.SHARED_PHONE.value, Boolean, nullable=False, default=False),
    Column(Sign.SHARED_ADDRESS.value, Boolean, nullable=False, default=False),
    Column(Sign.REPEAT_BUSINESS.value, Boolean, nullable=False, default=False),
    Column(Sign.REPEAT_KIND.value, Boolean, nullable=False, default=False),
    Column("decision", String(40)),  # accepted, rejected:<reason>, withdrawn
    Column("decided_day", Date),
    Column("signs_at_decision", String(100)),  # comma-separated, "" for none
    Index("ix_abuse_phone", "phone"),
    Index("ix_abuse_address", "address"),
    Index("ix_abuse_complainant", "complainant", "business_key", "received_at"),
    Index("ix_abuse_kind", "complainant", "kind", "received_at"),
    Index("ix_abuse_received", "received_day"),
    Index("ix_abuse_decided", "decided_day"),
)

SIGNS = tuple(Sign)
_c = abuse_filings.c


class AbuseSignalsView(View):
    name = "abuse_signals"
    tables = (abuse_filings,)

    def __init__(self, engine: Engine, keys: Callable[[], list[bytes]], *, tz: tzinfo,
                 thresholds: Thresholds = DEFAULT_THRESHOLDS) -> None:
        self.engine = engine
        self.keys = keys
        self.tz = tz
        self.thresholds = thresholds

    # ----- following the events ------------------------------------------------

    def apply(self, db: Connection, page: Page) -> None:
        for event, _ in page:
            kind = type(event).__name__
            if isinstance(event, Complaint.Filed):
                self._filed(db, event)
            elif kind in ("Accepted", "Rejected") or (kind == "Withdrawn"
                                                      and event.state == "withdrawn"):
                self._decided(db, event, kind)
            elif kind == "PersonalDataErased":
                db.execute(update(abuse_filings)
                           .where(_c.complaint_id == str(event.originator_id))
                           .values(complainant=None, phone=None, address=None))

    def _hash(self, purpose: bytes, value: Any) -> int | None:
        if not isinstance(value, str) or not value or value == ERASED:
            return None
        form = lookup_form(value)
        return _token(self.keys()[0], purpose, form) if form else None

    def _filed(self, db: Connection, event: Any) -> None:
        consumer, business = event.consumer, event.business
        name, phone = consumer.get("name"), consumer.get("phone")
        received = event.received_at.astimezone(UTC).replace(tzinfo=None)
        row = {
            "complaint_id": str(event.originator_id), "received_at": received,
            "received_day": event.received_at.astimezone(self.tz).date(),
            "complainant": self._hash(b"abuse-person", f"{name}\x1f{phone}"
                                      if name and phone and ERASED not in (name, phone) else None),
            "phone": self._hash(b"abuse-phone", phone),
            "address": self._hash(b"abuse-address", consumer.get("address")),
            "business_key": business_key(business["name"], business.get("uscc")),
            "kind": f"{event.category}/{event.industry}",
            "consumers": consumer_count(getattr(event, "joint", None)),
        }
        db.execute(abuse_filings.insert(), row)
        t = self.thresholds
        if row["phone"] is not None:
            self._mark_shared(db, Sign.SHARED_PHONE, _c.phone == row["phone"])
        if row["address"] is not None:
            self._mark_shared(db, Sign.SHARED_ADDRESS, _c.address == row["address"])
        if row["complainant"] is not None:
            near = _c.received_at.between(received - timedelta(days=t.window_days),
                                          received + timedelta(days=t.window_days))
            mine = and_(_c.complainant == row["complainant"], near)
            same_business = _c.business_key == row["business_key"]
            same_kind = _c.kind == row["kind"]
            # One round trip for both counts: most complainants have a handful of rows.
            found = db.execute(select(_c.business_key, _c.kind)
                               .where(mine, or_(same_business, same_kind))).all()
            if sum(r.business_key == row["business_key"] for r in found) >= t.same_business:
                self._mark(db, Sign.REPEAT_BUSINESS, and_(mine, same_business))
            if sum(r.kind == row["kind"] for r in found) >= t.same_kind:
                self._mark(db, Sign.REPEAT_KIND, and_(mine, same_kind))

    # Counting a shared contact stops at the threshold, and only rows not yet marked are
    # written: a number shared by hundreds of filings costs each new one no more.
    def _mark_shared(self, db: Connection, sign: Sign, sharing: Any) -> None:
        threshold = self.thresholds.shared_contact
        people = db.execute(select(_c.complainant).where(sharing).distinct()
                            .limit(threshold)).all()
        if len(people) >= threshold:
            self._mark(db, sign, sharing)

    @staticmethod
    def _mark(db: Connection, sign: Sign, rows: Any) -> None:
        db.execute(update(abuse_filings).where(rows, _c[sign.value].is_(False))
                   .values({sign.value: True}))

    def _decided(self, db: Connection, event: Any, kind: str) -> None:
        key = str(event.originator_id)
        found = db.execute(select(*[_c[s.value] for s in SIGNS], _c.decision)
                           .where(_c.complaint_id == key)).first()
        if found is None or found.decision is not None:
            return  # only the first decision counts: accept, reject, or withdraw before one
        decision = {"Accepted": "accepted", "Withdrawn": "withdrawn"}.get(
            kind, f"rejected:{getattr(event, 'reason', '')}")
        signs = ",".join(s.value for s in SIGNS if getattr(found, s.value))
        db.execute(update(abuse_filings).where(_c.complaint_id == key).values(
            decision=decision, decided_day=event.at.astimezone(self.tz).date(),
            signs_at_decision=signs))

    # ----- queries ---------------------------------------------------------------

    def signs_of(self, complaint_ids: Iterable[str]) -> dict[str, list[str]]:
        """The signs each complaint shows now (those without any are left out)."""
        ids = [str(i) for i in complaint_ids]
        if not ids:
            return {}
        with self.engine.connect() as db:
            rows = db.execute(select(_c.complaint_id, *[_c[s.value] for s in SIGNS])
                              .where(_c.complaint_id.in_(ids))).all()
        found = {r.complaint_id: [s.value for s in SIGNS if getattr(r, s.value)] for r in rows}
        return {k: v for k, v in found.items() if v}

    def decisions(self, *, since: date, until: date) -> DecisionsWithSigns:
        """Decisions made from `since` to `until` (local dates), and what was decided
        where the case showed signs."""
        in_range = _c.decided_day.between(since, until)
        with self.engine.connect() as db:
            rows = db.execute(select(_c.decision, _c.signs_at_decision, func.count())
                              .where(in_range)
                              .group_by(_c.decision, _c.signs_at_decision)).all()
        by_sign: dict[str, int] = {}
        by_decision: dict[str, int] = {}
        total = flagged = 0
        for decision, signs, count in rows:
            total += count
            if not signs:
                continue
            flagged += count
            by_decision[decision] = by_decision.get(decision, 0) + count
            for sign in signs.split(","):
                by_sign[sign] = by_sign.get(sign, 0) + count
        return DecisionsWithSigns(decisions=total, with_signs=flagged, by_sign=by_sign,
                                  by_decision=by_decision)

    def consumers(self, *, since: date, until: date) -> int:
        """Consumers behind the complaints received in the range: a joint complaint
        is one complaint and each of its consumers (Order 121 Art. 12)."""
        with self.engine.connect() as db:
            return int(db.execute(select(func.coalesce(func.sum(_c.consumers), 0))
                                  .where(_c.received_day.between(since, until))).scalar_one())
