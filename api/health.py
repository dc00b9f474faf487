"""`/healthz` and the store's part of `/metrics`, answered within a second whatever the
database does.

The store is read on a small executor of its own, never on the event loop and never
on the thread pool that serves requests: when the database hangs and every request
thread waits on it, the health check still answers, and says what is down.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from adapters.faults import is_unavailable

if TYPE_CHECKING:
    from api.bootstrap import Wiring

ANSWER_WITHIN = 0.8  # seconds: a probe that takes longer reports the store as not answering


@dataclass(frozen=True)
class StoreState:
    """What one look at the store found; `problem` is None when it answered."""

    problem: str | None = None
    head: int = 0
    positions: dict[str, int] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)

    @property
    def up(self) -> bool:
        return self.problem is None

    @property
    def lag(self) -> dict[str, int]:
        return {view: max(self.head - position, 0) for view, position in self.positions.items()}

    def health(self) -> tuple[int, dict[str, Any]]:
        """(HTTP status, body) for `/healthz`."""
        if not self.up:
            return 503, {"status": "down", "database": self.problem,
                         "detail": "the database does not answer; requests get 503 until it does"}
        body: dict[str, Any] = {"status": "degraded" if self.faults else "ok",
                                "database": "ok", "events": self.head,
                                "projection_lag": self.lag}
        if self.faults:
            body["faults"] = self.faults
        return 200, body


class StoreProbe:
    def __init__(self) -> None:
        # Two threads: a probe stuck on a dead connection leaves one for the next.
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="store-probe")

    async def look(self, wiring: Wiring, within: float = ANSWER_WITHIN) -> StoreState:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(self._executor, _read, wiring), timeout=within)
        except TimeoutError:
            return StoreState(problem="timeout")

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _read(wiring: Wiring) -> StoreState:
    projections = wiring.projections
    try:
        head = projections.head()
        positions = projections.positions()
        faults = [fault.as_dict() for fault in projections.faults()]
    except Exception as error:  # noqa: BLE001 - reported, never raised to the caller
        return StoreState(problem="unreachable" if is_unavailable(error) else "error")
    return StoreState(head=head, positions=positions, faults=faults)
