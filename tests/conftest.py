"""Shared fixtures: every integration and HTTP test runs on SQLite and on PostgreSQL.

PostgreSQL comes from COMPLAINTS_TEST_POSTGRES (default: the local server's `test`
database). Each test gets a schema of its own, dropped afterwards. Locally the
PostgreSQL cases are skipped when no server answers; under CI they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

POSTGRES_URL = os.environ.get(
    "COMPLAINTS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Every store in the tests is encrypted, as in production; a test of the generated
# SQLite key removes this on purpose.
os.environ.setdefault("COMPLAINTS_CIPHER_KEY", "HJ3Ub5Ux3Sqn+0oUjDPSkxmQEn2xaGd2r6vUjA6cGJc=")
# The audit keys likewise (PostgreSQL refuses to start without them).
os.environ.setdefault("COMPLAINTS_CHAIN_KEY", "q6dY0m0vN2x9sYk0oQpJ3bQm1Jc2mJ8nB5b0y3c7k2E=")
os.environ.setdefault("COMPLAINTS_SIGNING_KEY", "9Jx7sQqfM6yN2l3rJ0sV4bW8eT1uY5iO7pA2dF4gH6k=")
os.environ.setdefault("COMPLAINTS_BLIND_INDEX_KEY", "9b1FkN2b0h8C3h6kCk1wq5yQ2o8mXb3rX0q2tq8vV0U=")
os.environ.setdefault("COMPLAINTS_SEARCH_TOKEN_KEY", "Qm5y2l9n6V3tC1pXw7sK4hR8dJ0fG2aL5eT9uY3iO6c=")


def _postgres_answers() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL.replace("postgresql://", "postgresql://", 1),
                             connect_timeout=3):
            return None
    except Exception as error:  # any failure means: no usable server here
        return str(error)


_POSTGRES_PROBLEM = _postgres_answers()


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 5, 11, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/complaints.db"
        return
    if _POSTGRES_PROBLEM:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but not reachable: {_POSTGRES_PROBLEM}")
        raise pytest.skip.Exception(f"PostgreSQL not reachable: {_POSTGRES_PROBLEM}")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
        db.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
