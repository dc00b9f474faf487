"""SQLAlchemy engines for the views, on the same database as the event store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, text

from adapters.settings import Settings


def make_engine(settings: Settings) -> Engine:
    if not settings.is_postgres:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            settings.sqlalchemy_url(), connect_args={"timeout": 30, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL makes NORMAL durable against application crashes; views can be rebuilt.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    schema = settings.postgres_schema
    network_ms = int(settings.db_network_timeout * 1000)
    engine = create_engine(
        settings.sqlalchemy_url(),
        pool_size=5,
        max_overflow=10,
        pool_pre_ping=True,
        # Bounded waits (COMPLAINTS_DB_*): for a pooled connection, to connect, for a
        # statement, and for the network; an outage then answers 503 at once.
        pool_timeout=settings.db_connect_timeout,
        connect_args={
            "options": f"-csearch_path={schema} "
                       f"-cstatement_timeout={int(settings.db_statement_timeout * 1000)}",
            "connect_timeout": max(2, round(settings.db_connect_timeout)),
            "tcp_user_timeout": network_ms,
            "keepalives": 1, "keepalives_idle": max(1, network_ms // 1000),
            "keepalives_interval": 1, "keepalives_count": 3,
        },
    )
    if schema != "public":
        with engine.begin() as db:
            db.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return engine


def ensure_postgres_schema(settings: Settings) -> None:
    """The event store's recorder expects its schema to exist already."""
    if settings.is_postgres and settings.postgres_schema != "public":
        make_engine(settings).dispose()
