"""The views' own process, started and watched by `complaints serve`.

Measured with py-spy, views following in a thread of the serving process took 16% of
its CPU and held the GIL between requests; in a process of their own they run on the
other core. The serving process keeps answering while the worker is down: a page that
needs its own write in the lists catches the views up itself (`wait_until`), and the
positions' compare-and-set keeps the two from applying a page twice.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from typing import Any

log = logging.getLogger(__name__)

# A worker that keeps dying is restarted, but not in a tight loop.
FIRST_RESTART = 1.0  # seconds, doubled after each death, reset after a long enough life
LONGEST_RESTART = 60.0
HEALTHY_AFTER = 30.0


def follow_until_stopped(poll: float, stop: threading.Event | None = None) -> None:
    """Keep every view current until SIGTERM (or `stop`): `complaints projections run`,
    and the body of the worker process."""
    from adapters.settings import Settings
    from api.bootstrap import wire

    stop = stop or threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    wiring = wire(Settings())
    try:
        wiring.projections.start(poll_interval=poll)
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        wiring.close()


def _worker_main(poll: float) -> None:
    from multiprocessing.connection import wait

    from api.logging import configure

    configure()
    stop = threading.Event()
    parent = multiprocessing.parent_process()
    if parent is not None:
        # A server killed outright (kill -9, the OOM killer) cannot stop its worker:
        # the worker sees its parent go and stops itself rather than live on orphaned.
        threading.Thread(target=lambda: (wait([parent.sentinel]), stop.set()),
                         name="parent-watch", daemon=True).start()
    follow_until_stopped(poll, stop)


class ViewsWorker:
    """One child process following the store, restarted when it dies."""

    def __init__(self, poll: float = 0.5) -> None:
        self.poll = poll
        # A fresh interpreter: no engine, pool or thread of the server is copied across.
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def start(self) -> None:
        self._stop.clear()
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="views-worker-watch",
                                         daemon=True)
        self._watcher.start()

    def _spawn(self) -> None:
        self._process = self._context.Process(target=_worker_main, args=(self.poll,),
                                              name="complaints-views", daemon=True)
        self._process.start()
        log.info("views worker started", extra={"fields": {"pid": self._process.pid}})

    def _watch(self) -> None:
        delay = FIRST_RESTART
        lived = 0.0
        while not self._stop.is_set():
            self._process.join(timeout=1.0)
            if self._process.is_alive():
                lived += 1.0
                if lived >= HEALTHY_AFTER:
                    delay = FIRST_RESTART
                continue
            if self._stop.is_set():
                return
            log.warning("views worker exited with status %s; restarting in %.0f s",
                        self._process.exitcode, delay)
            if self._stop.wait(delay):
                return
            delay, lived = min(delay * 2, LONGEST_RESTART), 0.0
            self.restarts += 1
            self._spawn()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=timeout)
            self._watcher = None
        process, self._process = self._process, None
        if process is None:
            return
        if process.is_alive():
            process.terminate()  # SIGTERM: the worker finishes its page and closes
            process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(timeout)
