"""The statistics view: one row of facts per complaint, for supervisors' statistics, the
public disclosure and model-business candidates.

No personal data: there is no column for a consumer's name, phone, address or ID,
nor for free text (descriptions, notes, terms) that might hold them. Dates are local
dates in the configured zone, so a month or a year means what it means in the office.
Timeliness is judged at query time with the injected working-day calendar, so a
corrected holiday schedule changes the answers without a rebuild.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Engine,
    Index,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
)

from adapters.projections import Page, View, metadata
from application.statistics import (
    MonthStats,
    PublicFacts,
    Statistics,
    WorkingDays,
    rate,
    within,
)
from domain.complaint import Complaint
from domain.grades import ModelRecord
from domain.identifiers import business_key
from domain.regulation import by_id

complaint_facts = Table(
    "complaint_facts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("business_key", String(200), nullable=False),
    Column("business_name", String(200), nullable=False),
    Column("office", String(32), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("category", String(16), nullable=False),
    Column("industry", String(32), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),  # in dispute
    Column("regulation", String(32), nullable=False),
    Column("mediation_regulation", String(32)),
    Column("state", String(16), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("acceptance_from", Date, nullable=False),  # receipt, or the last transfer
    Column("accepted_on", Date),
    Column("rejected_on", Date),
    Column("withdrawn_on", Date),
    Column("resolved_on", Date),
    Column("terminated_on", Date),
    Column("escalated_on", Date),
    Column("closed_on", Date),  # the first terminal state
    Column("closed_as", String(16)),
    Column("closing_reason", String(32)),
    Column("forum", String(24)),
    Column("mediated", Boolean, nullable=False),
    Column("outcome", String(16)),
    Column("amount_recovered_fen", BigInteger),
    Column("satisfaction", Integer),
    Column("rated_on", Date),
    Index("ix_complaint_facts_received", "received_on"),
    Index("ix_complaint_facts_business_accepted", "business_key", "accepted_on"),
    Index("ix_complaint_facts_accepted", "accepted_on"),
    Index("ix_complaint_facts_closed", "closed_on"),
)

complaint_suspensions = Table(
    "complaint_suspensions",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("suspended_on", Date, nullable=False),
    Column("resumed_on", Date),  # null while suspended; closing the case ends it too
)

_CLOSING = {"Rejected": "rejected", "Resolved": "resolved", "Terminated": "terminated",
            "Withdrawn": "withdrawn"}


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


class StatisticsView(View):
    name = "statistics"
    tables = (complaint_facts, complaint_suspensions)

    def __init__(self, engine: Engine, *, working_days: WorkingDays,
                 tz: tzinfo = ZoneInfo("Asia/Shanghai")) -> None:
        self.engine = engine
        self.working_days = working_days
        self.tz = tz

    # ----- projecting -------------------------------------------------------

    def apply(self, db: Connection, page: Page) -> None:
        new: dict[str, dict[str, Any]] = {}
        changed: dict[str, dict[str, Any]] = {}
        pauses: dict[tuple[str, int], dict[str, Any]] = {}
        open_pause: dict[str, tuple[str, int]] = {}
        resumed: list[dict[str, Any]] = []  # suspensions stored by earlier pages
        for event, _ in page:
            if not isinstance(event, Complaint.Event):
                continue
            key = str(event.originator_id)
            if isinstance(event, Complaint.Filed):
                new[key] = self._facts_row(event)
                continue
            day = event.at.astimezone(self.tz).date()
            kind = type(event).__name__
            if kind == "ClockSuspended":
                pauses[(key, event.originator_version)] = {
                    "complaint_id": key, "version": event.originator_version,
                    "suspended_on": day, "resumed_on": None,
                }
                open_pause[key] = (key, event.originator_version)
            elif kind == "ClockResumed":
                if key in open_pause:
                    pauses[open_pause.pop(key)]["resumed_on"] = day
                else:
                    resumed.append({"_id": key, "resumed_on": day})
            changes = self._changes(event, kind, day)
            if key in new:
                new[key].update(changes)
            else:
                changed.setdefault(key, {}).update(changes)
        if new:
            db.execute(complaint_facts.insert(), list(new.values()))
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for key, values in changed.items():
            by_shape.setdefault(tuple(sorted(values)), []).append({"_id": key, **values})
        for shape, rows in by_shape.items():
            db.execute(
                complaint_facts.update().where(complaint_facts.c.id == bindparam("_id"))
                .values({name: bindparam(name) for name in shape}),
                rows,
            )
        # Earlier pages' suspensions first, so this page's new ones are not closed by mistake.
        if resumed:
            s = complaint_suspensions.c
            db.execute(
                complaint_suspensions.update()
                .where(s.complaint_id == bindparam("_id"), s.resumed_on.is_(None))
                .values(resumed_on=bindparam("resumed_on")),
                resumed,
            )
        if pauses:
            db.execute(complaint_suspensions.insert(), list(pauses.values()))

    def _facts_row(self, event: Any) -> dict[str, Any]:
        business = event.business
        received = event.received_at.astimezone(self.tz).date()
        return {
            "id": str(event.originator_id),
            "version": event.originator_version,
            "business_key": business_key(business["name"], business.get("uscc")),
            "business_name": business["name"],
            "office": event.office,
            "channel": event.channel,
            "category": event.category,
            "industry": event.industry,
            "amount_fen": _fen(event.amount),
            "regulation": event.regulation,
            "mediation_regulation": None,
            "state": "filed",
            "received_on": received,
            "acceptance_from": received,
            "accepted_on": None, "rejected_on": None, "withdrawn_on": None,
            "resolved_on": None, "terminated_on": None, "escalated_on": None,
            "closed_on": None, "closed_as": None, "closing_reason": None, "forum": None,
            "mediated": False, "outcome": None, "amount_recovered_fen": None,
            "satisfaction": None, "rated_on": None,
        }

    @staticmethod
    def _changes(event: Any, kind: str, day: date) -> dict[str, Any]:
        changes: dict[str, Any] = {"version": event.originator_version}
        if hasattr(event, "state"):
            changes["state"] = event.state
        if kind == "Transferred":
            changes["office"] = event.to_office
            changes["acceptance_from"] = day  # the acceptance clock restarts at a transfer
        elif kind == "Accepted":
            changes["accepted_on"] = day
            changes["mediation_regulation"] = event.regulation
        elif kind in ("MediatorAssigned", "MediatorReassigned"):
            changes["mediated"] = True
        elif kind == "Escalated":
            changes["escalated_on"] = day
            changes["forum"] = event.forum
            if event.from_state == "mediated":  # from resolved or terminated it was closed already
                changes["closed_on"] = day
                changes["closed_as"] = "escalated"
        elif kind == "SatisfactionRecorded":
            changes["satisfaction"] = event.score
            changes["rated_on"] = day
        if kind in _CLOSING:
            changes[f"{_CLOSING[kind]}_on"] = day
            changes["closed_on"] = day
            changes["closed_as"] = _CLOSING[kind]
            if kind in ("Rejected", "Terminated"):
                changes["closing_reason"] = event.reason
            if kind == "Resolved":
                changes["outcome"] = event.outcome
                changes["amount_recovered_fen"] = _fen(event.amount_recovered)
        return changes

    # ----- supervisors' statistics ---------------------------------------------

    def statistics(self, *, since: date, until: date) -> Statistics:
        f = complaint_facts.c
        s = complaint_suspensions.c
        in_range = and_(f.received_on >= since, f.received_on <= until)
        columns = (f.id, f.state, f.channel, f.category, f.industry, f.office, f.received_on,
                   f.regulation, f.mediation_regulation, f.acceptance_from, f.accepted_on,
                   f.rejected_on, f.withdrawn_on, f.closed_on, f.closed_as,
                   f.amount_recovered_fen, f.satisfaction)
        with self.engine.connect() as db:
            pauses: dict[str, list[tuple[date, date | None]]] = {}
            for cid, start, end in db.execute(
                select(s.complaint_id, s.suspended_on, s.resumed_on)
                .join(complaint_facts, f.id == s.complaint_id).where(in_range)
            ):
                pauses.setdefault(cid, []).append((start, end))
            rows = db.execute(select(*columns).where(in_range)).all()
        return self._tally(rows, pauses, since=since, until=until)

    def _tally(self, rows: Iterable[tuple[Any, ...]],
               pauses: dict[str, list[tuple[date, date | None]]], *, since: date,
               until: date) -> Statistics:
        dims: dict[str, Counter[str]] = {d: Counter() for d in
                                         ("state", "channel", "category", "industry", "office")}
        months: dict[str, Counter[str]] = {}
        recovered: dict[str, int] = {}
        received = accepted = finished = succeeded = ratings = rating_total = 0
        decided = decided_on_time = closed_med = closed_med_on_time = 0
        fen = 0
        for (cid, state, channel, category, industry, office, received_on, regulation,
             mediation_regulation, acceptance_from, accepted_on, rejected_on, withdrawn_on,
             closed_on, closed_as, recovered_fen, score) in rows:
            received += 1
            for name, value in (("state", state), ("channel", channel), ("category", category),
                                ("industry", industry), ("office", office)):
                dims[name][value] += 1
            month = received_on.strftime("%Y-%m")
            m = months.setdefault(month, Counter())
            m["received"] += 1
            decision = accepted_on or rejected_on or withdrawn_on
            if decision is not None:
                decided += 1
                m["decided"] += 1
                if within(self.working_days, by_id(regulation).acceptance, acceptance_from,
                          decision):
                    decided_on_time += 1
                    m["decided_on_time"] += 1
            if accepted_on is not None:
                accepted += 1
                m["accepted"] += 1
                if closed_on is not None:
                    m["closed"] += 1
                    closed_med += 1
                    m["mediation_closed"] += 1
                    limit = by_id(mediation_regulation or regulation).mediation
                    paused = [(a, b or closed_on) for a, b in pauses.get(cid, ())]
                    if within(self.working_days, limit, accepted_on, closed_on, paused):
                        closed_med_on_time += 1
                        m["mediation_on_time"] += 1
                    if closed_as in ("resolved", "terminated", "escalated"):
                        finished += 1
                        succeeded += closed_as == "resolved"
            if closed_as == "resolved":
                m["resolved"] += 1
            if recovered_fen:
                fen += recovered_fen
                recovered[month] = recovered.get(month, 0) + recovered_fen
            if score is not None:
                ratings += 1
                rating_total += score
        return Statistics(
            since=since, until=until, received=received,
            by_state=dict(sorted(dims["state"].items())),
            by_channel=dict(sorted(dims["channel"].items())),
            by_category=dict(sorted(dims["category"].items())),
            by_industry=dict(sorted(dims["industry"].items())),
            by_office=dict(sorted(dims["office"].items())),
            accepted=accepted,
            mediation_finished=finished, mediation_resolved=succeeded,
            mediation_success_rate=rate(succeeded, finished),
            amount_recovered=_yuan(fen),
            satisfaction_ratings=ratings,
            average_satisfaction=(rate(rating_total, ratings) if ratings else None),
            acceptance_decided=decided, acceptance_on_time=decided_on_time,
            acceptance_on_time_rate=rate(decided_on_time, decided),
            mediation_closed=closed_med, mediation_on_time=closed_med_on_time,
            mediation_on_time_rate=rate(closed_med_on_time, closed_med),
            months=[
                MonthStats(
                    month=month, received=m["received"], accepted=m["accepted"],
                    closed=m["closed"], resolved=m["resolved"],
                    amount_recovered=_yuan(recovered.get(month, 0)),
                    acceptance_on_time_rate=rate(m["decided_on_time"], m["decided"]),
                    mediation_on_time_rate=rate(m["mediation_on_time"], m["mediation_closed"]),
                )
                for month, m in (
                    (month, months.get(month, Counter())) for month in _months(since, until)
                )
            ],
        )

    # ----- public disclosure ------------------------------------------------

    def public_facts(self, q: str | None, *, since: date, until: date, page: int,
                     per_page: int) -> tuple[list[PublicFacts], int]:
        """Businesses with complaints accepted from `since` to `until`, busiest first."""
        f = complaint_facts.c
        conditions = [f.accepted_on >= since, f.accepted_on <= until]
        if q:
            conditions.append(or_(
                f.business_key == q.upper(),
                f.business_key.contains(business_key(q, None), autoescape=True),
                f.business_name.contains(q, autoescape=True),
            ))
        closed = and_(f.closed_on.is_not(None), f.closed_on <= until)
        resolved = and_(closed, f.closed_as == "resolved",
                        or_(f.escalated_on.is_(None), f.escalated_on > until))
        grouped = (
            select(f.business_key, func.max(f.business_name), func.count(),
                   func.sum(case((closed, 1), else_=0)), func.sum(case((resolved, 1), else_=0)))
            .where(*conditions).group_by(f.business_key)
        )
        with self.engine.connect() as db:
            total = db.scalar(select(func.count()).select_from(grouped.subquery())) or 0
            found = db.execute(
                grouped.order_by(func.count().desc(), f.business_key)
                .limit(per_page).offset((page - 1) * per_page)
            ).all()
            days: dict[str, list[int]] = {}
            if found:
                for key, received_on, closed_on in db.execute(
                    select(f.business_key, f.received_on, f.closed_on)
                    .where(*conditions[:2], closed, f.business_key.in_([r[0] for r in found]))
                ):
                    days.setdefault(key, []).append(
                        self.working_days.working_days_between(received_on, closed_on))
        return [
            PublicFacts(key=key, name=name, accepted=int(n), closed=int(c or 0),
                        resolved=int(r or 0), handling_days=sorted(days.get(key, [])))
            for key, name, n, c, r in found
        ], int(total)

    # ----- model-business candidates ----------------------------------------

    def model_records(self, *, since: date, until: date) -> dict[str, ModelRecord]:
        """Per business: accepted complaints closed in the window, and escalations in it."""
        f = complaint_facts.c
        closed = and_(f.accepted_on.is_not(None), f.closed_on >= since, f.closed_on <= until)
        rated = and_(closed, f.satisfaction.is_not(None), f.rated_on <= until)
        escalated = and_(f.escalated_on >= since, f.escalated_on <= until)
        statement = (
            select(
                f.business_key,
                func.sum(case((closed, 1), else_=0)),
                func.sum(case((and_(closed, f.closed_as == "resolved"), 1), else_=0)),
                func.sum(case((escalated, 1), else_=0)),
                func.sum(case((rated, 1), else_=0)),
                func.sum(case((rated, f.satisfaction), else_=0)),
            )
            .where(or_(closed, escalated))
            .group_by(f.business_key)
        )
        with self.engine.connect() as db:
            rows = db.execute(statement).all()
        return {
            key: ModelRecord(closed=int(c or 0), resolved=int(r or 0), escalated=int(e or 0),
                             ratings=int(n or 0), rating_total=int(t or 0))
            for key, c, r, e, n, t in rows
        }


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _months(since: date, until: date) -> list[str]:
    months = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
