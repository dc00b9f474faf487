"""Closed cases disclosed one by one (SPEC §5, Order 121 Art. 39), over HTTP: the public
list holds nothing personal and no free text; a supervisor withholds a single case; a
business objects to the disclosure of its own case and a supervisor decides."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Api
from tests.e2e.test_businesses import OTHER_USCC, USCC, a_business

CASES = f"/api/v1/public/businesses/{USCC}/cases"


def public(api: Api, **params: Any) -> dict[str, Any]:
    api.listed()
    response = api.http.get(CASES, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def objection(case_id: str) -> str:
    return f"/api/v1/public-cases/{case_id}/objection"


def log_count(api: Api) -> int:
    from sqlalchemy import func, select

    from adapters.business_records import business_record_log
    with api.wiring.engine.connect() as db:
        return int(db.scalar(select(func.count()).select_from(business_record_log)) or 0)


def test_the_public_list_shows_closed_cases_without_personal_data_or_free_text(api):
    resolved = api.complaint_in("resolved")
    rejected = api.complaint_in("rejected")
    open_one = api.complaint_in("accepted")
    api.file(business={"name": "北京某某科技有限公司", "uscc": OTHER_USCC})
    page = public(api)
    assert page["total"] == 2
    by_id = {c["id"]: c for c in page["items"]}
    assert set(by_id) == {resolved, rejected} and open_one not in by_id
    case = by_id[resolved]
    assert case["outcome"] == "resolved" and case["amount_recovered"] == "1280.00"
    assert case["number"] == api.view(resolved)["number"] and case["number"].startswith("SH-")
    assert (case["category"], case["industry"]) == ("goods", "online_shopping")
    assert by_id[rejected]["outcome"] == "rejected"
    assert set(case) == {"id", "number", "received_on", "closed_on", "category", "industry",
                         "outcome", "amount_recovered"}
    raw = api.http.get(CASES).text
    for personal in ["张三丰", "13812345678", "南京东路", "坏点", "商家退款", "不属于本部门职责"]:
        assert personal not in raw
    assert public(api, per_page=1)["items"] == [page["items"][0]]
    assert api.http.get(CASES, params={"per_page": 0}).status_code == 422
    assert api.http.get("/api/v1/public/businesses/nobody/cases").json()["total"] == 0
    html = api.http.get(f"/public/businesses/{USCC}").text
    assert case["number"] in html and "调解成功" in html and "张三丰" not in html


def test_a_supervisor_withholds_a_case_and_discloses_it_again(api):
    case_id = api.complaint_in("resolved")
    kept = api.complaint_in("terminated")
    assert public(api)["total"] == 2
    path = f"/api/v1/public-cases/{case_id}/disclosure"
    before = log_count(api)
    assert api.http.post(path, json={"withheld": True, "reason": "涉及商业秘密"},
                         headers=api.auth("op01")).status_code == 403
    assert api.http.post(path, json={"withheld": True, "reason": " "},
                         headers=api.auth("sup01")).status_code == 422
    assert api.http.post(path, json={"withheld": "maybe", "reason": "x"},
                         headers=api.auth("sup01")).status_code == 422
    assert api.http.post(path, json={"withheld": True, "reason": "x"}).status_code == 401
    assert api.http.post("/api/v1/public-cases/not-a-case/disclosure",
                         json={"withheld": True, "reason": "x"},
                         headers=api.auth("sup01")).status_code == 404
    assert log_count(api) == before
    assert api.http.post(path, json={"withheld": True, "reason": "涉及商业秘密"},
                         headers=api.auth("sup01")).status_code == 204
    assert [c["id"] for c in public(api)["items"]] == [kept]
    assert api.http.post(path, json={"withheld": False, "reason": "保密期满"},
                         headers=api.auth("sup01")).status_code == 204
    assert {c["id"] for c in public(api)["items"]} == {case_id, kept}
    from domain.disclosure import disclosed_case_id
    assert [type(e).__name__ for e in api.wiring.desk.events.get(disclosed_case_id(case_id))
            ] == ["Opened", "CaseWithheld", "CaseDisclosed"]
    assert api.http.get("/api/v1/audit/verify", headers=api.auth("sup01")).json()["intact"]


def test_a_business_objects_to_its_own_case_and_a_supervisor_upholds_or_refuses(api):
    a_business(api)
    a_business(api, "biz02", OTHER_USCC)
    upheld = api.complaint_in("resolved")
    refused = api.complaint_in("withdrawn")
    public(api)
    body = {"reason": "该投诉已与消费者和解，公示有误"}

    assert api.http.post(objection(upheld), json=body).status_code == 401
    assert api.http.post(objection(upheld), json=body,
                         headers=api.auth("op01")).status_code == 403
    assert api.http.post(objection(upheld), json=body,
                         headers=api.auth("biz02")).status_code == 404
    before = log_count(api)
    for bad in [{}, {"reason": ""}, {"reason": "x" * 1001}, {"reason": 5}]:
        assert api.http.post(objection(upheld), json=bad,
                             headers=api.auth("biz01")).status_code == 422, bad
    assert log_count(api) == before

    made = api.http.post(objection(upheld), json=body, headers=api.auth("biz01"))
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "pending" and made.json()["case_id"] == upheld
    assert api.http.post(objection(upheld), json=body,
                         headers=api.auth("biz01")).status_code == 409
    assert api.http.post(objection(refused), json=body,
                         headers=api.auth("biz01")).status_code == 201

    pending = api.http.get("/api/v1/public-cases/objections", params={"pending": "true"},
                           headers=api.auth("sup01")).json()
    assert {o["case_id"] for o in pending} == {upheld, refused}
    assert api.http.get("/api/v1/public-cases/objections",
                        headers=api.auth("biz02")).json() == []

    decide = f"{objection(upheld)}/decision"
    assert api.http.post(decide, json={"upheld": True, "note": "核实"},
                         headers=api.auth("biz01")).status_code == 403
    before = log_count(api)
    assert api.http.post(decide, json={"upheld": [1], "note": "核实"},
                         headers=api.auth("sup01")).status_code == 422
    assert api.http.post(decide, json={"upheld": True, "note": ""},
                         headers=api.auth("sup01")).status_code == 422
    assert log_count(api) == before
    done = api.http.post(decide, json={"upheld": True, "note": "经核实，公示有误"},
                         headers=api.auth("sup01"))
    assert done.status_code == 200 and done.json()["state"] == "upheld"
    assert api.http.post(decide, json={"upheld": True, "note": "再次"},
                         headers=api.auth("sup01")).status_code == 409
    kept = api.http.post(f"{objection(refused)}/decision",
                         json={"upheld": False, "note": "公示无误"}, headers=api.auth("sup01"))
    assert kept.status_code == 200 and kept.json()["state"] == "refused"

    assert [c["id"] for c in public(api)["items"]] == [refused]
    # Each step is an event of the case's disclosure record, in the hash-chained log.
    from domain.disclosure import disclosed_case_id
    events = list(api.wiring.desk.events.get(disclosed_case_id(upheld)))
    assert [type(e).__name__ for e in events] == ["Opened", "ObjectionRaised",
                                                  "ObjectionDecided"]
    assert events[1].reason == body["reason"] and events[2].upheld is True
    assert events[2].actor["username"] == "sup01"
    verified = api.http.get("/api/v1/audit/verify", headers=api.auth("sup01")).json()
    assert verified["intact"] is True and verified["broken"] == []
    # A withheld case is no longer disclosed: nothing to object to.
    assert api.http.post(objection(upheld), json=body,
                         headers=api.auth("biz01")).status_code == 404
    # The refused one may be objected to again, with new grounds.
    assert api.http.post(objection(refused), json=body,
                         headers=api.auth("biz01")).status_code == 201
    assert api.http.post(objection(api.complaint_in("accepted")), json=body,
                         headers=api.auth("biz01")).status_code == 404


def test_each_role_meets_the_disclosure_routes_as_the_spec_says(api):
    a_business(api)
    a_business(api, "biz02", OTHER_USCC)
    case_id = api.complaint_in("resolved")
    public(api)
    others = ["op01", "med01", "adm01"]
    withhold = f"/api/v1/public-cases/{case_id}/disclosure"
    body = {"withheld": False, "reason": "依法公示"}
    assert api.http.post(withhold, json=body).status_code == 401
    for who in [*others, "biz01", "biz02"]:
        refused = api.http.post(withhold, json=body, headers=api.auth(who))
        assert refused.status_code == 403, who
        assert refused.headers["content-type"] == "application/problem+json"
    assert api.http.post(withhold, json=body, headers=api.auth("sup01")).status_code == 204

    raised = {"reason": "公示有误"}
    assert api.http.post(objection(case_id), json=raised).status_code == 401
    for who in [*others, "sup01"]:
        assert api.http.post(objection(case_id), json=raised,
                             headers=api.auth(who)).status_code == 403, who
    assert api.http.post(objection(case_id), json=raised,
                         headers=api.auth("biz02")).status_code == 404
    assert api.http.post(objection(case_id), json=raised,
                         headers=api.auth("biz01")).status_code == 201

    decide = f"{objection(case_id)}/decision"
    decision = {"upheld": False, "note": "公示无误"}
    assert api.http.post(decide, json=decision).status_code == 401
    for who in [*others, "biz01", "biz02"]:
        assert api.http.post(decide, json=decision,
                             headers=api.auth(who)).status_code == 403, who
    assert api.http.post(decide, json=decision, headers=api.auth("sup01")).status_code == 200


def _signed_in(api: Api, username: str, password: str) -> Any:
    import re

    from fastapi.testclient import TestClient

    from api.app import create_app

    client = TestClient(create_app(api.wiring))
    client.__enter__()
    token = re.search(r'name="csrf" value="([^"]*)"', client.get("/login").text).group(1)
    answer = client.post("/login", data={"csrf": token, "username": username,
                                         "password": password}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def _csrf(html: str) -> str:
    import re

    return re.search(r'name="csrf" value="([^"]*)"', html).group(1)  # type: ignore[union-attr]


def test_the_business_objects_on_its_page_and_the_supervisor_decides_on_theirs(api):
    from api.pages.i18n import CATALOGS
    from tests.e2e.conftest import password_of
    from tests.e2e.test_businesses import PASSWORD

    a_business(api)
    case_id = api.complaint_in("resolved")
    number = public(api)["items"][0]["number"]
    CATALOGS.strict = True
    try:
        business = _signed_in(api, "biz01", PASSWORD)
        home = business.get("/my-business")
        assert home.status_code == 200 and number in home.text and "提出异议" in home.text
        path = f"/my-business/disclosed/{case_id}/objection"
        empty = business.post(path, data={"csrf": _csrf(home.text), "reason": " "},
                              follow_redirects=False)
        assert empty.status_code == 422
        made = business.post(path, data={"csrf": _csrf(home.text), "reason": "公示有误"},
                             follow_redirects=False)
        assert made.status_code == 303
        assert "异议已提出" in business.get(made.headers["location"]).text
        again = business.post(path, data={"csrf": _csrf(home.text), "reason": "公示有误"},
                              follow_redirects=False)
        assert again.status_code == 409

        supervisor = _signed_in(api, "sup01", password_of("sup01"))
        desk = supervisor.get("/disclosure")
        assert desk.status_code == 200 and number in desk.text and "公示有误" in desk.text
        assert business.get("/disclosure").status_code == 403
        decide = f"/disclosure/objections/{case_id}/decision"
        bad = supervisor.post(decide, data={"csrf": _csrf(desk.text), "upheld": "yes",
                                            "note": ""}, follow_redirects=False)
        assert bad.status_code == 422
        done = supervisor.post(decide, data={"csrf": _csrf(desk.text), "upheld": "yes",
                                             "note": "经核实"}, follow_redirects=False)
        assert done.status_code == 303
        assert public(api)["items"] == []
        shown = supervisor.post("/disclosure/cases", data={
            "csrf": _csrf(desk.text), "case_id": case_id, "withheld": "no",
            "reason": "复核后恢复公示"}, follow_redirects=False)
        assert shown.status_code == 303
        assert [c["id"] for c in public(api)["items"]] == [case_id]
        business.__exit__(None, None, None)
        supervisor.__exit__(None, None, None)
    finally:
        CATALOGS.strict = False
