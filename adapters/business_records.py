"""Pledges and model-business designations (SPEC §14), kept like the ODR register: the
current rows in plain tables, and every change appended to `business_record_log`,
which is only ever added to (who, when, what, and the written reason)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Engine, Integer, MetaData
from sqlalchemy import String, Table, insert, select, update

from domain.pledges import Pledge, PledgeKind

metadata = MetaData()

business_pledges = Table(
    "business_pledges",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("credit_code", String(18), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)

model_businesses = Table(
    "model_businesses",
    metadata,
    Column("credit_code", String(18), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("designated", Boolean, nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("decided_by", String(64), nullable=False),
    Column("decided_at", DateTime, nullable=False),
)

# Businesses a supervisor withheld from public disclosure (Order 121 Art. 39).
disclosure_withheld = Table(
    "disclosure_withheld",
    metadata,
    Column("business_key", String(200), primary_key=True),
    Column("withheld", Boolean, nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("decided_by", String(64), nullable=False),
    Column("decided_at", DateTime, nullable=False),
)

# Single closed cases a supervisor withheld from the case-by-case disclosure (Art. 39).
case_disclosure = Table(
    "case_disclosure",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("withheld", Boolean, nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("decided_by", String(64), nullable=False),
    Column("decided_at", DateTime, nullable=False),
)

# A business's objection (异议) to the disclosure of one of its cases, and its decision.
case_objections = Table(
    "case_objections",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("complaint_id", String(36), nullable=False, index=True),
    Column("business_key", String(200), nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("objected_by", String(64), nullable=False),
    Column("objected_at", DateTime, nullable=False),
    Column("state", String(16), nullable=False),  # pending | upheld | refused
    Column("note", String(1000)),
    Column("decided_by", String(64)),
    Column("decided_at", DateTime),
)

business_record_log = Table(
    "business_record_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    # or, for a withholding, the key; for a single case, the complaint id
    Column("credit_code", String(200), nullable=False),
    # pledge | model_designated | model_revoked | withheld | disclosed | case_withheld |
    # case_disclosed | objection | objection_upheld | objection_refused
    Column("kind", String(24), nullable=False),
    Column("detail", String(1000), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
)


@dataclass(frozen=True)
class ModelBusiness:
    credit_code: str
    name: str
    designated: bool
    reason: str
    decided_by: str
    decided_at: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class BusinessRecords:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def setup(self) -> None:
        metadata.create_all(self.engine)

    def add_pledge(self, pledge: Pledge, *, actor: str) -> None:
        with self.engine.begin() as db:
            db.execute(insert(business_pledges), {
                "credit_code": pledge.credit_code, "kind": pledge.kind.value,
                "start_date": pledge.start, "end_date": pledge.end, "recorded_by": actor,
                "recorded_at": _now()})
            db.execute(insert(business_record_log), {
                "credit_code": pledge.credit_code, "kind": "pledge", "actor": actor,
                "detail": f"{pledge.kind.value} {pledge.start}..{pledge.end}", "at": _now()})

    def pledges(self, credit_code: str) -> list[Pledge]:
        with self.engine.connect() as db:
            rows = db.execute(select(business_pledges)
                              .where(business_pledges.c.credit_code == credit_code)
                              .order_by(business_pledges.c.start_date,
                                        business_pledges.c.id)).all()
        return [Pledge(r.credit_code, PledgeKind(r.kind), r.start_date, r.end_date)
                for r in rows]

    def pledged_on(self, day: date) -> set[str]:
        """Credit codes with at least one pledge in force that day."""
        with self.engine.connect() as db:
            return set(db.scalars(select(business_pledges.c.credit_code).distinct().where(
                business_pledges.c.start_date <= day, business_pledges.c.end_date >= day)))

    def decide_model(self, credit_code: str, *, name: str, designated: bool, reason: str,
                     actor: str) -> ModelBusiness:
        values = {"name": name, "designated": designated, "reason": reason,
                  "decided_by": actor, "decided_at": _now()}
        with self.engine.begin() as db:
            changed = db.execute(update(model_businesses)
                                 .where(model_businesses.c.credit_code == credit_code)
                                 .values(**values))
            if changed.rowcount == 0:
                db.execute(insert(model_businesses), {"credit_code": credit_code, **values})
            db.execute(insert(business_record_log), {
                "credit_code": credit_code, "actor": actor, "detail": reason, "at": _now(),
                "kind": "model_designated" if designated else "model_revoked"})
        return ModelBusiness(credit_code, name, designated, reason, actor, values["decided_at"])

    def model(self, credit_code: str) -> ModelBusiness | None:
        with self.engine.connect() as db:
            row = db.execute(select(model_businesses)
                             .where(model_businesses.c.credit_code == credit_code)).first()
        return ModelBusiness(**row._mapping) if row else None

    def models(self) -> list[ModelBusiness]:
        """The businesses designated now (a revoked one is no longer listed)."""
        with self.engine.connect() as db:
            rows = db.execute(select(model_businesses)
                              .where(model_businesses.c.designated.is_(True))
                              .order_by(model_businesses.c.name)).all()
        return [ModelBusiness(**r._mapping) for r in rows]

    def decide_disclosure(self, business_key: str, *, withheld: bool, reason: str,
                          actor: str) -> None:
        values = {"withheld": withheld, "reason": reason, "decided_by": actor,
                  "decided_at": _now()}
        with self.engine.begin() as db:
            changed = db.execute(update(disclosure_withheld)
                                 .where(disclosure_withheld.c.business_key == business_key)
                                 .values(**values))
            if changed.rowcount == 0:
                db.execute(insert(disclosure_withheld), {"business_key": business_key,
                                                         **values})
            db.execute(insert(business_record_log), {
                "credit_code": business_key, "actor": actor, "detail": reason, "at": _now(),
                "kind": "withheld" if withheld else "disclosed"})

    def withheld_keys(self) -> set[str]:
        with self.engine.connect() as db:
            return set(db.scalars(select(disclosure_withheld.c.business_key)
                                  .where(disclosure_withheld.c.withheld.is_(True))))

    # ----- single cases ------------------------------------------------------------

    def decide_case(self, complaint_id: str, *, withheld: bool, reason: str, actor: str,
                    db: Any = None) -> None:
        if db is None:
            with self.engine.begin() as db:
                return self.decide_case(complaint_id, withheld=withheld, reason=reason,
                                        actor=actor, db=db)
        values = {"withheld": withheld, "reason": reason, "decided_by": actor,
                  "decided_at": _now()}
        changed = db.execute(update(case_disclosure)
                             .where(case_disclosure.c.complaint_id == complaint_id)
                             .values(**values))
        if changed.rowcount == 0:
            db.execute(insert(case_disclosure), {"complaint_id": complaint_id, **values})
        db.execute(insert(business_record_log), {
            "credit_code": complaint_id, "actor": actor, "detail": reason, "at": _now(),
            "kind": "case_withheld" if withheld else "case_disclosed"})
        return None

    def withheld_cases(self) -> set[str]:
        with self.engine.connect() as db:
            return set(db.scalars(select(case_disclosure.c.complaint_id)
                                  .where(case_disclosure.c.withheld.is_(True))))

    def pending_objection(self, complaint_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as db:
            row = db.execute(select(case_objections).where(
                case_objections.c.complaint_id == complaint_id,
                case_objections.c.state == "pending")).first()
        return dict(row._mapping) if row else None

    def object(self, complaint_id: str, *, business_key: str, reason: str,
               actor: str) -> dict[str, Any]:
        at = _now()
        with self.engine.begin() as db:
            pending = db.execute(select(case_objections.c.id).where(
                case_objections.c.complaint_id == complaint_id,
                case_objections.c.state == "pending")).first()
            if pending is not None:
                return {}
            db.execute(insert(case_objections), {
                "complaint_id": complaint_id, "business_key": business_key, "reason": reason,
                "objected_by": actor, "objected_at": at, "state": "pending"})
            db.execute(insert(business_record_log), {
                "credit_code": complaint_id, "actor": actor, "detail": reason, "at": at,
                "kind": "objection"})
        return {"complaint_id": complaint_id, "reason": reason, "state": "pending",
                "objected_at": at}

    def decide_objection(self, complaint_id: str, *, upheld: bool, note: str,
                         actor: str) -> bool:
        """False when no objection is pending (nothing is recorded then)."""
        at = _now()
        with self.engine.begin() as db:
            changed = db.execute(update(case_objections).where(
                case_objections.c.complaint_id == complaint_id,
                case_objections.c.state == "pending").values(
                    state="upheld" if upheld else "refused", note=note, decided_by=actor,
                    decided_at=at))
            if changed.rowcount == 0:
                return False
            db.execute(insert(business_record_log), {
                "credit_code": complaint_id, "actor": actor, "detail": note, "at": at,
                "kind": "objection_upheld" if upheld else "objection_refused"})
            if upheld:
                self.decide_case(complaint_id, withheld=True, reason=note, actor=actor, db=db)
        return True

    def objections(self, *, business_key: str | None = None,
                   pending_only: bool = False) -> list[dict[str, Any]]:
        o = case_objections.c
        statement = select(case_objections).order_by(o.objected_at.desc(), o.id.desc())
        if business_key is not None:
            statement = statement.where(o.business_key == business_key)
        if pending_only:
            statement = statement.where(o.state == "pending")
        with self.engine.connect() as db:
            return [dict(r._mapping) for r in db.execute(statement)]
