"""Gapless numbers: the lowest sequence nobody has claimed yet.

Case numbers and document numbers are claimed lowest first, each claim an event
saved in the same transaction as the complaint's own (a filing or an issue that
loses the race takes the next one), so the claimed sequences are always 1..n.
"""

from __future__ import annotations

from collections.abc import Callable


def lowest_unclaimed(claimed: Callable[[int], bool], *, known: int = 0) -> int:
    """n + 1 for the claimed 1..n: the last known n is checked first (one lookup),
    else n is found by doubling, then halving."""
    low = known if known and claimed(known) else 0
    step, high = 1, low + 1
    while claimed(high):
        low, step = high, step * 2
        high = low + step
    while high - low > 1:
        middle = (low + high) // 2
        if claimed(middle):
            low = middle
        else:
            high = middle
    return high
