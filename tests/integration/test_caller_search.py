"""Finding a caller: full phone, full name or ID number, through the keyed blind index."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from adapters.settings import Settings
from api.bootstrap import wire
from application.listing import ListFilter
from tests.integration.helpers import an_intake, operator

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def callers(wiring, clock):
    desk = wiring.desk
    wang = desk.file(an_intake(clock(), consumer={
        "name": "王小明", "phone": "13912345678", "id_number": ID_NUMBER},
        description="耳机左耳没有声音，商家不理"), actor=operator)
    other = desk.file(an_intake(clock(), consumer={"name": "王小红", "phone": "13912345679"}),
                      actor=operator)
    wiring.projections.catch_up()
    return str(wang), str(other)


def found(wiring, q: str) -> list[str]:
    return [s.id for s in wiring.complaint_list.search(ListFilter(q=q)).items]


def test_a_caller_is_found_by_full_phone_name_or_id_number_and_shown_masked(wiring, clock):
    wang, _ = callers(wiring, clock)

    assert found(wiring, "13912345678") == [wang]
    assert found(wiring, "王小明") == [wang]
    assert found(wiring, ID_NUMBER) == [wang]
    row = wiring.complaint_list.search(ListFilter(q="13912345678")).items[0]
    assert (row.consumer_name, row.consumer_phone) == ("王**", "139****5678")


def test_the_way_a_number_is_typed_does_not_matter(wiring, clock):
    wang, _ = callers(wiring, clock)

    assert found(wiring, "139 1234 5678") == [wang]
    assert found(wiring, "+86 139-1234-5678") == [wang]
    assert found(wiring, "１３９１２３４５６７８") == [wang]
    assert found(wiring, ID_NUMBER.lower()) == [wang]


def test_part_of_a_number_or_name_finds_nobody(wiring, clock):
    callers(wiring, clock)

    assert found(wiring, "1391234") == []
    assert found(wiring, "5678") == []
    assert found(wiring, "王小") == []


def test_words_of_the_description_are_still_found(wiring, clock):
    wang, _ = callers(wiring, clock)

    assert found(wiring, "耳机") == [wang]
    assert found(wiring, "左耳 声音") == [wang]
    assert found(wiring, "耳机 退货") == [wang]  # the request says 退货退款
    assert found(wiring, "耳机 保修") == []


def test_the_index_tables_hold_no_value_in_clear(wiring, clock):
    callers(wiring, clock)

    with wiring.engine.connect() as db:
        dumped = " ".join(str(v) for table in ("consumer_lookup", "complaint_terms")
                          for row in db.execute(text(f"SELECT * FROM {table}")) for v in row)
    for clear in ("13912345678", "王小明", ID_NUMBER, "耳机", "5678"):
        assert clear not in dumped


def test_a_rebuilt_list_finds_the_same_callers(wiring, clock):
    wang, other = callers(wiring, clock)

    wiring.projections.rebuild(["complaint_list"])

    assert found(wiring, "13912345679") == [other]
    assert found(wiring, "王小明") == [wang]


def test_a_whole_identifier_finds_the_caller_before_words_in_other_texts(wiring, clock):
    wang, _ = callers(wiring, clock)
    mention = wiring.desk.file(an_intake(clock(), description="王小明介绍我来投诉这家店"),
                               actor=operator)
    wiring.projections.catch_up()

    assert found(wiring, "王小明") == [wang]
    assert found(wiring, "小明 介绍") == [str(mention)]
