"""Many new rows into one view table, inside the page's transaction, at bulk speed.

SQLAlchemy's executemany compiles and processes every row's parameters in Python,
which a rebuild pays for on hundreds of thousands of search-index rows (profiled:
a third of the complaint list's rebuild on PostgreSQL). Here the column types' own
bind processors are looked up once per table and dialect, and the rows go to the
driver directly: `COPY ... FROM STDIN` on PostgreSQL (psycopg's copy, on the same
connection and so in the same transaction as the view's tracking position), a plain
DB-API executemany elsewhere. Rows are written in primary-key order, which keeps
the B-tree inserts local.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table

_Writer = Callable[[Connection, Sequence[dict[str, Any]]], None]
_writers: dict[tuple[int, str], _Writer] = {}


def insert_rows(db: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert these rows (dicts keyed by column name, the same keys in every row)."""
    if not rows:
        return
    if len(rows[0]) != len(table.columns):
        # Some column is left to its default: SQLAlchemy's insert knows how to fill it.
        db.execute(table.insert(), list(rows))
        return
    dialect = db.dialect
    key = (id(table), dialect.name)
    writer = _writers.get(key)
    if writer is None:
        writer = _writers[key] = _writer_for(table, dialect)
    writer(db, rows)


def _writer_for(table: Table, dialect: Any) -> _Writer:
    names = [column.name for column in table.columns]
    columns = ", ".join(f'"{name}"' for name in names)
    order = [column.name for column in table.primary_key.columns]

    values = itemgetter(*names)
    positions = [names.index(n) for n in order]
    # Tuples compare element by element: when the key leads the row, a plain sort is
    # key order (two rows never share a key) without a key function per row.
    key = None if positions == list(range(len(positions))) else itemgetter(*positions)

    def sorted_tuples(rows: Sequence[dict[str, Any]],
                      convert: list[Callable[[Any], Any] | None]) -> list[tuple[Any, ...]]:
        tuples = [(values(row),) for row in rows] if len(names) == 1 else list(map(values, rows))
        if positions:
            tuples.sort(key=key)
        converting = [(i, f) for i, f in enumerate(convert) if f is not None]
        if not converting:
            return tuples
        changed = []
        for row in tuples:
            cells = list(row)
            for i, f in converting:
                cells[i] = f(cells[i])
            changed.append(tuple(cells))
        return changed

    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        # psycopg adapts Python values itself for COPY; no bind processors are needed.
        copy_sql = f'COPY "{table.name}" ({columns}) FROM STDIN'
        plain: list[Callable[[Any], Any] | None] = [None] * len(names)

        def copy(db: Connection, rows: Sequence[dict[str, Any]]) -> None:
            raw = db.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(copy_sql) as out:  # type: ignore[union-attr]
                for row in sorted_tuples(rows, plain):
                    out.write_row(row)
        return copy

    convert = [column.type.bind_processor(dialect) for column in table.columns]
    marks = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in names)
    insert_sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'

    def executemany(db: Connection, rows: Sequence[dict[str, Any]]) -> None:
        db.exec_driver_sql(insert_sql, sorted_tuples(rows, convert))
    return executemany
