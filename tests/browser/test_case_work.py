"""Working a case in the browser: typed work survives a case changed meanwhile, and the
words given with a decision stay readable on the case page."""

from __future__ import annotations

from uuid import UUID

from domain.permissions import Actor
from domain.vocabulary import Role
from tests.integration.helpers import an_intake

OPERATOR = Actor("op01", Role.OPERATOR)
MEDIATOR = Actor("med01", Role.MEDIATOR)


def a_case(wiring, *, mediated: bool = False) -> UUID:
    desk = wiring.desk
    complaint_id = desk.file(an_intake(desk.clock()), actor=OPERATOR)
    if mediated:
        desk.accept(complaint_id, actor=OPERATOR)
        desk.assign(complaint_id, actor=OPERATOR, mediator="med01")
    return complaint_id


def test_a_resolve_form_refused_as_stale_keeps_what_was_typed_and_shows_what_changed(
        people, wiring):
    complaint_id = a_case(wiring, mediated=True)
    mediator = people().sign_in("med01")
    mediator.goto(f"/cases/{complaint_id}")
    mediator.click("#action-resolve summary")
    mediator.select_option("#f-resolve-outcome", "refund")
    mediator.fill("#f-resolve-amount_recovered", "880.00")
    mediator.fill("#f-resolve-terms", "商家同意退还880元，三日内到账")

    # Meanwhile, in another window, a session is recorded on the same case.
    wiring.desk.add_note(complaint_id, actor=MEDIATOR, kind="session", text="电话三方调解一次")
    mediator.click("#action-resolve button[type=submit]")

    assert "已被他人更新" in mediator.inner_text(".banner.error")
    changes = mediator.inner_text("#changes")
    assert "添加记录" in changes and "电话三方调解一次" in changes
    assert mediator.locator("#action-resolve").get_attribute("open") is not None
    assert mediator.input_value("#f-resolve-amount_recovered") == "880.00"
    assert mediator.input_value("#f-resolve-terms") == "商家同意退还880元，三日内到账"
    assert mediator.input_value("#f-resolve-outcome") == "refund"
    assert wiring.desk.get_complaint(complaint_id).state == "mediated"

    # Sent again, knowingly, it goes through.
    mediator.click("#action-resolve button[type=submit]")
    assert mediator.inner_text("h1 .state") == "调解成功"


def test_notes_given_with_a_rejection_or_a_termination_are_shown_on_the_case_page(
        people, wiring):
    rejected = a_case(wiring)
    ended = a_case(wiring, mediated=True)
    operator = people().sign_in("op01")
    operator.goto(f"/cases/{rejected}")
    operator.click("#action-reject summary")
    operator.select_option("#f-reject-reason", "outside_remit")
    operator.fill("#f-reject-note", "属于金融监管部门职责，已告知消费者向其投诉")
    operator.click("#action-reject button[type=submit]")
    notes = operator.inner_text("#notes")
    assert "属于金融监管部门职责，已告知消费者向其投诉" in notes and "不予受理" in notes

    mediator = people().sign_in("med01")
    mediator.goto(f"/cases/{ended}")
    mediator.click("#action-terminate summary")
    mediator.select_option("#f-terminate-reason", "business_refused")
    mediator.fill("#f-terminate-note", "商家明确拒绝参加调解")
    mediator.click("#action-terminate button[type=submit]")
    notes = mediator.inner_text("#notes")
    assert "商家明确拒绝参加调解" in notes and "终止调解" in notes
