"""Finding callers and erasing their personal data, over HTTP."""

from __future__ import annotations

from tests.e2e.conftest import a_filing
from api.pages.i18n import CATALOGS
from tests.e2e.test_pages import Browser

WANG = {"name": "王小明", "phone": "13912345678", "id_number": "11010519491231002X"}


def test_a_caller_is_found_by_phone_name_or_id_number_and_shown_masked(api):
    wang = api.file(consumer=WANG, description="耳机左耳没有声音")["id"]
    api.file(consumer={"name": "王小红", "phone": "13912345679"})

    for q in ("13912345678", "王小明", "11010519491231002X", "139 1234 5678"):
        page = api.listed("op01", q=q).json()
        assert [item["id"] for item in page["items"]] == [wang], q
        assert page["items"][0]["consumer"] == {"name": "王**", "phone": "139****5678"}
    assert api.listed("op01", q="1391234").json()["total"] == 0
    assert api.listed("op01", q="耳机").json()["total"] == 1


def test_the_case_list_page_search_box_finds_a_caller_by_phone(api):
    wang = api.file(consumer=WANG)["id"]
    api.file(consumer={"name": "李四", "phone": "13700001111"})
    api.listed("sup01")  # the list has caught up
    browser = Browser(api.http).sign_in("op01")

    page = browser.get("/cases", params={"q": "13912345678"})

    assert page.status_code == 200
    rows = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert wang in rows
    assert "139****5678" in rows and "13912345678" not in rows
    assert "137****1111" not in rows


def test_a_supervisor_erases_a_closed_case_on_request_and_it_reads_erased(api):
    complaint_id = api.complaint_in("resolved")

    response = api.command(complaint_id, "erase", "sup01",
                           {"basis": "request", "reference": "PIPL-2026-0042"})

    assert response.status_code == 200, response.text
    view = response.json()
    assert view["personal_data_erased"] is True
    assert view["consumer"]["name"] == view["consumer"]["phone"] == "已删除"
    assert view["description"] == "已删除" and view["state"] == "resolved"
    last = api.history(complaint_id)[-1]
    assert (last["type"], last["actor"]["username"], last["data"]["basis"]) == (
        "PersonalDataErased", "sup01", "request")
    assert api.http.get(f"/api/v1/complaints/{complaint_id}/verify",
                        headers=api.auth("sup01")).json()["intact"] is True
    item = api.listed("sup01", state="resolved").json()["items"][0]
    assert item["consumer"] == {"name": "已删除", "phone": "已删除"}


def test_erasure_is_refused_while_open_or_held_and_bad_input_records_nothing(api):
    open_case = api.complaint_in("mediated")
    held = api.complaint_in("held")
    closed = api.complaint_in("resolved")

    refused_open = api.command(open_case, "erase", "sup01", {"basis": "request"})
    refused_held = api.command(held, "erase", "sup01", {"basis": "request"})
    bad_basis = api.command(closed, "erase", "sup01", {"basis": "because"})
    no_reference = api.command(closed, "legal-hold", "sup01", {"reference": ""})
    not_theirs = api.command(closed, "erase", "op01", {"basis": "request"})

    assert refused_open.status_code == 409 and "still open" in refused_open.json()["detail"]
    assert refused_held.status_code == 409 and "legal hold" in refused_held.json()["detail"]
    assert refused_held.headers["content-type"] == "application/problem+json"
    assert bad_basis.status_code == 422 and bad_basis.json()["field"] == "basis"
    assert no_reference.status_code == 422 and no_reference.json()["field"] == "reference"
    assert not_theirs.status_code == 403
    for complaint_id, version in ((open_case, 3), (closed, 4)):
        assert api.view(complaint_id)["version"] == version
        assert api.view(complaint_id)["consumer"]["name"] == a_filing()["consumer"]["name"]
    assert api.view(held)["on_legal_hold"] is True


def test_the_case_and_audit_pages_of_an_erased_case_read_erased(api):
    CATALOGS.strict = True  # a label missing from a catalog fails the page
    try:
        complaint_id = api.complaint_in("resolved")
        api.command(complaint_id, "legal-hold", "sup01", {"reference": "监管调查"})
        api.command(complaint_id, "legal-hold/release", "sup01", {"reference": "调查结束"})
        api.command(complaint_id, "erase", "sup01", {"basis": "request", "reference": "申请-42"})
        browser = Browser(api.http).sign_in("sup01")

        case = browser.get(f"/cases/{complaint_id}")
        audit = browser.get(f"/cases/{complaint_id}/audit")
    finally:
        CATALOGS.strict = False

    assert case.status_code == 200 and audit.status_code == 200
    assert "已删除" in case.text and "张三丰" not in case.text
    for label in ("删除个人信息", "本人依法申请", "设置法律保留", "解除法律保留"):
        assert label in audit.text
    assert "张三丰" not in audit.text and "13812345678" not in audit.text
