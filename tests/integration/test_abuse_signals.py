"""Signs of abuse (Order 121 Art. 17) on a seeded pattern, and none on ordinary traffic,
on SQLite and PostgreSQL; the view holds keyed hashes only."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import select

from adapters.settings import Settings
from adapters.views.abuse_signals import abuse_filings
from api.bootstrap import wire
from tests.integration.helpers import an_intake, operator

SHOP = {"name": "上海优选电子商务有限公司", "uscc": "91350100M000100Y43"}
OTHER_SHOPS = ["上海某某超市有限公司", "上海某某餐饮管理有限公司", "上海某某旅行社有限公司",
               "上海某某教育科技有限公司", "上海某某美容有限公司"]


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def file(wiring, clock, *, name, phone, address=None, business=None, industry="online_shopping"):
    consumer = {"name": name, "phone": phone, **({"address": address} if address else {})}
    return str(wiring.desk.file(an_intake(clock(), consumer=consumer,
                                          business=business or SHOP, industry=industry),
                                actor=operator))


def signs(wiring, *ids):
    wiring.projections.catch_up()
    return wiring.abuse_signals.signs_of(ids)


def test_ordinary_traffic_shows_no_sign(wiring, clock):
    ids = [file(wiring, clock, name=f"消费者{i}", phone=f"1390000{i:04d}",
                address=f"上海市黄浦区某路{i}号", business={"name": OTHER_SHOPS[i % 5]},
                industry=("food", "catering", "tourism")[i % 3])
           for i in range(12)]
    # One consumer may well complain twice about two different things.
    ids.append(file(wiring, clock, name="消费者1", phone="13900000001", business=SHOP))
    assert signs(wiring, *ids) == {}


def test_one_phone_used_by_several_complainants_is_a_sign_on_each_of_their_cases(wiring, clock):
    first = file(wiring, clock, name="甲", phone="13911110000")
    assert signs(wiring, first) == {}
    second = file(wiring, clock, name="乙", phone="139 1111 0000")  # the same number, spaced
    assert signs(wiring, first, second) == {first: ["shared_phone"], second: ["shared_phone"]}


def test_one_address_used_by_several_complainants_is_a_sign(wiring, clock):
    a = file(wiring, clock, name="甲", phone="13911110001", address="上海市徐汇区某路8号")
    b = file(wiring, clock, name="乙", phone="13911110002", address="上海市徐汇区某路8号")
    assert signs(wiring, a, b) == {a: ["shared_address"], b: ["shared_address"]}


def test_many_complaints_against_one_business_in_a_short_time_is_a_sign(wiring, clock):
    ids = []
    for _ in range(2):
        ids.append(file(wiring, clock, name="职业打假人", phone="13922220000"))
        clock.advance(days=3)
    assert signs(wiring, *ids) == {}
    ids.append(file(wiring, clock, name="职业打假人", phone="13922220000"))
    assert signs(wiring, *ids) == {i: ["repeat_business"] for i in ids}

    # Far apart in time it is not "a short time": a new series starts clean.
    clock.advance(days=120)
    later = file(wiring, clock, name="职业打假人", phone="13922220000")
    assert signs(wiring, later) == {}


def test_many_complaints_on_one_kind_of_goods_is_a_sign_whatever_the_business(wiring, clock):
    ids = [file(wiring, clock, name="丙", phone="13933330000", business={"name": shop},
                industry="food") for shop in OTHER_SHOPS]
    assert signs(wiring, *ids) == {i: ["repeat_kind"] for i in ids}


def test_the_view_holds_no_personal_data_only_keyed_hashes(wiring, clock):
    file(wiring, clock, name="欧阳小明", phone="13987654321", address="上海市徐汇区漕溪北路88号")
    wiring.projections.catch_up()
    with wiring.engine.connect() as db:
        row = db.execute(select(abuse_filings)).one()._asdict()
    assert isinstance(row["phone"], int) and isinstance(row["complainant"], int)
    assert not any(secret in str(row.values()) for secret in
                   ("欧阳", "13987654321", "漕溪北路"))


def test_statistics_count_decisions_made_with_signs_and_what_was_decided(wiring, clock):
    shared = [file(wiring, clock, name=n, phone="13944440000") for n in ("甲", "乙", "丙")]
    ordinary = file(wiring, clock, name="丁", phone="13944440001")
    wiring.desk.reject(UUID(shared[0]), actor=operator, reason="not_consumer_dispute")
    wiring.desk.accept(UUID(shared[1]), actor=operator)
    wiring.desk.accept(UUID(ordinary), actor=operator)
    wiring.projections.catch_up()

    figures = wiring.disclosure.statistics(since=date(2026, 5, 1), until=date(2026, 5, 31))
    assert figures.abuse_signs.decisions == 3
    assert figures.abuse_signs.with_signs == 2
    assert figures.abuse_signs.by_decision == {"rejected:not_consumer_dispute": 1, "accepted": 1}
    assert figures.abuse_signs.by_sign == {"shared_phone": 2}
    assert figures.consumers == 4
