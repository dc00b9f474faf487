"""Evidence files as the desk handles them: sent with the intake form or added on the
case page, downloaded as files, and refused by their bytes when they are not evidence."""

from __future__ import annotations

from tests.browser.test_hotline_intake import complaints_in_store, fill_intake

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 400 + b"\n%%EOF"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def test_a_receipt_sent_with_the_intake_form_is_on_the_case_and_downloads_as_a_file(people,
                                                                                  wiring):
    operator = people().sign_in("op01")
    fill_intake(operator)
    operator.set_input_files("#f-evidence", [
        {"name": "小票.png", "mimeType": "image/png", "buffer": PNG},
        {"name": "合同.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    operator.click("#file-submit")
    operator.click("#filed-number")

    rows = operator.locator("#evidence-list tbody tr")
    assert rows.count() == 2
    assert "小票.png" in rows.nth(0).inner_text() and "合同.pdf" in rows.nth(1).inner_text()
    with operator.expect_download() as got:
        rows.nth(0).locator("a").click()
    assert open(got.value.path(), "rb").read() == PNG
    assert got.value.suggested_filename.endswith(".png")


def test_a_page_disguised_as_a_photo_is_refused_and_nothing_is_filed(people, wiring):
    operator = people().sign_in("op01")
    fill_intake(operator)
    operator.set_input_files("#f-evidence", [
        {"name": "photo.png", "mimeType": "image/png", "buffer": HTML}])
    operator.click("#file-submit")

    assert "只接受图片、PDF" in operator.inner_text(".banner.error")
    assert operator.input_value("#f-consumer-name") == "王小明"
    assert complaints_in_store(wiring) == 0


def test_the_mediator_adds_a_chat_screenshot_on_the_case_page(people, wiring):
    from domain.permissions import Actor
    from domain.vocabulary import Role
    from tests.integration.helpers import an_intake

    operator = Actor("op01", Role.OPERATOR)
    desk = wiring.desk
    complaint_id = desk.file(an_intake(desk.clock()), actor=operator)
    desk.accept(complaint_id, actor=operator)
    desk.assign(complaint_id, actor=operator, mediator="med01")

    mediator = people().sign_in("med01")
    mediator.goto(f"/cases/{complaint_id}")
    mediator.set_input_files("#f-evidence", [
        {"name": "聊天记录.png", "mimeType": "image/png", "buffer": PNG}])
    mediator.click("#evidence-upload button[type=submit]")
    assert "证据材料已上传" in mediator.inner_text(".banner.ok")
    assert "聊天记录.png" in mediator.inner_text("#evidence-list")
    assert [a["filename"] for a in desk.get_complaint(complaint_id).attachments] == ["聊天记录.png"]
