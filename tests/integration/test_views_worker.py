"""`complaints serve` keeps the views current in a worker process of its own, and
starts it again when it dies; the server itself only writes."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import UTC, datetime

import pytest

from adapters.demo_data import DemoFactory
from adapters.settings import Settings
from api.bootstrap import wire
from api.views_worker import ViewsWorker

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
# A spawned interpreter imports the whole service before it follows: allow for a
# loaded machine. The loop ends as soon as the condition holds.
PATIENCE = 90.0


def eventually(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return
        pause.wait(0.1)
    raise AssertionError(f"not within {PATIENCE:.0f} s: {what}")


@pytest.fixture
def server_side(database_url, clock, monkeypatch):
    # The worker reads its settings from the environment, as under `complaints serve`.
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    wiring = wire(Settings(database_url=database_url), clock=clock, follow=False)
    worker = ViewsWorker(poll=0.05)
    yield wiring, worker
    worker.stop()
    wiring.close()


def file_some(wiring, n: int, seed: int) -> None:
    wiring.desk.record(*DemoFactory(seed=seed, now=NOW).complaints(n))


def views_current(wiring) -> bool:
    head = wiring.projections.head()
    return all(position == head for position in wiring.projections.positions().values())


def test_the_worker_brings_every_view_up_to_what_the_server_wrote(server_side):
    wiring, worker = server_side
    file_some(wiring, 12, seed=1)

    worker.start()
    eventually(lambda: views_current(wiring), "the views reach the head of the store")

    assert sum(wiring.complaint_list.count_by_state().values()) == 12
    file_some(wiring, 5, seed=2)
    eventually(lambda: sum(wiring.complaint_list.count_by_state().values()) == 17,
               "a later filing reaches the list")


def test_a_worker_that_dies_is_started_again_and_counts_nothing_twice(server_side):
    wiring, worker = server_side
    worker.start()
    file_some(wiring, 6, seed=3)
    eventually(lambda: views_current(wiring), "the first worker catches up")
    first = worker.pid

    os.kill(first, signal.SIGKILL)
    file_some(wiring, 4, seed=4)

    eventually(lambda: worker.pid != first and worker.alive(), "a new worker runs")
    eventually(lambda: views_current(wiring), "the new worker catches up")
    assert worker.restarts == 1
    assert sum(wiring.complaint_list.count_by_state().values()) == 10


def test_stopping_the_server_stops_its_worker(server_side):
    wiring, worker = server_side
    worker.start()
    pid = worker.pid
    eventually(lambda: views_current(wiring), "the worker follows")

    worker.stop()

    assert not worker.alive()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
