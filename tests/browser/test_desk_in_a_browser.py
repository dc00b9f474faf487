"""The desk in a real headless browser: a complaint's story told through the pages, by
the operator on the phone, the mediator who settles it and the supervisor who audits
it, and the public who read about the business; then the same pages in English."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from domain.vocabulary import State

BAD_CODE = "91350100M000100Y44"  # one character off: the check character fails
GOOD_CODE = "91350100M000100Y43"
BUSINESS = "上海优选电子商务有限公司"
CONSUMER, PHONE = "王小明", "13912345678"


def test_a_complaint_goes_from_the_phone_to_the_audit_page(people, wiring):
    # The operator types while the consumer is on the line: the name has the focus and
    # the tab key goes on to the phone number.
    operator = people().sign_in("op01")
    operator.goto("/intake")
    assert operator.evaluate("document.activeElement.id") == "f-consumer-name"
    operator.keyboard.type(CONSUMER)
    operator.keyboard.press("Tab")
    assert operator.evaluate("document.activeElement.id") == "f-consumer-phone"
    operator.keyboard.type(PHONE)
    assert operator.input_value("#f-office") == "SH-PD"  # from the operator's account
    operator.fill("#f-business-name", BUSINESS)
    operator.fill("#f-business-uscc", BAD_CODE)
    operator.select_option("#f-category", "goods")
    operator.select_option("#f-industry", "online_shopping")
    operator.fill("#f-amount", "1280.00")
    operator.fill("#f-description", "网购手机屏幕有坏点，商家拒绝退货。")
    operator.fill("#f-request", "退货退款")
    operator.click("#file-submit")

    # Refused: the error sits next to the credit code, and what was typed is still there.
    error = operator.locator('.error[data-field="business.uscc"]')
    assert "校验位" in error.inner_text()
    assert operator.locator("p.error[data-field]").count() == 1
    assert operator.input_value("#f-consumer-name") == CONSUMER
    assert operator.input_value("#f-business-uscc") == BAD_CODE
    operator.fill("#f-business-uscc", GOOD_CODE)
    operator.click("#file-submit")

    filed = operator.locator("#filed a").first
    complaint_id = filed.get_attribute("href").rsplit("/", 1)[1]
    operator.click("#filed a[href='/queue']")
    row = operator.locator(f"#queue tr[data-id='{complaint_id}']")
    assert BUSINESS in row.inner_text()
    assert "王*" in row.inner_text() and CONSUMER not in row.inner_text()
    assert "剩余 7 个工作日" in row.inner_text()
    row.locator("button[type=submit]").click()  # accept, from the queue
    expect(operator.locator(f"#queue tr[data-id='{complaint_id}']")).to_have_count(0)

    operator.goto(f"/cases/{complaint_id}")
    operator.click("#action-assign summary")
    operator.select_option("#f-assign-mediator", "med01")
    operator.click("#action-assign button[type=submit]")
    assert operator.inner_text("#case-mediator") == "med01"

    # The mediator finds it among their cases, with its clock, and resolves it.
    mediator = people().sign_in("med01")
    assert mediator.url.endswith("/my-cases")
    mine = mediator.locator(f"#my-cases tr[data-id='{complaint_id}']")
    # Accepted Mon May 11: Order 121's 60 days end Fri Jul 10, 43 working days away
    # (May 12-15, then 39 from May 18 to Jul 10 with Dragon Boat Jun 19 off).
    assert "调解时限" in mine.inner_text() and "2026-07-10" in mine.inner_text()
    assert "剩余 43 个工作日" in mine.inner_text()
    mine.locator("a").click()
    assert mediator.inner_text("#consumer-phone") == PHONE  # in full, on the case page
    assert "#action-accept" not in mediator.content()
    mediator.click("#action-resolve summary")
    mediator.select_option("#f-resolve-outcome", "refund")
    mediator.fill("#f-resolve-amount_recovered", "1280.00")
    mediator.fill("#f-resolve-terms", "商家同意退货退款")
    mediator.click("#action-resolve button[type=submit]")
    expect(mediator.locator(".banner.ok")).to_have_count(1)
    assert mediator.inner_text("h1 .state") == "调解成功"
    assert wiring.desk.get_complaint(_uuid(complaint_id)).state == State.RESOLVED.value

    # The supervisor reads the whole story: each event with who did it, chain intact.
    supervisor = people().sign_in("sup01")
    supervisor.goto(f"/cases/{complaint_id}/audit")
    events = supervisor.locator("#timeline li.event")
    assert events.count() == 4
    actors = [events.nth(i).locator(".actor").inner_text() for i in range(4)]
    assert actors == ["op01 · 话务员", "op01 · 话务员", "op01 · 话务员", "med01 · 调解员"]
    assert [events.nth(i).locator(".event-type").inner_text() for i in range(4)] == [
        "登记", "受理", "分配调解员", "调解成功"]
    assert "校验通过" in supervisor.inner_text("#chain-result")
    supervisor.select_option("#f-version", "2")
    supervisor.click("#as-of form:first-of-type button")
    assert supervisor.inner_text("#past-state .state") == "已受理"

    # The public reads about the business, and about no consumer.
    public = people().page
    public.goto("/public")
    public.fill("#f-q", "优选")
    public.click("form[role=search] button")
    text = public.inner_text("main")
    assert BUSINESS in text
    for personal in (CONSUMER, "王*", PHONE, "139****5678"):
        assert personal not in public.content()


def test_switching_to_english_changes_the_labels_and_the_choice_sticks(people):
    supervisor = people().sign_in("sup01")
    assert supervisor.inner_text("h1") == "监管总览"
    assert supervisor.get_attribute("html", "lang") == "zh-CN"
    supervisor.click("#lang-switch")
    assert supervisor.inner_text("h1") == "Dashboard"
    assert supervisor.get_attribute("html", "lang") == "en"
    assert "Sign out" in supervisor.inner_text("header")
    supervisor.click("nav >> text=Business credit")
    assert supervisor.inner_text("h1") == "Business credit"
    supervisor.goto("/public")
    assert supervisor.inner_text("h1") == "Public disclosure"
    assert not re.search(r"[\u4e00-\u9fff]", supervisor.inner_text("thead"))
    supervisor.click("#lang-switch")
    assert supervisor.inner_text("h1") == "投诉信息公示"


def _uuid(text: str):
    from uuid import UUID

    return UUID(text)
