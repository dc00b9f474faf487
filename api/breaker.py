"""A short pause after the database was found unreachable.

While PostgreSQL is away, every request would otherwise wait its full connect or
pool timeout before answering 503, and a burst of them queues behind the server's
threads. After one request finds the database gone, the next ones are answered 503
at once for a second; then one is let through to look again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from adapters.faults import is_unavailable

PAUSE = 1.0  # seconds


def means_unreachable(error: BaseException) -> bool:
    """The database cannot be reached (not merely a statement that ran too long)."""
    try:
        import psycopg

        if isinstance(error, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable):
            return False
        cause = error.__cause__ or error.__context__
        if isinstance(cause, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable):
            return False
    except ImportError:  # pragma: no cover
        pass
    return is_unavailable(error)


class Breaker:
    def __init__(self, pause: float = PAUSE, clock: Callable[[], float] = time.monotonic) -> None:
        self.pause = pause
        self.clock = clock
        self._open_until = 0.0
        self._lock = threading.Lock()

    def trip(self) -> None:
        with self._lock:
            self._open_until = self.clock() + self.pause

    def is_open(self) -> bool:
        return self.clock() < self._open_until
