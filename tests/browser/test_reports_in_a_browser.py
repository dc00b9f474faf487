"""Reports in the browser: an operator logs one, the inspector takes it from the queue,
sees the reporter only once it is theirs, and decides; the page offers only what the
report's table allows now."""

from __future__ import annotations

from playwright.sync_api import expect

from domain.vocabulary import Role
from tests.e2e.conftest import password_of


def test_an_operator_logs_a_report_and_the_inspector_verifies_and_opens_a_case(people, wiring):
    wiring.accounts.add("insp01", role=Role.INSPECTOR, password=password_of("insp01"),
                        office="SH-PD")
    operator = people().sign_in("op01")
    operator.goto("/reports/new")
    operator.fill("#f-reporter-name", "李四海")
    operator.fill("#f-reporter-phone", "139 1234 5678")
    operator.fill("#f-business-name", "上海某某超市有限公司")
    operator.select_option("#f-industry", "food")
    operator.fill("#f-facts", "货架上销售过期牛奶，生产日期为2025年。")
    operator.click("#report-submit")
    assert "举报已登记" in operator.inner_text(".banner.ok")
    assert "李**" in operator.inner_text("#reporter")
    assert operator.inner_text("#report-state") == "已收到"

    inspector = people().sign_in("insp01")
    assert inspector.url.endswith("/reports")  # an inspector starts from the queue
    row = inspector.locator("#report-queue tbody tr").first
    assert "139****5678" in row.inner_text() and "2026-06-01" in row.inner_text()
    row.locator("a").first.click()
    assert "李四海" not in inspector.inner_text("#reporter")
    inspector.click("#action-verify button[type=submit]")
    assert inspector.inner_text("#report-state") == "核查中"
    assert "李四海" in inspector.inner_text("#reporter")
    assert inspector.locator("#action-extend").count() == 0  # a supervisor's approval

    inspector.fill("#f-open-case-case_number", "沪浦市监立〔2026〕88号")
    inspector.click("#action-open-case button[type=submit]")
    expect(inspector.locator("#report-state")).to_have_text("已立案")
    expect(inspector.locator("#action-notify-reporter")).to_have_count(1)
    assert "2026-05-18" in inspector.inner_text("#notice-due")
