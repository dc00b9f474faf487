"""Rows written in bulk read back as SQLAlchemy's own insert would have stored them."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import (
    BigInteger, Boolean, Column, DateTime, Integer, MetaData, String, Table, insert, select,
)

from adapters.database import make_engine
from adapters.settings import Settings
from adapters.views.bulk_rows import insert_rows

rows_meta = MetaData()
sample = Table(
    "bulk_sample", rows_meta,
    Column("token", BigInteger, primary_key=True),
    Column("complaint_id", String(36), primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("flag", Boolean, nullable=False),
    Column("note", String(40)),
)
with_default = Table(
    "bulk_defaulted", rows_meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(20), nullable=False),
)


@pytest.fixture
def engine(database_url):
    engine = make_engine(Settings(database_url=database_url))
    rows_meta.create_all(engine)
    yield engine
    engine.dispose()


def rows(n: int, start: int = 0) -> list[dict]:
    return [{"token": (i * 7919) % 1000 - 500, "complaint_id": f"c{i:04d}",
             "at": datetime(2026, 5, 1 + i % 28, 8, i % 60, 30), "flag": i % 3 == 0,
             "note": None if i % 5 == 0 else f"第{i}条"} for i in range(start, start + n)]


def stored(engine) -> list[tuple]:
    with engine.connect() as db:
        return [tuple(r) for r in db.execute(select(sample).order_by(sample.c.complaint_id))]


def test_bulk_rows_read_back_exactly_as_an_ordinary_insert_stores_them(engine):
    with engine.begin() as db:
        db.execute(insert(sample), rows(40))
    expected = stored(engine)
    with engine.begin() as db:
        db.execute(sample.delete())

    with engine.begin() as db:
        insert_rows(db, sample, rows(40))

    assert stored(engine) == expected
    assert expected[0][2] == datetime(2026, 5, 1, 8, 0, 30)


def test_bulk_rows_roll_back_with_the_transaction_they_were_written_in(engine):
    with engine.begin() as db:
        insert_rows(db, sample, rows(10))

    with pytest.raises(RuntimeError), engine.begin() as db:
        insert_rows(db, sample, rows(10, start=10))
        raise RuntimeError("the page fails after its rows were written")

    assert len(stored(engine)) == 10


def test_a_duplicate_key_fails_the_bulk_write_as_it_would_an_insert(engine):
    with engine.begin() as db:
        insert_rows(db, sample, rows(3))

    with pytest.raises(Exception), engine.begin() as db:  # noqa: B017 - each driver its own error
        insert_rows(db, sample, rows(1))

    assert len(stored(engine)) == 3


def test_rows_that_leave_a_column_to_its_default_get_the_default(engine):
    with engine.begin() as db:
        insert_rows(db, with_default, [{"name": "一"}, {"name": "二"}])

    with engine.connect() as db:
        assert [tuple(r) for r in db.execute(select(with_default).order_by(with_default.c.id))] \
            == [(1, "一"), (2, "二")]


def test_nothing_to_write_touches_nothing(engine):
    with engine.begin() as db:
        insert_rows(db, sample, [])
    assert stored(engine) == []

