"""A joint complaint worked in the browser: the represented consumers' consents are
recorded on the case page before the settlement button appears (Order 121 Art. 12),
and a shared phone is flagged in the queue before the decision (Art. 17)."""

from __future__ import annotations

from domain.intake import Intake
from domain.permissions import Actor
from domain.vocabulary import Role
from tests.integration.helpers import a_body

OPERATOR = Actor("op01", Role.OPERATOR)
JOINT = {"consumers": [{"name": "吴二", "phone": "13912340002"},
                       {"name": "郑三", "phone": "13912340003"}],
         "representatives": [0], "consent": True}


def test_consents_are_recorded_then_the_joint_case_is_settled(people, wiring):
    desk = wiring.desk
    case = desk.file(Intake.parse(a_body(joint=JOINT), now=desk.clock(), default_office=None),
                     actor=OPERATOR)
    desk.accept(case, actor=OPERATOR)
    desk.assign(case, actor=OPERATOR, mediator="med01")
    mediator = people().sign_in("med01")
    mediator.goto(f"/cases/{case}")
    assert "吴二" in mediator.inner_text("#joint-consumers")
    assert mediator.locator("#action-resolve").count() == 0

    for consumer in ("1", "2"):
        mediator.click("#action-consent summary")
        mediator.select_option("#f-consent-consumer", consumer)
        mediator.select_option("#f-consent-matter", "settle")
        mediator.click("#action-consent button[type=submit]")
        mediator.wait_for_load_state()

    mediator.click("#action-resolve summary")
    mediator.select_option("#f-resolve-outcome", "refund")
    mediator.fill("#f-resolve-amount_recovered", "300.00")
    mediator.fill("#f-resolve-terms", "商家向三名消费者各退还100元")
    mediator.click("#action-resolve button[type=submit]")
    assert mediator.inner_text("h1 .state") == "调解成功"


def test_the_queue_flags_two_callers_on_one_phone(people, wiring):
    desk = wiring.desk
    for name in ("甲某", "乙某"):
        desk.file(Intake.parse(a_body(consumer={"name": name, "phone": "13955550000"}),
                               now=desk.clock(), default_office=None), actor=OPERATOR)
    wiring.projections.catch_up()
    operator = people().sign_in("op01")
    operator.goto("/queue")
    assert operator.locator(".abuse-signs").count() == 2
