"""The ODR register (在线消费争议解决; Order 121 Art. 6): which businesses settle
complaints online before the office decides, and from when.

A register is configuration, like accounts, so it is a plain table; every joining and
leaving is also appended to `odr_register_log`, which is only ever added to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, Date, DateTime, Engine, Integer, MetaData, String
from sqlalchemy import Table, insert, select, update

metadata = MetaData()

odr_register = Table(
    "odr_register",
    metadata,
    Column("credit_code", String(18), primary_key=True),
    Column("business_name", String(200), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),  # the last day on the register; None while it stays on
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)

odr_register_log = Table(
    "odr_register_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("credit_code", String(18), nullable=False),
    Column("kind", String(8), nullable=False),  # joined | left
    Column("day", Date, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
)


@dataclass(frozen=True)
class OdrMember:
    credit_code: str
    business_name: str
    start_date: date
    end_date: date | None

    def on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class OdrRegister:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def setup(self) -> None:
        metadata.create_all(self.engine)

    def join(self, credit_code: str, *, name: str, start: date, actor: str) -> OdrMember:
        """On the register from `start`; joining again replaces the dates."""
        values = {"business_name": name, "start_date": start, "end_date": None,
                  "recorded_by": actor, "recorded_at": _now()}
        with self.engine.begin() as db:
            changed = db.execute(update(odr_register)
                                 .where(odr_register.c.credit_code == credit_code)
                                 .values(**values))
            if changed.rowcount == 0:
                db.execute(insert(odr_register), {"credit_code": credit_code, **values})
            db.execute(insert(odr_register_log), {"credit_code": credit_code, "kind": "joined",
                                                  "day": start, "actor": actor, "at": _now()})
        return OdrMember(credit_code, name, start, None)

    def leave(self, credit_code: str, *, last_day: date, actor: str) -> OdrMember | None:
        with self.engine.begin() as db:
            changed = db.execute(update(odr_register)
                                 .where(odr_register.c.credit_code == credit_code)
                                 .values(end_date=last_day, recorded_by=actor,
                                         recorded_at=_now()))
            if changed.rowcount == 0:
                return None
            db.execute(insert(odr_register_log), {"credit_code": credit_code, "kind": "left",
                                                  "day": last_day, "actor": actor, "at": _now()})
        return self.get(credit_code)

    def get(self, credit_code: str | None) -> OdrMember | None:
        if not credit_code:
            return None
        with self.engine.connect() as db:
            row = db.execute(select(odr_register)
                             .where(odr_register.c.credit_code == credit_code)).first()
        return _member(row) if row else None

    def on_register(self, credit_code: str | None, day: date) -> bool:
        member = self.get(credit_code)
        return member is not None and member.on(day)

    def all(self) -> list[OdrMember]:
        with self.engine.connect() as db:
            rows = db.execute(select(odr_register).order_by(odr_register.c.credit_code)).all()
        return [_member(row) for row in rows]


def _member(row: object) -> OdrMember:
    return OdrMember(row.credit_code, row.business_name,  # type: ignore[attr-defined]
                     row.start_date, row.end_date)  # type: ignore[attr-defined]
