"""Next case numbers handed out to this process's concurrent filings, one each.

Measured under 32 concurrent filings (bench/http_filing.py), threads racing for the
same lowest unclaimed number lost to each other, and each loser searched the store
again: filing ran at a tenth of a bare save. Here the store is searched once per
office and year; after that each filing takes the next number from memory, so
threads of one process never race each other. A number taken but not used (the
filing failed) is handed out again first, so no number is skipped. Other processes
still race for numbers; the claim's unique version settles it, and the loser moves
on past the numbers the other process has claimed.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable

# (office, year, a number known to be claimed, or 0) -> the lowest unclaimed number
Search = Callable[[str, int, int], int]


class NumberReservations:
    def __init__(self, search: Search) -> None:
        self._search = search
        self._lock = threading.Lock()
        self._last: dict[tuple[str, int], int] = {}
        self._returned: dict[tuple[str, int], list[int]] = {}

    def take(self, office: str, year: int) -> int:
        key = (office, year)
        with self._lock:
            returned = self._returned.get(key)
            if returned:
                return heapq.heappop(returned)
            if key not in self._last:
                self._last[key] = self._search(office, year, 0) - 1
            self._last[key] += 1
            return self._last[key]

    def give_back(self, office: str, year: int, sequence: int) -> None:
        """The filing that took this number did not store it."""
        with self._lock:
            heapq.heappush(self._returned.setdefault((office, year), []), sequence)

    def lost(self, office: str, year: int, sequence: int) -> None:
        """Another process claimed this number first."""
        key = (office, year)
        with self._lock:
            last = self._last.get(key, 0)
            self._last[key] = max(last, self._search(office, year, max(last, sequence)) - 1)
