"""Statutory documents over HTTP (SPEC §12): each kind printed as a PDF whose text is
the law's, numbered per office, kind and year, and proven by its recorded hash."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import STEPS

D = "/api/v1/complaints/{}/documents"
ON_SITE = {"outcome": "refund", "amount_recovered": "1280.00", "terms": "商家当场退款并赔礼道歉",
           "mode": "on_site"}
SESSION = ("notes", "med01", {"kind": "session", "text": "第一次现场调解"})
CASES: dict[str, list[tuple[str, str, dict[str, Any] | None]]] = {
    "acceptance_notice": STEPS["accepted"],
    "rejection_notice": STEPS["rejected"],
    "termination_notice": STEPS["terminated"],
    "mediation_agreement": [*STEPS["mediated"], SESSION, ("resolve", "med01", {
        **ON_SITE, "record": "agreement_document"})],
    "mediation_record": [*STEPS["mediated"], SESSION, ("resolve", "med01", {
        **ON_SITE, "record": "performed_immediately"})],
}
# What each kind must say, from Order 121 and CPL Art. 39 (and the parties' names:
# these documents are meant for them).
MUST_SAY = {
    "acceptance_notice": ["受理告知书", "张三丰", "决定予以受理", "浦东新区市场监督管理局"],
    "rejection_notice": ["不予受理告知书", "张三丰", "第十六条第（一）项",
                         "不属于市场监督管理部门职责", "协商和解",
                         "消费者协会或者依法成立的其他调解组织调解", "向有关行政部门投诉",
                         "提请仲裁机构仲裁", "向人民法院提起诉讼"],
    "termination_notice": ["终止调解告知书", "第二十三条第（二）项", "明确拒绝调解",
                           "第二十五条", "民事诉讼、仲裁", "上海优选电子商务有限公司："],
    "mediation_agreement": ["调解书", "张三丰", "91350100M000100Y43", "商家当场退款并赔礼道歉",
                            "1280.00", "投诉人（签字或者盖章）", "被投诉人（签字或者盖章）",
                            "（印章）", "一式三份", "网购的手机屏幕有坏点"],
    "mediation_record": ["调解记录", "现场调解", "1次", "调解协议已经即时履行",
                         "商家当场退款并赔礼道歉"],
}


def case_for(api: Any, kind: str) -> str:
    complaint_id = api.file()["id"]
    for command, who, body in CASES[kind]:
        response = api.command(complaint_id, command, who, body)
        assert response.status_code == 200, response.text
    return complaint_id  # type: ignore[no-any-return]


def issue(api: Any, complaint_id: str, kind: str, as_: str = "op01") -> Any:
    return api.http.post(D.format(complaint_id), json={"kind": kind}, headers=api.auth(as_))


def text_of(pdf: bytes) -> str:
    """The text as pypdf reads it back, without the breaks and the title's spacing."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(text.split())


@pytest.mark.parametrize("kind", list(CASES))
def test_each_kind_prints_the_law_with_its_number_and_proves_itself(api, kind):
    complaint_id = case_for(api, kind)
    case_number = api.view(complaint_id)["number"]

    response = issue(api, complaint_id, kind, as_="sup01")
    assert response.status_code == 201, response.text
    document = response.json()
    pdf = api.http.get(f"{D.format(complaint_id)}/{document['id']}", headers=api.auth("op01"))
    again = api.http.get(f"{D.format(complaint_id)}/{document['id']}", headers=api.auth("sup01"))

    assert pdf.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == document["sha256"]
    assert again.content == pdf.content  # rendered again, byte for byte
    text = text_of(pdf.content)
    for words in [*MUST_SAY[kind], document["number"], case_number]:
        assert words in text, (kind, words)
    assert document["number"].endswith("〔2026〕1号")


def test_numbers_follow_on_per_office_and_kind_and_a_second_issue_returns_the_first(api):
    first, second = case_for(api, "rejection_notice"), case_for(api, "rejection_notice")
    accepted = case_for(api, "acceptance_notice")

    a = issue(api, first, "rejection_notice")
    again = issue(api, first, "rejection_notice")
    b = issue(api, second, "rejection_notice")
    other_kind = issue(api, accepted, "acceptance_notice")

    assert (a.status_code, again.status_code) == (201, 200)
    assert again.json() == a.json()
    assert [a.json()["number"], b.json()["number"], other_kind.json()["number"]] == [
        "沪浦市监诉不受〔2026〕1号", "沪浦市监诉不受〔2026〕2号", "沪浦市监诉受〔2026〕1号"]
    listed = api.http.get(D.format(first), headers=api.auth("op01")).json()
    assert [d["number"] for d in listed] == ["沪浦市监诉不受〔2026〕1号"]


def test_a_kind_that_does_not_fit_the_case_is_409_and_a_bad_kind_422_recording_nothing(api):
    complaint_id = case_for(api, "acceptance_notice")
    before = api.view(complaint_id)["version"]

    wrong = issue(api, complaint_id, "mediation_agreement")
    bad = issue(api, complaint_id, "summons")

    assert wrong.status_code == 409
    assert wrong.headers["content-type"] == "application/problem+json"
    assert wrong.json()["allowed"] == ["acceptance_notice"]
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"
    assert api.view(complaint_id)["version"] == before


def test_the_download_is_for_those_who_may_read_the_case(api):
    complaint_id = case_for(api, "mediation_agreement")
    document = issue(api, complaint_id, "mediation_agreement", as_="med01").json()
    url = f"{D.format(complaint_id)}/{document['id']}"

    statuses = {who: api.http.get(url, headers=api.auth(who if who != "anonymous" else None))
                .status_code for who in ("anonymous", "op01", "med01", "med02", "sup01", "adm01")}
    missing = api.http.get(f"{D.format(complaint_id)}/{'0' * 32}", headers=api.auth("op01"))

    assert statuses == {"anonymous": 401, "op01": 200, "med01": 200, "med02": 403,
                        "sup01": 200, "adm01": 403}
    assert missing.status_code == 404


def test_the_issuing_event_holds_no_personal_data_and_the_timeline_shows_the_number(api):
    complaint_id = case_for(api, "mediation_agreement")
    document = issue(api, complaint_id, "mediation_agreement", as_="med01").json()

    issued = [h for h in api.history(complaint_id) if h["type"] == "DocumentIssued"]
    assert len(issued) == 1
    recorded = str(issued[0])
    assert document["number"] in recorded and document["sha256"] in recorded
    for personal in ("张三丰", "13812345678", "南京东路", "商家当场退款"):
        assert personal not in recorded
