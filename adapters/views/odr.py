"""Every complaint forwarded to an ODR business and how its pre-settlement ended, for
the settlement rate (先行和解率 = settled / forwarded; SPEC §14) and the window sweep."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Engine, Index, String, Table, bindparam
from sqlalchemy import case, func, select, update

from adapters.projections import Page, View, metadata
from adapters.views.moments import stored_utc

NEGOTIATING, SETTLED, RETURNED, LAPSED, WITHDRAWN = (
    "negotiating", "settled", "returned", "lapsed", "withdrawn")

odr_cases = Table(
    "odr_cases",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("business_key", String(200), nullable=False),
    Column("forwarded_at", DateTime, nullable=False),  # the last forwarding
    Column("ended", String(16), nullable=False),  # how the last forwarding ended, so far
    Index("ix_odr_cases_business", "business_key"),
    Index("ix_odr_cases_ended", "ended"),
)

_ENDINGS = {"SettlementConfirmed": SETTLED, "Withdrawn": WITHDRAWN}


@dataclass(frozen=True)
class OdrRate:
    business_key: str
    forwarded: int
    settled: int

    @property
    def rate(self) -> float | None:
        return self.settled / self.forwarded if self.forwarded else None


class OdrView(View):
    name = "odr"
    tables = (odr_cases,)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def apply(self, db: Connection, page: Page) -> None:
        forwarded: dict[str, dict[str, Any]] = {}
        ended: dict[str, str] = {}
        for event, _ in page:
            kind = type(event).__name__
            key = str(event.originator_id)
            if kind == "Forwarded":
                forwarded[key] = {"complaint_id": key, "business_key": event.business_key,
                                  "forwarded_at": stored_utc(event.at), "ended": NEGOTIATING}
                ended.pop(key, None)
            elif kind == "ReturnedFromNegotiation":
                ended[key] = LAPSED if event.lapsed else RETURNED
            elif kind in _ENDINGS:
                ended[key] = _ENDINGS[kind]
        if forwarded:
            known = set(db.scalars(select(odr_cases.c.complaint_id)
                                   .where(odr_cases.c.complaint_id.in_(list(forwarded)))))
            fresh = [row for key, row in forwarded.items() if key not in known]
            again = [{"_id": key, "_at": row["forwarded_at"]}
                     for key, row in forwarded.items() if key in known]
            if fresh:
                db.execute(odr_cases.insert(), fresh)
            if again:
                db.execute(update(odr_cases).where(odr_cases.c.complaint_id == bindparam("_id"))
                           .values(forwarded_at=bindparam("_at"), ended=NEGOTIATING), again)
        if ended:
            # Only a forwarding still open ends: a withdrawal of a case never forwarded,
            # or after a return, matches no open row.
            db.execute(update(odr_cases)
                       .where(odr_cases.c.complaint_id == bindparam("_id"),
                              odr_cases.c.ended == NEGOTIATING)
                       .values(ended=bindparam("_how")),
                       [{"_id": key, "_how": how} for key, how in ended.items()])

    # ----- queries ------------------------------------------------------------------

    def negotiating_ids(self) -> list[str]:
        with self.engine.connect() as db:
            return list(db.scalars(select(odr_cases.c.complaint_id)
                                   .where(odr_cases.c.ended == NEGOTIATING)
                                   .order_by(odr_cases.c.forwarded_at)))

    def rates(self, business_keys: Sequence[str] | None = None) -> list[OdrRate]:
        """Per business: complaints forwarded and settled (a complaint forwarded twice
        counts once, by how its last forwarding ended)."""
        c = odr_cases.c
        settled = func.sum(case((c.ended == SETTLED, 1), else_=0))
        query = select(c.business_key, func.count(), settled).group_by(c.business_key)
        if business_keys is not None:
            query = query.where(c.business_key.in_(list(business_keys)))
        with self.engine.connect() as db:
            rows = db.execute(query.order_by(c.business_key)).all()
        return [OdrRate(key, int(n), int(s or 0)) for key, n, s in rows]

    def overall(self) -> OdrRate:
        rates = self.rates()
        return OdrRate("", sum(r.forwarded for r in rates), sum(r.settled for r in rates))
