"""The case list as a supervisor works it: filters, sorting, pages, and the list taken
out as a file, masked unless asked for in full, each export on the record."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from domain.permissions import Actor
from domain.vocabulary import Role
from tests.integration.helpers import an_intake

OPERATOR = Actor("op01", Role.OPERATOR)
STATE_FILED = "已登记"


def filed(wiring, n: int, **overrides) -> list[str]:
    desk = wiring.desk
    ids = [str(desk.file(an_intake(desk.clock(), **overrides), actor=OPERATOR)) for _ in range(n)]
    wiring.projections.catch_up()
    return ids


def exports_recorded(wiring) -> list:
    desk = wiring.desk
    return [desk.mapper.to_domain_event(n)
            for n in desk.recorder.select_notifications(start=None, limit=5000)
            if n.topic.endswith("ListExport.Exported")]


def test_the_supervisor_filters_sorts_pages_and_exports_the_list(people, wiring, clock):
    filed(wiring, 52, industry="online_shopping")
    catering = filed(wiring, 2, industry="catering", channel="web", amount="88.00")
    supervisor = people().sign_in("sup01")
    supervisor.goto("/cases")

    assert "共 54 条" in supervisor.inner_text("main")
    assert supervisor.locator("#cases tbody tr").count() == 50
    supervisor.click("nav.pager a[rel=next]")
    # The click only starts the navigation: wait for the next page's rows.
    expect(supervisor.locator("#cases tbody tr")).to_have_count(4)

    supervisor.select_option("#f-industry", "catering")
    supervisor.select_option("#f-channel", "web")
    supervisor.select_option("#f-sort", "number")
    supervisor.click("#case-filters button[type=submit]")
    rows = supervisor.locator("#cases tbody tr")
    expect(rows).to_have_count(len(catering))
    assert [rows.nth(i).get_attribute("data-id") for i in range(rows.count())] == catering

    with supervisor.expect_download() as got:
        supervisor.click("#export-csv")
    text = open(got.value.path(), encoding="utf-8-sig").read()
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["案件编号", "系统标识", "状态"]
    assert [line[1] for line in lines[1:]] == catering
    assert {line[2] for line in lines[1:]} == {STATE_FILED}
    assert "13812345678" not in text and "138****5678" in text

    with supervisor.expect_download() as got:
        supervisor.click("#export-full")
    sheet = load_workbook(io.BytesIO(open(got.value.path(), "rb").read())).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "13812345678" in values[1]

    assert [(e.format, e.count, e.personal_data, e.actor["username"])
            for e in exports_recorded(wiring)] == [
        ("csv", 2, False, "sup01"), ("xlsx", 2, True, "sup01")]


def test_a_mediator_lists_only_their_cases_and_exports_them_masked(people, wiring):
    mine = filed(wiring, 1)[0]
    filed(wiring, 1)
    desk = wiring.desk
    from uuid import UUID
    desk.accept(UUID(mine), actor=OPERATOR)
    desk.assign(UUID(mine), actor=OPERATOR, mediator="med01")
    wiring.projections.catch_up()

    mediator = people().sign_in("med01")
    mediator.goto("/cases")
    rows = mediator.locator("#cases tbody tr")
    assert [rows.nth(i).get_attribute("data-id") for i in range(rows.count())] == [mine]
    assert mediator.locator("#export-full").count() == 0
    refused = mediator.request.get("/export/cases.csv?personal_data=full")
    assert refused.status == 403
