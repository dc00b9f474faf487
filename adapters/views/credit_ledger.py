"""The credit ledger view: one row per penalty or cancellation entry, and the voids beside them.

The entries are whatever `domain.credit_ledger.entries_for` makes of each complaint
event under the rules file in force when the view was built; a changed file takes
effect by rebuilding this view. Voids live in their own table keyed by entry id and
are joined at query time, so a void recorded before a rebuild still finds its entry
(entry ids are derived from complaint, version and rule) and never depends on the
order pages arrive in. Grades are worked out at query time for any date, never stored.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import UTC, date, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    func,
    select,
)

from adapters.projections import Page, View, metadata
from adapters.views.bulk_rows import insert_rows
from adapters.views.moments import stored_utc
from application.credit import LedgerEntry
from domain.complaint import Complaint
from domain.report import Report
from domain.credit_ledger import PENALTY, Entry, entries_for, still_open
from domain.credit_repair import CreditEntryVoid
from domain.credit_rules import CreditRules
from domain.identifiers import business_key

log = logging.getLogger(__name__)

credit_complaints = Table(
    "credit_complaints",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("business_key", String(200), nullable=False),
    Column("business_name", String(200), nullable=False),
    Column("seq", BigInteger, nullable=False),  # the filing's notification id: latest name wins
    Index("ix_credit_complaints_business", "business_key", "seq"),
)

credit_entries = Table(
    "credit_entries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("business_key", String(200), nullable=False),
    Column("complaint_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("rule", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("points", Integer, nullable=False),
    Column("effective", Date, nullable=False),
    Column("expires", Date, nullable=False),
    Column("cancels", String(36)),
    Column("rules_version", String(64), nullable=False),
    Index("ix_credit_entries_business", "business_key", "effective"),
    Index("ix_credit_entries_complaint", "complaint_id"),
    Index("ix_credit_entries_in_force", "effective", "expires"),
)

credit_voids = Table(
    "credit_voids",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("void_id", String(36), nullable=False),
    Column("reason", Text, nullable=False),
    Column("by_username", String(64), nullable=False),
    Column("by_role", String(16), nullable=False),
    Column("at", DateTime, nullable=False),
)

_VOIDED_TARGET = "the entry it cancels was voided"


class CreditLedgerView(View):
    name = "credit_ledger"
    tables = (credit_complaints, credit_entries, credit_voids)

    def __init__(self, engine: Engine, *, rules: CreditRules,
                 tz: tzinfo = ZoneInfo("Asia/Shanghai")) -> None:
        self.engine = engine
        self.rules = rules
        self.tz = tz
        self._names = rules.event_names
        self._cancellable = bool(rules.cancellable)

    # ----- projecting -------------------------------------------------------

    def apply(self, db: Connection, page: Page) -> None:
        filed: dict[str, dict[str, Any]] = {}
        relevant: list[tuple[str, Any]] = []
        voids: list[dict[str, Any]] = []
        for event, notification_id in page:
            if not isinstance(event, Complaint.Event | Report.Event):
                if isinstance(event, CreditEntryVoid.EntryVoided):
                    voids.append(_void_row(event))
                continue
            if isinstance(event, Report.ReportReceived):
                # A report names its business as a filing does; its entries (a confirmed
                # violation) are explained by the report's event.
                filed[str(event.originator_id)] = {
                    "complaint_id": str(event.originator_id),
                    "business_key": event.business_key,
                    "business_name": event.business["name"], "seq": notification_id}
            if isinstance(event, Complaint.Filed):
                business = event.business
                cid = str(event.originator_id)
                filed[cid] = {
                    "complaint_id": cid,
                    "business_key": business_key(business["name"], business.get("uscc")),
                    "business_name": business["name"],
                    "seq": notification_id,
                }
            if type(event).__name__ in self._names:
                relevant.append((str(event.originator_id), event))
        rows: list[dict[str, Any]] = []
        if relevant:
            owner = {cid: row["business_key"] for cid, row in filed.items()}
            earlier = {cid for cid, _ in relevant} - owner.keys()
            open_: dict[str, list[Entry]] = {}
            if earlier:
                stored_owner, open_ = self._stored(db, earlier)
                owner.update(stored_owner)
            for cid, entry in self._entries(relevant, open_):
                key = owner.get(cid)
                if key is None:  # an event without its filing: a store damaged by hand
                    log.warning("credit ledger: complaint %s has no filing; entry skipped", cid)
                    continue
                rows.append(self._entry_row(entry, cid, key))
        if filed:
            insert_rows(db, credit_complaints, list(filed.values()))
        if rows:
            insert_rows(db, credit_entries, rows)
        if voids:
            db.execute(credit_voids.insert(), voids)

    def _entries(self, events: list[tuple[str, Any]],
                 open_: dict[str, list[Entry]]) -> list[tuple[str, Entry]]:
        """Entries for the page's events, each complaint's open penalties carried along."""
        made: list[tuple[str, Entry]] = []
        for cid, event in events:
            before = open_.get(cid, [])
            new = entries_for(self.rules, event, on=event.at.astimezone(self.tz).date(),
                              open_entries=before)
            if new:
                made.extend((cid, entry) for entry in new)
                if self._cancellable:
                    open_[cid] = still_open(self.rules, before, new)
        return made

    def _stored(self, db: Connection, complaint_ids: set[str]) -> tuple[
            dict[str, str], dict[str, list[Entry]]]:
        """For complaints filed on earlier pages, in one round trip: each one's business,
        and its stored penalties of cancellable rules that nothing has cancelled yet."""
        c, e = credit_complaints.c, credit_entries.c
        cancellable = sorted(self.rules.cancellable)
        wanted = c.complaint_id.in_(sorted(complaint_ids))
        if not cancellable:
            found = db.execute(select(c.complaint_id, c.business_key).where(wanted)).all()
            return dict(found), {}  # type: ignore[arg-type]
        rows = db.execute(
            select(c.complaint_id, c.business_key, e.id, e.version, e.rule, e.kind, e.points,
                   e.effective, e.expires, e.cancels)
            .select_from(credit_complaints.outerjoin(
                credit_entries, and_(e.complaint_id == c.complaint_id, e.rule.in_(cancellable))))
            .where(wanted)
        ).all()
        owner = {row[0]: row[1] for row in rows}
        cancelled = {row[9] for row in rows if row[9] is not None}
        open_: dict[str, list[Entry]] = {}
        for cid, _, id_, version, rule, kind, points, effective, expires, _ in rows:
            if id_ is not None and kind == PENALTY and id_ not in cancelled:
                open_.setdefault(cid, []).append(Entry(
                    id=id_, complaint_id=cid, version=version, rule=rule, kind=kind,
                    points=points, effective=effective, expires=expires,
                ))
        return owner, open_

    def _entry_row(self, entry: Entry, cid: str, key: str) -> dict[str, Any]:
        return {
            "id": entry.id,
            "business_key": key,
            "complaint_id": cid,
            "version": entry.version,
            "rule": entry.rule,
            "kind": entry.kind,
            "points": entry.points,
            "effective": entry.effective,
            "expires": entry.expires,
            "cancels": entry.cancels,
            "rules_version": self.rules.version,
        }

    # ----- queries ----------------------------------------------------------

    def businesses(self) -> dict[str, str]:
        """Every business named by a complaint, with the name on its latest filing."""
        with self.engine.connect() as db:
            return dict(db.execute(_latest_names()).all())  # type: ignore[arg-type]

    def business_name(self, key: str) -> str | None:
        c = credit_complaints.c
        with self.engine.connect() as db:
            return db.scalar(select(c.business_name).where(c.business_key == key)
                             .order_by(c.seq.desc()).limit(1))

    def points(self, *, as_of: date, keys: Collection[str] | None = None) -> dict[str, int]:
        e = credit_entries.alias("e")
        own = credit_voids.alias("own")
        target = credit_voids.alias("target")
        statement = (
            select(e.c.business_key, func.sum(e.c.points))
            .select_from(e.outerjoin(own, own.c.entry_id == e.c.id)
                         .outerjoin(target, target.c.entry_id == e.c.cancels))
            .where(e.c.effective <= as_of, e.c.expires > as_of,
                   own.c.entry_id.is_(None), target.c.entry_id.is_(None))
            .group_by(e.c.business_key)
        )
        if keys is not None:
            if not keys:
                return {}
            statement = statement.where(e.c.business_key.in_(sorted(keys)))
        with self.engine.connect() as db:
            rows = db.execute(statement).all()
        return {key: int(total) for key, total in rows if total}

    def entries(self, key: str, *, as_of: date) -> list[LedgerEntry]:
        e = credit_entries.alias("e")
        statement = (
            self._entries_select(e)
            .where(e.c.business_key == key, e.c.effective <= as_of, e.c.expires > as_of)
            .order_by(e.c.effective, e.c.complaint_id, e.c.version, e.c.kind, e.c.rule)
        )
        with self.engine.connect() as db:
            return [_entry_of(row) for row in db.execute(statement).mappings()]

    def entry(self, entry_id: str) -> LedgerEntry | None:
        e = credit_entries.alias("e")
        with self.engine.connect() as db:
            row = db.execute(self._entries_select(e).where(e.c.id == entry_id)).mappings().first()
        return _entry_of(row) if row else None

    def complaint_entries(self, complaint_id: str) -> list[LedgerEntry]:
        """Every entry a complaint caused, for its case page and the audit."""
        e = credit_entries.alias("e")
        with self.engine.connect() as db:
            rows = db.execute(self._entries_select(e).where(e.c.complaint_id == complaint_id)
                              .order_by(e.c.version, e.c.kind, e.c.rule)).mappings().all()
        return [_entry_of(row) for row in rows]

    def rules_versions(self) -> dict[str, int]:
        """Entries per rules version: more than one means the file changed without a rebuild."""
        c = credit_entries.c
        with self.engine.connect() as db:
            rows = db.execute(select(c.rules_version, func.count()).group_by(c.rules_version))
            return {version: int(n) for version, n in rows}

    @staticmethod
    def _entries_select(e: Any) -> Any:
        own = credit_voids.alias("own")
        target = credit_voids.alias("target")
        return (
            select(e, own.c.reason.label("void_reason"), own.c.by_username.label("voided_by"),
                   own.c.at.label("voided_at"), target.c.entry_id.label("target_voided"))
            .select_from(e.outerjoin(own, own.c.entry_id == e.c.id)
                         .outerjoin(target, target.c.entry_id == e.c.cancels))
        )


def _latest_names() -> Any:
    c = credit_complaints.c
    latest = (select(c.business_key, func.max(c.seq).label("seq"))
              .group_by(c.business_key).subquery())
    return select(c.business_key, c.business_name).join(
        latest, and_(latest.c.business_key == c.business_key, latest.c.seq == c.seq))


def _void_row(event: Any) -> dict[str, Any]:
    return {
        "entry_id": event.entry_id,
        "void_id": str(event.originator_id),
        "reason": event.reason,
        "by_username": event.actor["username"],
        "by_role": event.actor["role"],
        "at": stored_utc(event.at),
    }


def _entry_of(row: Any) -> LedgerEntry:
    own_void = row["void_reason"] is not None
    target_void = row["target_voided"] is not None
    return LedgerEntry(
        id=row["id"],
        business_key=row["business_key"],
        rule=row["rule"],
        kind=row["kind"],
        points=row["points"],
        complaint_id=row["complaint_id"],
        version=row["version"],
        effective=row["effective"],
        expires=row["expires"],
        cancels=row["cancels"],
        voided=own_void or target_void,
        void_reason=row["void_reason"] if own_void else (_VOIDED_TARGET if target_void else None),
        voided_by=row["voided_by"],
        voided_at=row["voided_at"].replace(tzinfo=UTC) if row["voided_at"] else None,
        rules_version=row["rules_version"],
    )
