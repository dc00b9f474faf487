"""Telling a database that is down or busy from a request or an event it cannot store.

The first is worth waiting out (503 and `Retry-After`, a follower that backs off and
tries the same page again); the second will fail the same way on every retry.
"""

from __future__ import annotations


def is_unavailable(error: BaseException) -> bool:
    """True when the database could not be reached, timed out or dropped the connection."""
    from eventsourcing.persistence import InterfaceError, OperationalError
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import InterfaceError as SQLInterfaceError
    from sqlalchemy.exc import OperationalError as SQLOperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OperationalError | InterfaceError | SQLOperationalError
                      | SQLInterfaceError | PoolTimeout | TimeoutError | ConnectionError):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if _is_psycopg_unavailable(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _is_psycopg_unavailable(error: BaseException) -> bool:
    try:
        import psycopg
        from psycopg_pool import PoolTimeout, TooManyRequests
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    if isinstance(error, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable):
        return True  # a statement or lock timeout: the database is too busy right now
    return isinstance(error, psycopg.OperationalError | psycopg.InterfaceError | PoolTimeout
                      | TooManyRequests)
