"""Figures read by people: the public tells apart businesses of the same name, and the
credit pages show rounded figures and no internal identifiers."""

from __future__ import annotations

import random

from adapters.demo_data import valid_uscc
from domain.permissions import Actor
from domain.vocabulary import Role
from tests.integration.helpers import an_intake

OPERATOR = Actor("op01", Role.OPERATOR)
SAME_NAME = "上海优选电子商务有限公司"


def accepted_against(wiring, uscc: str, n: int) -> None:
    desk = wiring.desk
    for _ in range(n):
        complaint_id = desk.file(an_intake(desk.clock(), business={
            "name": SAME_NAME, "uscc": uscc}), actor=OPERATOR)
        desk.accept(complaint_id, actor=OPERATOR)
    wiring.projections.catch_up()


def test_the_public_tells_two_businesses_of_one_name_apart_by_credit_code_and_count(
        people, wiring):
    rng = random.Random(7)
    first, second = valid_uscc(rng), valid_uscc(rng)
    accepted_against(wiring, first, 3)
    accepted_against(wiring, second, 1)

    public = people().page
    public.goto("/public")
    rows = public.locator("#public tbody tr")
    assert rows.count() == 2
    seen = {(rows.nth(i).locator("td.uscc").inner_text(),
             rows.nth(i).locator("td.complaints").inner_text()) for i in range(2)}
    assert seen == {(first, "3"), (second, "1")}
    assert "统一社会信用代码" in public.inner_text("#public thead")


def test_the_credit_pages_show_no_internal_rule_identifiers(people, wiring):
    accepted_against(wiring, valid_uscc(random.Random(8)), 1)
    supervisor = people().sign_in("sup01")
    supervisor.goto("/credit")
    text = supervisor.inner_text("main")
    assert "现行信用规则" in text
    assert "spec4-default" not in text
    supervisor.locator("#grades tbody a").first.click()
    assert "spec4-default" not in supervisor.inner_text("main")
    assert "现行信用规则" in supervisor.inner_text("main")


def test_staff_are_shown_by_name_and_the_overdue_list_turns_its_pages(people, wiring):
    wiring.accounts.add("med07", role=Role.MEDIATOR, password="a-long-secret-7",
                        office="SH-PD", display_name="李娜")
    desk = wiring.desk
    assigned = desk.file(an_intake(desk.clock()), actor=OPERATOR)
    desk.accept(assigned, actor=OPERATOR, notified_via="phone")
    desk.assign(assigned, actor=OPERATOR, mediator="med07")
    for _ in range(26):  # received in March: long past their acceptance deadline
        desk.file(an_intake(desk.clock(), received_at="2026-03-02T10:00:00+08:00"),
                  actor=OPERATOR)
    wiring.projections.catch_up()

    supervisor = people().sign_in("sup01")
    supervisor.goto(f"/cases/{assigned}")
    assert supervisor.inner_text("#case-mediator") == "李娜"
    assert supervisor.inner_text("#case-office") == "浦东新区市场监督管理局"
    supervisor.goto("/dashboard")
    assert supervisor.locator("#overdue tbody tr").count() == 25
    supervisor.click("nav.pager a[rel=next]")
    assert supervisor.locator("#overdue tbody tr").count() >= 1
    assert "/dashboard?page=2" in supervisor.url
