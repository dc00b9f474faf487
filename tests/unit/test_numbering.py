"""The lowest unclaimed sequence, found in few lookups whatever was claimed before."""

from __future__ import annotations

import pytest

from application.numbering import lowest_unclaimed


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 8, 9, 100, 1023, 1024, 5000])
@pytest.mark.parametrize("known", [0, 1, 50, 5000, 9999])
def test_after_claims_one_to_n_the_next_is_n_plus_one(n, known):
    asked: list[int] = []

    def claimed(sequence: int) -> bool:
        asked.append(sequence)
        return 1 <= sequence <= n

    assert lowest_unclaimed(claimed, known=known) == n + 1
    assert len(asked) <= 2 * max(n, 1).bit_length() + 3


def test_the_last_known_number_makes_the_next_one_lookup_away():
    asked: list[int] = []

    def claimed(sequence: int) -> bool:
        asked.append(sequence)
        return sequence <= 41

    assert lowest_unclaimed(claimed, known=41) == 42
    assert asked == [41, 42]
