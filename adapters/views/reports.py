"""The report views (SPEC §13): one masked row per report, with its clocks, and the blind
index of reporters' phones that finds a repeat (Order 121 Art. 35).

Rows hold masked names and phones only; the index holds keyed HMACs of the phone
(adapters/views/search_index.py), so neither table reads back as anyone's identity.
Due days are stored, worked out from the events with the calendar, so a calendar
update and a rebuild recompute them; "overdue" is asked at query time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger, Boolean, Column, Connection, Date, DateTime, Engine, Index, Integer, String,
    Table, bindparam, func, select,
)

from adapters.projections import Page, View, metadata
from adapters.views.moments import read_utc, stored_utc
from adapters.views.search_index import SearchIndex
from domain.clocks import Timekeeper
from domain.masking import mask_name, mask_phone
from domain.report import Report
from domain.report_clocks import DECISION, REPORTER_NOTICE, ReportTimes, report_clocks
from domain.regulation import DayKind
from domain.report_lifecycle import OPEN_STATES, ReportState

report_list = Table(
    "report_list",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("source", String(16), nullable=False),
    Column("office", String(32), nullable=False),
    Column("business_key", String(200), nullable=False),
    Column("business_name", String(200), nullable=False),
    Column("industry", String(32), nullable=False),
    Column("anonymous", Boolean, nullable=False),
    Column("reporter_name", String(60), nullable=False),
    Column("reporter_phone", String(40), nullable=False),
    Column("inspector", String(64)),
    Column("complaint_id", String(36)),
    Column("regulation", String(32), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("period_start", DateTime, nullable=False),
    Column("extended", Boolean, nullable=False),
    Column("decided_at", DateTime),
    Column("decision", String(16)),
    Column("notified_at", DateTime),
    Column("outcome", String(16)),
    Column("closed_at", DateTime),
    Column("decision_due", Date, nullable=False),
    Column("decision_met", Boolean),
    Column("notice_due", Date),
    Column("notice_met", Boolean),
    Column("provisional", Boolean, nullable=False),
    Column("repeats", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_report_list_state_due", "state", "decision_due"),
    Index("ix_report_list_business", "business_key"),
    Index("ix_report_list_inspector", "inspector", "state"),
    Index("ix_report_list_received", "received_at"),
)

reporter_lookup = Table(
    "reporter_lookup",
    metadata,
    Column("token", BigInteger, primary_key=True),
    Column("report_id", String(36), primary_key=True),
)

_DECISIONS = {"CaseOpened": "case_opened", "CaseDeclined": "not_opened",
              "ReportReferred": "referred"}


@dataclass(frozen=True)
class ReportRow:
    """A report as the lists show it: masked, with its clocks as of the question."""

    id: str
    state: str
    source: str
    office: str
    business_key: str
    business_name: str
    industry: str
    anonymous: bool
    reporter_name: str
    reporter_phone: str
    inspector: str | None
    complaint_id: str | None
    received_at: datetime
    decision_due: date
    working_days_left: int | None
    due_soon: bool
    overdue: bool
    provisional: bool
    notice_due: date | None
    outcome: str | None
    suspended: bool = False  # a report's clock never pauses; the badge asks all clocks


class ReportsView(View):
    name = "reports"
    tables = (report_list, reporter_lookup)

    def __init__(self, engine: Engine, keeper: Timekeeper, index: SearchIndex) -> None:
        self.engine = engine
        self.keeper = keeper
        self.index = index

    # ----- projecting -------------------------------------------------------------

    def apply(self, db: Connection, page: Page) -> None:
        events = [event for event, _ in page if isinstance(event, Report.Event)]
        if not events:
            return
        new: dict[str, dict[str, Any]] = {}
        lookups: list[dict[str, Any]] = []
        earlier = {str(e.originator_id) for e in events
                   if not isinstance(e, Report.ReportReceived)}
        stored = self._rows(db, earlier)
        changed: set[str] = set()
        for event in events:
            key = str(event.originator_id)
            if isinstance(event, Report.ReportReceived):
                new[key] = _received_row(event)
                if event.reporter and event.reporter.get("phone"):
                    lookups += [{"token": row["token"], "report_id": key} for row in
                                self.index.lookup_rows(key, {"phone": event.reporter["phone"]})]
                continue
            row = new.get(key) or stored.get(key)
            if row is None:
                continue  # an event without its receipt: a store damaged by hand
            _change(row, event)
            if key not in new:
                changed.add(key)
        for row in [*new.values(), *(stored[k] for k in changed)]:
            self._clock(row)
        if new:
            db.execute(report_list.insert(), list(new.values()))
        if changed:
            db.execute(report_list.update().where(report_list.c.id == bindparam("_id")),
                       [{**{k: v for k, v in stored[k].items() if k != "id"}, "_id": k}
                        for k in changed])
        if lookups:
            db.execute(reporter_lookup.insert(), lookups)

    def _rows(self, db: Connection, ids: set[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        found = db.execute(select(report_list).where(report_list.c.id.in_(sorted(ids))))
        return {row["id"]: dict(row) for row in found.mappings()}

    def _clock(self, row: dict[str, Any]) -> None:
        times = ReportTimes(
            regulation=row["regulation"], period_start=read_utc(row["period_start"]),
            extended=row["extended"], decided_at=_moment(row["decided_at"]),
            real_name=not row["anonymous"], notified_at=_moment(row["notified_at"]))
        clocks = {c.name: c for c in report_clocks(times, self.keeper)}
        decision, notice = clocks[DECISION], clocks.get(REPORTER_NOTICE)
        row.update(decision_due=decision.due, decision_met=decision.met,
                   notice_due=notice.due if notice else None,
                   notice_met=notice.met if notice else None,
                   provisional=any(c.provisional for c in clocks.values()))

    # ----- queries ----------------------------------------------------------------

    def duplicates(self, phone: str, business: str) -> list[str]:
        """Reports from this phone against this business, newest first (Art. 35)."""
        tokens = self.index.lookup_tokens(phone)
        if not tokens:
            return []
        r, k = report_list.c, reporter_lookup.c
        with self.engine.connect() as db:
            return list(db.scalars(
                select(r.id).join(reporter_lookup, k.report_id == r.id)
                .where(k.token.in_(tokens), r.business_key == business)
                .order_by(r.received_at.desc())))

    def known(self, ids: list[str]) -> set[str]:
        """Which of these ids are reports (a credit entry links to its report, not a case)."""
        if not ids:
            return set()
        with self.engine.connect() as db:
            return set(db.scalars(select(report_list.c.id).where(
                report_list.c.id.in_(sorted(set(ids))))))

    def search(self, *, as_of: datetime, state: str | None = None, business: str | None = None,
               inspector: str | None = None, overdue: bool | None = None, page: int = 1,
               per_page: int = 50) -> tuple[int, list[ReportRow]]:
        r = report_list.c
        query = select(report_list)
        if state:
            query = query.where(r.state == state)
        if business:
            query = query.where(r.business_key == business)
        if inspector:
            query = query.where(r.inspector == inspector)
        if overdue is not None:
            today = self.keeper.day_of(as_of)
            late = (r.decided_at.is_(None)) & (r.decision_due < today)
            query = query.where(late if overdue else ~late)
        with self.engine.connect() as db:
            total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = db.execute(query.order_by(r.decision_due, r.received_at)
                              .limit(per_page).offset((page - 1) * per_page)).mappings().all()
        return total, [self._row(row, as_of) for row in rows]

    def open_reports(self, as_of: datetime) -> list[ReportRow]:
        """Every report still waiting for its decision, soonest due first."""
        r = report_list.c
        with self.engine.connect() as db:
            rows = db.execute(select(report_list)
                              .where(r.state.in_([s.value for s in OPEN_STATES]))
                              .order_by(r.decision_due)).mappings().all()
        return [self._row(row, as_of) for row in rows]

    def statistics(self, *, start: date, end: date, office: str | None = None) -> dict[str, Any]:
        """Reports received in [start, end] by state, source, business and industry; the
        decisions made in it: on time, and how many opened a case; the reports closed in
        it by outcome. `office`: only that office's reports."""
        r = report_list.c
        lo, hi = _day_bounds(self.keeper, start, end)
        received = (r.received_at >= lo) & (r.received_at < hi)
        decided = (r.decided_at >= lo) & (r.decided_at < hi)
        closed = (r.closed_at >= lo) & (r.closed_at < hi)
        if office is not None:
            received, decided, closed = (received & (r.office == office),
                                         decided & (r.office == office),
                                         closed & (r.office == office))
        with self.engine.connect() as db:
            def counts(column: Any) -> dict[str, int]:
                return {k: n for k, n in db.execute(
                    select(column, func.count()).where(received).group_by(column)).all()}

            by_business = db.execute(
                select(r.business_key, func.max(r.business_name), func.count())
                .where(received).group_by(r.business_key)
                .order_by(func.count().desc(), r.business_key).limit(20)).all()
            decisions = {k: n for k, n in db.execute(
                select(r.decision, func.count()).where(decided).group_by(r.decision)).all()}
            on_time = db.scalar(select(func.count()).where(decided, r.decision_met.is_(True)))
            by_state, by_source = counts(r.state), counts(r.source)
            by_industry = counts(r.industry)
            by_outcome = {k: n for k, n in db.execute(
                select(r.outcome, func.count()).where(closed).group_by(r.outcome)).all()}
        made = sum(decisions.values())
        opened_or_not = decisions.get("case_opened", 0) + decisions.get("not_opened", 0)
        return {
            "received": sum(by_state.values()),
            "by_state": by_state, "by_source": by_source, "by_industry": by_industry,
            "by_business": [{"key": k, "name": name, "count": n} for k, name, n in by_business],
            "decisions": made, "by_decision": decisions, "by_outcome": by_outcome,
            "verification_on_time_rate": _rate(on_time or 0, made),
            "case_opened_rate": _rate(decisions.get("case_opened", 0), opened_or_not),
        }

    def _row(self, row: Any, as_of: datetime) -> ReportRow:
        running = row["decided_at"] is None and row["state"] in {s.value for s in OPEN_STATES}
        status = (self.keeper.status(due_day=row["decision_due"], kind=DayKind.WORKING, as_of=as_of)
                  if running else None)
        return ReportRow(
            id=row["id"], state=row["state"], source=row["source"], office=row["office"],
            business_key=row["business_key"], business_name=row["business_name"],
            industry=row["industry"], anonymous=row["anonymous"],
            reporter_name=row["reporter_name"], reporter_phone=row["reporter_phone"],
            inspector=row["inspector"], complaint_id=row["complaint_id"],
            received_at=read_utc(row["received_at"]), decision_due=row["decision_due"],
            working_days_left=status.working_days_left if status else None,
            due_soon=bool(status and status.due_soon), overdue=bool(status and status.overdue),
            provisional=row["provisional"], notice_due=row["notice_due"],
            outcome=row["outcome"])


