"""Case numbers: office, year and a gapless sequence, also when desks file at once."""

from __future__ import annotations

import threading

import pytest

from adapters.settings import Settings
from api.bootstrap import wire
from application.listing import ListFilter
from tests.integration.helpers import an_intake, operator

FILINGS_PER_DESK = 8


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def test_numbers_follow_on_per_office_and_start_again_each_year(wiring, clock):
    desk = wiring.desk
    first = desk.file(an_intake(clock()), actor=operator)
    second = desk.file(an_intake(clock()), actor=operator)
    elsewhere = desk.file(an_intake(clock(), office="SH-HP"), actor=operator)
    clock.advance(days=240)  # into 2027 in Shanghai
    next_year = desk.file(an_intake(clock()), actor=operator)

    assert [desk.get_complaint(i).number for i in (first, second, elsewhere, next_year)] == [
        "SH-PD-2026-000001", "SH-PD-2026-000002", "SH-HP-2026-000001", "SH-PD-2027-000001"]


def test_a_retried_filing_keeps_its_number_and_uses_none_up(wiring, clock):
    desk = wiring.desk
    first = desk.file(an_intake(clock()), actor=operator, idempotency_key="call-1")
    desk.file(an_intake(clock()), actor=operator, idempotency_key="call-1")
    after = desk.file(an_intake(clock()), actor=operator)

    assert desk.get_complaint(first).number == "SH-PD-2026-000001"
    assert desk.get_complaint(after).number == "SH-PD-2026-000002"


def test_two_desks_filing_at_once_share_one_gapless_sequence(wiring, database_url, clock):
    other = wire(Settings(database_url=database_url), clock=clock)
    filed: list = []
    start = threading.Barrier(2)

    def file_many(desk) -> None:
        start.wait()
        for _ in range(FILINGS_PER_DESK):
            filed.append((desk, desk.file(an_intake(clock()), actor=operator)))

    try:
        threads = [threading.Thread(target=file_many, args=(d,)) for d in (wiring.desk, other.desk)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        numbers = sorted(wiring.desk.get_complaint(i).number for _, i in filed)
    finally:
        other.close()

    assert numbers == [f"SH-PD-2026-{n:06d}" for n in range(1, 2 * FILINGS_PER_DESK + 1)]


def test_the_list_shows_the_number_and_finds_the_case_by_it_exactly(wiring, clock):
    desk = wiring.desk
    ids = [desk.file(an_intake(clock()), actor=operator) for _ in range(3)]
    wiring.projections.catch_up()

    found = wiring.complaint_list.search(ListFilter(q="SH-PD-2026-000002"))
    assert [(s.id, s.number) for s in found.items] == [(str(ids[1]), "SH-PD-2026-000002")]
    assert wiring.complaint_list.search(ListFilter(q="SH-PD-2026-000009")).total == 0


def test_a_list_view_stored_before_numbering_is_rebuilt_with_the_numbers(database_url, clock):
    from sqlalchemy import text

    first = wire(Settings(database_url=database_url), clock=clock)
    try:
        filed = first.desk.file(an_intake(clock()), actor=operator)
        first.projections.catch_up()
        with first.engine.begin() as db:  # the table as it was before the column existed
            db.execute(text("DROP INDEX ix_complaint_list_number"))
            db.execute(text("ALTER TABLE complaint_list DROP COLUMN number"))
    finally:
        first.close()

    again = wire(Settings(database_url=database_url), clock=clock)
    try:
        again.projections.catch_up()
        [summary] = again.complaint_list.search(ListFilter()).items
    finally:
        again.close()
    assert (summary.id, summary.number) == (str(filed), "SH-PD-2026-000001")
