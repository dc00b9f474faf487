"""Concurrent filings of one process each get their own case number, and none is skipped."""

from __future__ import annotations

import threading

from application.number_reservations import NumberReservations
from application.numbering import lowest_unclaimed


class ClaimedInStore:
    """The store's claims at SH-HP, as another process might add to them."""

    def __init__(self, *claimed: int) -> None:
        self.claimed = set(claimed)
        self.searches = 0

    def search(self, office: str, year: int, known: int) -> int:
        self.searches += 1
        return lowest_unclaimed(lambda n: office == "SH-HP" and n in self.claimed, known=known)


def test_numbers_follow_on_from_the_store_and_the_store_is_searched_once():
    store = ClaimedInStore(1, 2, 3)
    numbers = NumberReservations(store.search)

    taken = [numbers.take("SH-HP", 2026) for _ in range(4)]

    assert taken == [4, 5, 6, 7]
    assert store.searches == 1
    assert numbers.take("SH-PD", 2026) == 1  # each office and year counts on its own


def test_a_number_given_back_by_a_failed_filing_is_the_next_one_handed_out():
    numbers = NumberReservations(ClaimedInStore().search)
    first, second = numbers.take("SH-HP", 2026), numbers.take("SH-HP", 2026)

    numbers.give_back("SH-HP", 2026, first)

    assert (first, second) == (1, 2)
    assert numbers.take("SH-HP", 2026) == 1
    assert numbers.take("SH-HP", 2026) == 3


def test_a_number_lost_to_another_process_moves_on_past_everything_it_claimed():
    store = ClaimedInStore()
    numbers = NumberReservations(store.search)
    assert numbers.take("SH-HP", 2026) == 1
    store.claimed |= {1, 2, 3, 4}  # another server filed four meanwhile

    numbers.lost("SH-HP", 2026, 1)

    assert numbers.take("SH-HP", 2026) == 5


def test_threads_taking_numbers_at_once_never_get_the_same_one():
    numbers = NumberReservations(ClaimedInStore().search)
    taken: list[int] = []
    start = threading.Barrier(8)

    def file_many() -> None:
        start.wait()
        for _ in range(250):
            taken.append(numbers.take("SH-HP", 2026))

    threads = [threading.Thread(target=file_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(taken) == list(range(1, 2001))
