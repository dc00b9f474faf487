"""The intake form as a busy hotline uses it: case numbers read out on the phone, a form
that files once however often it is sent, attributes that work, long text refused
without losing it, Chinese that renders, and the API docs with no way out."""

from __future__ import annotations

import re
from uuid import UUID

from playwright.sync_api import expect

BUSINESS = "上海优选电子商务有限公司"
CONSUMER, PHONE = "王小明", "13912345678"
NUMBER = re.compile(r"SH-PD-\d{4}-\d{6}")


def fill_intake(page, description: str = "网购耳机有杂音，商家拒绝退货。") -> None:
    page.goto("/intake")
    page.fill("#f-consumer-name", CONSUMER)
    page.fill("#f-consumer-phone", PHONE)
    page.fill("#f-business-name", BUSINESS)
    page.select_option("#f-category", "goods")
    page.select_option("#f-industry", "online_shopping")
    page.fill("#f-amount", "299.00")
    page.fill("#f-description", description)
    page.fill("#f-request", "退货退款")


def complaints_in_store(wiring) -> int:
    notifications = wiring.desk.recorder.select_notifications(start=None, limit=1000)
    return sum(n.topic.endswith("Complaint.Filed") for n in notifications)


def test_the_operator_reads_the_case_number_out_and_finds_the_case_by_it(people, wiring):
    operator = people().sign_in("op01")
    fill_intake(operator)
    operator.click("#file-submit")

    number = operator.inner_text("#filed-number")
    assert NUMBER.fullmatch(number)
    complaint_id = operator.get_attribute("#filed-number", "href").rsplit("/", 1)[1]
    operator.click("#filed-number")
    assert operator.inner_text("#case-number") == number

    operator.goto("/cases")
    operator.fill("#f-q", number)
    operator.click("form.filters button[type=submit]")
    rows = operator.locator("#cases tbody tr")
    expect(rows).to_have_count(1)
    assert rows.first.get_attribute("data-id") == complaint_id
    assert number in rows.first.inner_text()


def test_sending_the_form_again_after_back_or_a_double_click_files_once(people, wiring):
    operator = people().sign_in("op01")
    fill_intake(operator)
    operator.click("#file-submit")
    first = operator.inner_text("#filed-number")

    # Back to the filled form (as the browser kept it), a change, and send again.
    operator.go_back()
    if operator.input_value("#f-business-name") == BUSINESS:
        operator.fill("#f-request", "退货退款并赔偿")
        operator.click("#file-submit")
        assert operator.inner_text("#filed-number") == first
    assert complaints_in_store(wiring) == 1

    # The same form sent twice in a row, as a double click does.
    fill_intake(operator)
    token = operator.input_value("input[name=idempotency_key]")
    form = {name: operator.input_value(f"[name='{name}']") for name in (
        "csrf", "consumer.name", "consumer.phone", "business.name", "category", "industry",
        "amount", "description", "request", "channel", "office")}
    form["idempotency_key"] = token
    answers = [operator.request.post("/intake", form=form, max_redirects=0) for _ in range(2)]
    assert [a.status for a in answers] == [303, 303]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert complaints_in_store(wiring) == 2


def test_the_intake_fields_carry_their_limits_and_no_autofill_once_escaped(people):
    operator = people().sign_in("op01")
    operator.goto("/intake")

    name = operator.locator("#f-consumer-name")
    assert name.get_attribute("maxlength") == "50"
    assert name.get_attribute("autocomplete") == "off"
    assert operator.get_attribute("#f-consumer-phone", "inputmode") == "tel"
    assert operator.get_attribute("#f-amount", "placeholder") == "0.00"
    assert operator.get_attribute("form.intake", "autocomplete") == "off"
    # The browser applies the limit: a 60-character name is held to 50.
    name.fill("")
    name.type("王" * 60)
    assert len(name.input_value()) == 50
    assert "&quot;" not in operator.content()


def test_a_pasted_20000_character_description_is_refused_naming_the_limit_and_kept(people,
                                                                                    wiring):
    operator = people().sign_in("op01")
    long_text = ("消费者反映耳机左声道无声，多次联系商家未果。" * 1000)[:20_000]
    fill_intake(operator, description=long_text)
    operator.click("#file-submit")

    error = operator.locator('.error[data-field="description"]')
    assert "5000" in error.inner_text()
    assert len(operator.input_value("#f-description")) == 20_000
    assert complaints_in_store(wiring) == 0


def test_chinese_text_is_drawn_with_real_glyphs_not_boxes(people):
    page = people().sign_in("op01")
    # Two different characters drawn in the page's font: fallen back to the "no glyph"
    # box, both come out as the same picture.
    pictures = page.evaluate("""() => {
        const font = '32px ' + getComputedStyle(document.body).fontFamily;
        return ['中', '国', '\\uE000'].map(ch => {
            const canvas = document.createElement('canvas');
            canvas.width = canvas.height = 48;
            const g = canvas.getContext('2d');
            g.font = font; g.fillStyle = '#000'; g.fillText(ch, 4, 36);
            return Array.from(g.getImageData(0, 0, 48, 48).data).join(',');
        });
    }""")
    zhong, guo, box = pictures
    assert zhong != guo, "Chinese characters render as boxes: install fonts-noto-cjk"
    assert zhong != box and guo != box


def test_the_api_docs_open_with_no_way_out_to_a_cdn(people, live):
    page = people().page
    outside: list[str] = []

    def only_this_site(route):
        if route.request.url.startswith(live):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", only_this_site)
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=15_000)
    assert "complaints" in page.inner_text(".swagger-ui")
    assert outside == []


def _uuid(text: str) -> UUID:
    return UUID(text)