def _received_row(event: Any) -> dict[str, Any]:
    reporter = event.reporter or {}
    at = stored_utc(event.at)
    return {
        "id": str(event.originator_id), "version": event.originator_version,
        "state": ReportState.RECEIVED.value, "source": event.source, "office": event.office,
        "business_key": event.business_key, "business_name": event.business["name"],
        "industry": event.industry, "anonymous": event.reporter is None,
        "reporter_name": mask_name(reporter.get("name") or ""),
        "reporter_phone": mask_phone(reporter.get("phone") or ""),
        "inspector": None, "complaint_id": event.complaint_id,
        "regulation": event.regulation, "received_at": stored_utc(event.received_at),
        "period_start": stored_utc(event.received_at), "extended": False,
        "decided_at": None, "decision": None, "notified_at": None, "outcome": None,
        "closed_at": None, "repeats": 0, "updated_at": at,
    }


def _change(row: dict[str, Any], event: Any) -> None:
    kind = type(event).__name__
    row["version"] = event.originator_version
    row["updated_at"] = stored_utc(event.at)
    state = getattr(event, "state", None)
    if state and kind not in ("ReportRepeated", "ReportFactsAdded"):
        row["state"] = state
    if kind == "VerificationStarted":
        row["inspector"] = event.inspector
    elif kind == "VerificationExtended":
        row["extended"] = True
    elif kind == "ReportRepeated":
        row["repeats"] += 1
    elif kind == "ReportFactsAdded":
        row["period_start"] = stored_utc(event.received_at)
    elif kind in _DECISIONS:
        row["decided_at"] = stored_utc(event.at)
        row["decision"] = _DECISIONS[kind]
        if kind == "ReportReferred":
            row["inspector"] = event.inspector
    elif kind == "ReporterNotified":
        row["notified_at"] = stored_utc(event.at)
    elif kind == "ReportClosed":
        row["outcome"] = event.outcome
        row["closed_at"] = stored_utc(event.at)


def _moment(stored: datetime | None) -> datetime | None:
    return read_utc(stored) if stored is not None else None


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _day_bounds(keeper: Timekeeper, start: date, end: date) -> tuple[datetime, datetime]:
    return (stored_utc(keeper.end_of(start - timedelta(days=1))),
            stored_utc(keeper.end_of(end)))

