"""The PostgreSQL event store with every wait bounded.

eventsourcing's own settings bound the wait for a pooled connection (which also
bounds connecting) and the queue of waiters; a statement that runs on, or a
connection whose peer has vanished without a word, it leaves to the server and the
operating system. This factory adds both, read from the same environment:
`POSTGRES_STATEMENT_TIMEOUT` (seconds a statement may run) and
`POSTGRES_TCP_USER_TIMEOUT` (seconds sent data may stay unacknowledged).

Its recorder also tries a failed call once more, not ten times: eventsourcing's
recorders retry ten times, each waiting the whole pool timeout, so a request held
a thread for 22 s while the database was away. One more try still covers the
usual case, a pooled connection the server closed; a pool that has no connection
to give means the database is away, and is not tried again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import (
    PostgresAggregateRecorder, PostgresApplicationRecorder, PostgresFactory,
)
from psycopg_pool import PoolTimeout, TooManyRequests


def _tried_twice(decorated: Callable[..., Any]) -> Callable[..., Any]:
    call = decorated.__wrapped__  # eventsourcing's method without its ten retries

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(self, *args, **kwargs)
        except (InterfaceError, OperationalError) as error:
            if isinstance(error.__cause__, PoolTimeout | TooManyRequests):
                raise
            time.sleep(0.05)
            return call(self, *args, **kwargs)

    method.__name__ = call.__name__
    method.__doc__ = call.__doc__
    return method


class PromptApplicationRecorder(PostgresApplicationRecorder):
    insert_events = _tried_twice(PostgresApplicationRecorder.insert_events)
    select_events = _tried_twice(PostgresAggregateRecorder.select_events)
    select_notifications = _tried_twice(PostgresApplicationRecorder.select_notifications)
    max_notification_id = _tried_twice(PostgresApplicationRecorder.max_notification_id)


class BoundedPostgresFactory(PostgresFactory):
    application_recorder_class = PromptApplicationRecorder
    POSTGRES_STATEMENT_TIMEOUT = "POSTGRES_STATEMENT_TIMEOUT"
    POSTGRES_TCP_USER_TIMEOUT = "POSTGRES_TCP_USER_TIMEOUT"

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        statement = float(self.env.get(self.POSTGRES_STATEMENT_TIMEOUT) or 0)
        unacknowledged = float(self.env.get(self.POSTGRES_TCP_USER_TIMEOUT) or 0)
        # The pool is not open yet: every connection it makes carries these.
        kwargs = self.datastore.pool.kwargs
        if statement:
            kwargs["options"] = f"-c statement_timeout={int(statement * 1000)}"
        if unacknowledged:
            kwargs["tcp_user_timeout"] = int(unacknowledged * 1000)
            kwargs.update(keepalives=1, keepalives_idle=max(1, int(unacknowledged)),
                          keepalives_interval=1, keepalives_count=3)
