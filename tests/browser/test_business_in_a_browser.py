"""A business's story in the browser (SPEC §14): activated once, it finds the complaint
the operator forwarded, sees the consumer's name and phone, answers, pledges; the
operator confirms the settlement."""

from __future__ import annotations

from datetime import date

from api.activation import ActivationTokens
from domain.permissions import Actor
from domain.vocabulary import Role
from tests.e2e.conftest import SECRET, password_of
from tests.integration.helpers import an_intake

USCC = "91350100M000100Y43"  # the business an_intake() names
OPERATOR = Actor("op01", Role.OPERATOR)


def test_a_business_activates_answers_a_forwarded_complaint_and_pledges(people, wiring):
    account = wiring.accounts.add_business("biz01", credit_code=USCC, display_name="上海优选")
    token = ActivationTokens(SECRET).issue(account)
    wiring.odr.register.join(USCC, name="上海优选电子商务有限公司", start=date(2026, 5, 1),
                             actor="sup01")
    complaint_id = wiring.desk.file(an_intake(wiring.desk.clock()), actor=OPERATOR)
    wiring.projections.catch_up()

    operator = people().sign_in("op01")
    operator.goto(f"/cases/{complaint_id}")
    operator.click("#action-forward summary")
    operator.check("#action-forward input[name=consent]")
    operator.fill("#f-forward-note", "消费者同意由商家先行和解")
    operator.click("#action-forward button[type=submit]")
    assert operator.inner_text("h1 .state") == "先行和解中"

    business = people()
    page = business.page
    page.goto(f"/activate?token={token}")
    assert page.inner_text("h1") == "激活经营者账户"
    page.fill("#f-password", password_of("biz01"))
    page.fill("#f-again", password_of("biz01"))
    page.click("form[action='/activate'] button[type=submit]")
    page.wait_for_url("**/login**")
    business.sign_in("biz01")
    assert page.inner_text("h1") == "本单位投诉"
    assert "已加入在线消费纠纷解决" in page.inner_text("#odr-member")

    page.click(f"#my-business-cases tr[data-id='{complaint_id}'] a")
    assert page.inner_text("#consumer-name") == "张三丰"
    assert page.inner_text("#consumer-phone") == "13812345678"
    assert "请于" in page.inner_text("#odr-due")
    page.select_option("#f-settled", "yes")
    page.fill("#f-amount", "1280.00")
    page.fill("#f-terms", "同意退货退款，运费由本店承担")
    page.click("#answer button[type=submit]")
    assert "答复已提交" in page.inner_text(".banner.ok")
    assert "同意退货退款" in page.inner_text("#your-answer")

    page.goto("/my-business")
    page.click("#add-pledge summary")
    page.select_option("#f-kind", "compensation_first")
    page.fill("#f-start", "2026-05-01")
    page.fill("#f-end", "2027-04-30")
    page.click("#add-pledge button[type=submit]")
    assert "先行赔付" in page.inner_text("#pledge-list")

    operator.goto(f"/cases/{complaint_id}")
    operator.click("#action-confirm-settlement summary")
    assert "同意退货退款" in operator.inner_text("#action-confirm-settlement")
    operator.click("#action-confirm-settlement button[type=submit]")
    assert "经营者先行和解" in operator.inner_text("body")
    assert wiring.desk.get_complaint(complaint_id).state == "resolved"
