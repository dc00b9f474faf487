"""How views store moments: naive UTC, since SQLite keeps no offsets and both backends
must agree."""

from __future__ import annotations

from datetime import UTC, datetime


def stored_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def read_utc(stored: datetime) -> datetime:
    return stored.replace(tzinfo=UTC)
