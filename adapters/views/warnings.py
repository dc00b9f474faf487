"""The consumer-warnings view: flags raised by the surge test and warnings published,
from their events; and the weekly counts the test reads from the statistics view.

Nothing personal: a flag names a business, an industry or a kind of problem and the
ids of the complaints behind it; a warning is written for the public.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Date, DateTime, Engine, Integer, String, Table, Text
from sqlalchemy import insert, select, update

from adapters.projections import Page, View, metadata
from adapters.views.moments import read_utc, stored_utc
from adapters.views.statistics import complaint_facts
from domain.warnings import ConsumerWarning, RiskFlag

risk_flags = Table(
    "risk_flags",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("key", String(200), nullable=False),
    Column("label", String(200), nullable=False),
    Column("week_start", Date, nullable=False, index=True),
    Column("observed", Integer, nullable=False),
    Column("baseline", String(16), nullable=False),
    Column("p_value", String(16), nullable=False),
    Column("complaint_ids", Text, nullable=False),  # JSON list
    Column("raised_at", DateTime, nullable=False),
    Column("warning_id", String(36)),  # the warning published on it, if any
)

consumer_warnings = Table(
    "consumer_warnings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("title", String(100), nullable=False),
    Column("message", Text, nullable=False),
    Column("scope", String(16), nullable=False),
    Column("key", String(200), nullable=False),
    Column("label", String(200), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False, index=True),
    Column("published_at", DateTime, nullable=False),
    Column("published_by", String(64), nullable=False),
)


class WarningsView(View):
    name = "warnings"
    tables = (risk_flags, consumer_warnings)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def apply(self, db: Connection, page: Page) -> None:
        flags, warnings, links = [], [], []
        for event, _ in page:
            if isinstance(event, RiskFlag.Raised):
                flags.append({
                    "id": str(event.originator_id), "kind": event.kind, "key": event.key,
                    "label": event.label, "week_start": date.fromisoformat(event.week_start),
                    "observed": event.observed, "baseline": str(event.baseline),
                    "p_value": event.p_value, "complaint_ids": json.dumps(event.complaint_ids),
                    "raised_at": stored_utc(event.at), "warning_id": None})
            elif isinstance(event, ConsumerWarning.Published):
                warnings.append({
                    "id": str(event.originator_id), "title": event.title,
                    "message": event.message, "scope": event.scope, "key": event.key,
                    "label": event.label, "valid_from": date.fromisoformat(event.valid_from),
                    "valid_until": date.fromisoformat(event.valid_until),
                    "published_at": stored_utc(event.at),
                    "published_by": event.actor["username"]})
                links.extend({"flag": f, "warning": str(event.originator_id)}
                             for f in event.flag_ids)
        if flags:
            db.execute(insert(risk_flags), flags)
        if warnings:
            db.execute(insert(consumer_warnings), warnings)
        for link in links:
            db.execute(update(risk_flags).where(risk_flags.c.id == link["flag"])
                       .values(warning_id=link["warning"]))

    # ----- queries -------------------------------------------------------------

    def flags(self, *, since: date | None = None) -> list[dict[str, Any]]:
        query = select(risk_flags).order_by(risk_flags.c.week_start.desc(), risk_flags.c.kind,
                                            risk_flags.c.observed.desc())
        if since is not None:
            query = query.where(risk_flags.c.week_start >= since)
        with self.engine.connect() as db:
            return [_flag(row) for row in db.execute(query).mappings()]

    def flag(self, flag_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as db:
            row = db.execute(select(risk_flags).where(risk_flags.c.id == flag_id)).mappings().first()
        return _flag(row) if row else None

    def warnings(self, *, in_force_on: date | None = None) -> list[dict[str, Any]]:
        query = select(consumer_warnings).order_by(consumer_warnings.c.valid_from.desc(),
                                                   consumer_warnings.c.published_at.desc())
        if in_force_on is not None:
            query = query.where(consumer_warnings.c.valid_from <= in_force_on,
                                consumer_warnings.c.valid_until >= in_force_on)
        with self.engine.connect() as db:
            return [{**row, "published_at": read_utc(row["published_at"])}
                    for row in db.execute(query).mappings()]

    def received(self, since: date, until: date) -> list[tuple[str, str, str, str, str, date]]:
        """(id, business key, business name, industry, category, received on) of every
        complaint received in [since, until], from the statistics view."""
        f = complaint_facts.c
        query = (select(f.id, f.business_key, f.business_name, f.industry, f.category,
                        f.received_on)
                 .where(f.received_on >= since, f.received_on <= until))
        with self.engine.connect() as db:
            return [tuple(row) for row in db.execute(query)]  # type: ignore[misc]


def _flag(row: Any) -> dict[str, Any]:
    return {**row, "complaint_ids": json.loads(row["complaint_ids"]),
            "raised_at": read_utc(row["raised_at"])}
