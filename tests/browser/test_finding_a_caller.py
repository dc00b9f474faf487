"""A caller rings again: the operator finds the case by the phone number in the case
list's search box; the list shows it masked. Later the consumer's personal data is
erased on request, and the case page reads 已删除 while the case itself stays."""

from __future__ import annotations

from tests.integration.helpers import an_intake, operator, supervisor

CALLER, PHONE = "王小明", "13912345678"


def test_the_operator_finds_a_caller_by_phone_and_an_erased_case_reads_erased(
        people, wiring, tmp_path):
    desk = wiring.desk
    wanted = desk.file(an_intake(desk.clock(), consumer={"name": CALLER, "phone": PHONE},
                                 description="耳机左耳没有声音"), actor=operator)
    desk.file(an_intake(desk.clock(), consumer={"name": "李四", "phone": "13700001111"}),
              actor=operator)
    wiring.projections.catch_up()

    clerk = people().sign_in("op01")
    clerk.goto("/cases")
    clerk.fill("#f-q", "139 1234 5678")
    clerk.press("#f-q", "Enter")
    clerk.wait_for_load_state()
    rows = clerk.locator("tbody tr")
    assert rows.count() == 1
    assert str(wanted) in rows.first.inner_html()
    assert "139****5678" in rows.first.inner_text() and PHONE not in rows.first.inner_text()
    clerk.screenshot(path=str(tmp_path / "cases-found-by-phone.png"), full_page=True)

    desk.withdraw(wanted, actor=operator, note="已和解")
    desk.erase_personal_data(wanted, actor=supervisor, basis="request", reference="申请-42")
    wiring.projections.catch_up()
    auditor = people().sign_in("sup01")
    auditor.goto(f"/cases/{wanted}")
    page_text = auditor.inner_text("main")
    assert "已删除" in page_text and CALLER not in page_text and PHONE not in page_text
    auditor.screenshot(path=str(tmp_path / "case-erased.png"), full_page=True)
    auditor.goto(f"/cases/{wanted}/audit")
    assert "删除个人信息" in auditor.inner_text("main")
    auditor.screenshot(path=str(tmp_path / "audit-erased.png"), full_page=True)
