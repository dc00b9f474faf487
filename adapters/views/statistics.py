"""The statistics view: one row of facts per complaint, for supervisors' statistics, the
public disclosure and model-business candidates.

No personal data: there is no column for a consumer's name, phone, address or ID,
nor for free text (descriptions, notes, terms) that might hold them. Dates are local
dates in the configured zone, so a month or a year means what it means in the office.

Whether a decision or a mediation kept its time limit is read from the timeliness
view's clock runs (`timeliness_clocks`), whose due moments follow the text in force
and its way of counting; this view keeps no second reckoning that could disagree.
The rates themselves are the definitions of application/statistics.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import date, datetime, time, timedelta, tzinfo
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
    text,
)

from adapters.projections import Page, View, metadata
from adapters.views.bulk_rows import insert_rows
from adapters.views.moments import read_utc, stored_utc
from adapters.views.timeliness import timeliness_clocks
from application.statistics import (
    MonthStats,
    OnTime,
    PublicFacts,
    Statistics,
    WorkingDays,
    call_backs,
    mediation_tally,
    rate,
)
from domain.complaint import Complaint
from domain.grades import ModelRecord
from domain.identifiers import business_key

# The clock stops that are a decision on acceptance (a withdrawal or a transfer is
# not), and those that end a mediation.
DECISIONS = ("accepted", "rejected")
MEDIATION_ENDS = ("resolved", "terminated", "escalated", "withdrawn")
LEGACY_SUSPENSIONS = "complaint_suspensions"

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
    Column("withdraw_kind", String(24)),  # withdrawn, or settled_privately
    Column("satisfaction_level", String(24)),
    Index("ix_complaint_facts_received", "received_on"),
    Index("ix_complaint_facts_business_accepted", "business_key", "accepted_on"),
    Index("ix_complaint_facts_accepted", "accepted_on"),
    Index("ix_complaint_facts_closed", "closed_on"),
)

_CLOSING = {"Rejected": "rejected", "Resolved": "resolved", "Terminated": "terminated",
            "Withdrawn": "withdrawn",
            # Settled by the business before any decision (SPEC §14): closed and resolved,
            # never accepted, so outside every rate over accepted complaints.
            "SettlementConfirmed": "resolved"}


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


class StatisticsView(View):
    name = "statistics"
    tables = (complaint_facts,)

    def __init__(self, engine: Engine, *, working_days: WorkingDays,
                 tz: tzinfo = ZoneInfo("Asia/Shanghai")) -> None:
        self.engine = engine
        self.working_days = working_days
        self.tz = tz

    # ----- projecting -------------------------------------------------------

    def clear(self, db: Connection) -> None:
        super().clear(db)
        # Suspensions were kept here for a second reckoning of deadlines; the timeliness
        # view is the one source now, and a rebuild after upgrading leaves no stale copy.
        db.execute(text(f"DROP TABLE IF EXISTS {LEGACY_SUSPENSIONS}"))

    def apply(self, db: Connection, page: Page) -> None:
        new: dict[str, dict[str, Any]] = {}
        changed: dict[str, dict[str, Any]] = {}
        for event, _ in page:
            if not isinstance(event, Complaint.Event):
                continue
            key = str(event.originator_id)
            if isinstance(event, Complaint.Filed):
                new[key] = self._facts_row(event)
                continue
            day = event.at.astimezone(self.tz).date()
            changes = self._changes(event, type(event).__name__, day)
            if key in new:
                new[key].update(changes)
            else:
                changed.setdefault(key, {}).update(changes)
        if new:
            insert_rows(db, complaint_facts, list(new.values()))
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for key, values in changed.items():
            by_shape.setdefault(tuple(sorted(values)), []).append({"_id": key, **values})
        for shape, rows in by_shape.items():
            db.execute(
                complaint_facts.update().where(complaint_facts.c.id == bindparam("_id"))
                .values({name: bindparam(name) for name in shape}),
                rows,
            )

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
            "satisfaction": None, "rated_on": None, "withdraw_kind": None,
            "satisfaction_level": None,
        }

    @staticmethod
    def _changes(event: Any, kind: str, day: date) -> dict[str, Any]:
        changes: dict[str, Any] = {"version": event.originator_version}
        if hasattr(event, "state"):
            changes["state"] = event.state
        if kind in ("Transferred", "ReturnedToIntake"):
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
            changes["satisfaction_level"] = event.level
            changes["rated_on"] = day
        elif kind == "Withdrawn":
            changes["withdraw_kind"] = event.kind
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

    def statistics(self, *, since: date, until: date, office: str | None = None) -> Statistics:
        """`office`: only the complaints that office handles now, and the clocks it stopped."""
        f = complaint_facts.c
        t = timeliness_clocks.c
        start, end = self._bounds(since, until)
        with self.engine.connect() as db:
            received = db.execute(
                select(f.state, f.channel, f.category, f.industry, f.office, f.received_on,
                       f.accepted_on, f.closed_on, f.closed_as, f.closing_reason,
                       f.amount_recovered_fen)
                .where(f.received_on >= since, f.received_on <= until,
                       *([f.office == office] if office else []))).all()
            closed = db.execute(
                select(f.accepted_on, f.closed_as, f.withdraw_kind, f.escalated_on,
                       f.satisfaction_level)
                .where(f.closed_on >= since, f.closed_on <= until,
                       *([f.office == office] if office else []))).all()
            stops = db.execute(
                select(t.clock, t.stopped_at, t.met, t.office, t.mediator)
                .where(t.stopped_at >= start, t.stopped_at < end,
                       *([t.office == office] if office else []),
                       or_(and_(t.clock == "acceptance", t.stopped_by.in_(DECISIONS)),
                           and_(t.clock == "mediation", t.stopped_by.in_(MEDIATION_ENDS))))
            ).all()
        return self._tally(received, closed, stops, since=since, until=until)

    def _bounds(self, since: date, until: date) -> tuple[datetime, datetime]:
        """The local days as stored moments (naive UTC): from the first moment of `since`
        to the first moment after `until`."""
        def first_moment(day: date) -> datetime:
            return stored_utc(datetime.combine(day, time(0), tzinfo=self.tz))
        return first_moment(since), first_moment(until + timedelta(days=1))

    def _tally(self, received_rows: Iterable[tuple[Any, ...]],
               closed_rows: Iterable[tuple[Any, ...]], stops: Iterable[tuple[Any, ...]], *,
               since: date, until: date) -> Statistics:
        dims: dict[str, Counter[str]] = {d: Counter() for d in
                                         ("state", "channel", "category", "industry", "office",
                                          "reject", "terminate")}
        months: dict[str, Counter[str]] = {}
        recovered: dict[str, int] = {}
        received = accepted = closed = fen = 0
        for (state, channel, category, industry, office, received_on, accepted_on, closed_on,
             closed_as, reason, recovered_fen) in received_rows:
            received += 1
            for name, value in (("state", state), ("channel", channel), ("category", category),
                                ("industry", industry), ("office", office)):
                dims[name][value] += 1
            if closed_as == "rejected" and reason:
                dims["reject"][reason] += 1
            elif closed_as == "terminated" and reason:
                dims["terminate"][reason] += 1
            month = received_on.strftime("%Y-%m")
            m = months.setdefault(month, Counter())
            m["received"] += 1
            closed += closed_on is not None
            if accepted_on is not None:
                accepted += 1
                m["accepted"] += 1
                m["closed"] += closed_on is not None
            m["resolved"] += closed_as == "resolved"
            if recovered_fen:
                fen += recovered_fen
                recovered[month] = recovered.get(month, 0) + recovered_fen
        closings = list(closed_rows)
        mediation = mediation_tally(
            (closed_as, kind, escalated_on is not None and escalated_on <= until)
            for accepted_on, closed_as, kind, escalated_on, _ in closings
            if accepted_on is not None)
        callbacks = call_backs(level for *_, level in closings)
        acceptance, mediation_on_time = Counter[str](), Counter[str]()
        by_group: dict[str, Counter[tuple[str, str]]] = {
            "acceptance/office": Counter(), "mediation/office": Counter(),
            "mediation/mediator": Counter()}
        for clock, stopped_at, met, office, mediator in stops:
            month = read_utc(stopped_at).astimezone(self.tz).strftime("%Y-%m")
            tally = acceptance if clock == "acceptance" else mediation_on_time
            for key in ("", f"{month}/"):
                tally[f"{key}decided"] += 1
                tally[f"{key}met"] += bool(met)
            for group, value in (("office", office), ("mediator", mediator)):
                counts = by_group.get(f"{clock}/{group}")
                if counts is not None and value:
                    counts[(value, "decided")] += 1
                    counts[(value, "met")] += bool(met)
        per = {name: {key: OnTime(counts[(key, "decided")], counts[(key, "met")])
                      for key, kind in sorted(counts) if kind == "decided"}
               for name, counts in by_group.items()}
        on_time = OnTime(acceptance["decided"], acceptance["met"])
        mediation_in_time = OnTime(mediation_on_time["decided"], mediation_on_time["met"])
        return Statistics(
            since=since, until=until, received=received,
            by_state=dict(sorted(dims["state"].items())),
            by_channel=dict(sorted(dims["channel"].items())),
            by_category=dict(sorted(dims["category"].items())),
            by_industry=dict(sorted(dims["industry"].items())),
            by_office=dict(sorted(dims["office"].items())),
            by_reject_reason=dict(sorted(dims["reject"].items())),
            by_terminate_reason=dict(sorted(dims["terminate"].items())),
            accepted=accepted, closed=closed, closure_rate=rate(closed, received),
            amount_recovered=_yuan(fen),
            mediation=mediation, mediation_success_rate=mediation.success_rate,
            callbacks=callbacks, satisfaction_rate=callbacks.satisfaction_rate,
            callback_rate=callbacks.callback_rate,
            acceptance=on_time, acceptance_on_time_rate=on_time.rate,
            mediation_on_time=mediation_in_time, mediation_on_time_rate=mediation_in_time.rate,
            months=[
                MonthStats(
                    month=month, received=m["received"], accepted=m["accepted"],
                    closed=m["closed"], resolved=m["resolved"],
                    amount_recovered=_yuan(recovered.get(month, 0)),
                    acceptance_on_time_rate=rate(acceptance[f"{month}/met"],
                                                 acceptance[f"{month}/decided"]),
                    mediation_on_time_rate=rate(mediation_on_time[f"{month}/met"],
                                                mediation_on_time[f"{month}/decided"]),
                )
                for month, m in (
                    (month, months.get(month, Counter())) for month in _months(since, until)
                )
            ],
            acceptance_by_office=per["acceptance/office"],
            mediation_by_office=per["mediation/office"],
            mediation_by_mediator=per["mediation/mediator"],
        )

    # ----- public disclosure ------------------------------------------------

    def public_facts(self, q: str | None, *, since: date, until: date, page: int,
                     per_page: int, withheld: Collection[str] = ()
                     ) -> tuple[list[PublicFacts], int]:
        """Businesses with complaints accepted from `since` to `until`, busiest first,
        except those withheld from disclosure."""
        f = complaint_facts.c
        conditions = [f.accepted_on >= since, f.accepted_on <= until]
        if withheld:
            conditions.append(f.business_key.not_in(list(withheld)))
        if q:
            conditions.append(or_(
                f.business_key == q.upper(),
                f.business_key.contains(business_key(q, None), autoescape=True),
                f.business_name.contains(q, autoescape=True),
            ))
        closed = and_(f.closed_on.is_not(None), f.closed_on <= until)
        grouped = (
            select(f.business_key, func.max(f.business_name), func.count(),
                   func.sum(case((closed, 1), else_=0)))
            .where(*conditions).group_by(f.business_key)
        )
        closings: dict[str, list[tuple[Any, ...]]] = {}
        days: dict[str, list[int]] = {}
        with self.engine.connect() as db:
            total = db.scalar(select(func.count()).select_from(grouped.subquery())) or 0
            found = db.execute(
                grouped.order_by(func.count().desc(), f.business_key)
                .limit(per_page).offset((page - 1) * per_page)
            ).all()
            if found:
                for key, received_on, closed_on, closed_as, kind, escalated_on in db.execute(
                    select(f.business_key, f.received_on, f.closed_on, f.closed_as,
                           f.withdraw_kind, f.escalated_on)
                    .where(*conditions[:2], closed, f.business_key.in_([r[0] for r in found]))
                ):
                    days.setdefault(key, []).append(
                        self.working_days.working_days_between(received_on, closed_on))
                    closings.setdefault(key, []).append(
                        (closed_as, kind, escalated_on is not None and escalated_on <= until))
        return [
            PublicFacts(key=key, name=name, accepted=int(n), closed=int(c or 0),
                        mediation=mediation_tally(closings.get(key, [])),
                        handling_days=sorted(days.get(key, [])))
            for key, name, n, c in found
        ], int(total)

    def public_cases(self, key: str, *, since: date, until: date, page: int, per_page: int,
                     withheld: Collection[str] = ()) -> tuple[list[dict[str, Any]], int]:
        """One business's complaints closed from `since` to `until`, newest first, case by
        case: number, dates, category, industry, how it closed, the amount recovered.
        Nothing personal and no free text is read (Order 121 Art. 39)."""
        from adapters.views.complaint_list import complaint_list

        f = complaint_facts.c
        conditions = [f.business_key == key, f.closed_on.is_not(None), f.closed_on >= since,
                      f.closed_on <= until]
        if withheld:
            conditions.append(f.id.not_in(list(withheld)))
        with self.engine.connect() as db:
            total = db.scalar(select(func.count()).select_from(complaint_facts)
                              .where(*conditions)) or 0
            rows = db.execute(
                select(f.id, complaint_list.c.number, f.received_on, f.closed_on, f.category,
                       f.industry, f.closed_as, f.amount_recovered_fen)
                .select_from(complaint_facts.outerjoin(
                    complaint_list, complaint_list.c.id == f.id))
                .where(*conditions).order_by(f.closed_on.desc(), f.id)
                .limit(per_page).offset((page - 1) * per_page)).all()
        return [{"id": r[0], "number": r[1], "received_on": r[2], "closed_on": r[3],
                 "category": r[4], "industry": r[5], "outcome": r[6],
                 "amount_recovered": (Decimal(r[7]) / 100).quantize(Decimal("0.01"))
                 if r[7] is not None else Decimal("0.00")}
                for r in rows], int(total)

    def public_case(self, case_id: str) -> dict[str, Any] | None:
        """The business and closing of one complaint, for an objection to its disclosure."""
        f = complaint_facts.c
        with self.engine.connect() as db:
            row = db.execute(select(f.business_key, f.business_name, f.closed_on)
                             .where(f.id == case_id)).first()
        return {"business_key": row[0], "business_name": row[1], "closed_on": row[2]} \
            if row else None

    # ----- model-business candidates ----------------------------------------

    def model_records(self, *, since: date, until: date) -> dict[str, ModelRecord]:
        """Per business: accepted complaints closed in the window, by the SPEC §5 definitions."""
        f = complaint_facts.c
        statement = (
            select(f.business_key, f.closed_as, f.withdraw_kind, f.escalated_on,
                   case((f.rated_on <= until, f.satisfaction_level), else_=None))
            .where(f.accepted_on.is_not(None), f.closed_on >= since, f.closed_on <= until)
        )
        by_business: dict[str, list[tuple[Any, ...]]] = {}
        with self.engine.connect() as db:
            for key, *row in db.execute(statement):
                by_business.setdefault(key, []).append(tuple(row))
        records = {}
        for key, rows in by_business.items():
            outcome = mediation_tally(
                (closed_as, kind, escalated_on is not None and escalated_on <= until)
                for closed_as, kind, escalated_on, _ in rows)
            calls = call_backs(level for *_, level in rows)
            records[key] = ModelRecord(
                closed=len(rows), resolved=outcome.resolved, terminated=outcome.terminated,
                escalated=outcome.escalated, callbacks=calls.callbacks, satisfied=calls.satisfied)
        return records


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _months(since: date, until: date) -> list[str]:
    months = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
