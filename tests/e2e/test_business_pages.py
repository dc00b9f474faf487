"""The business's story through the pages (SPEC §14), in Chinese: activated once, its own
complaints only, answering a forwarded complaint, the operator confirming."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages.i18n import CATALOGS
from tests.e2e.test_businesses import OTHER_USCC, USCC, on_register

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
PASSWORD = "biz-correct-horse-1"


@pytest.fixture(autouse=True)
def strict_catalogs() -> Iterator[None]:
    CATALOGS.strict = True
    yield
    CATALOGS.strict = False


@pytest.fixture
def browser(api) -> Iterator[TestClient]:
    with TestClient(create_app(api.wiring)) as client:
        yield client


def activation_path(api, username: str, code: str) -> str:
    created = api.http.post("/api/v1/accounts/business", headers=api.auth("adm01"), json={
        "username": username, "credit_code": code, "display_name": "上海优选"})
    assert created.status_code == 201
    return created.json()["activation_path"]  # type: ignore[no-any-return]


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    answer = client.post("/login", data={"csrf": token, "username": username,
                                         "password": password}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/my-business"


def test_a_business_activates_its_account_once_on_a_chinese_page(api, browser):
    path = activation_path(api, "biz01", USCC)
    page = browser.get(path)
    assert page.status_code == 200 and "激活经营者账户" in page.text
    token = path.split("token=", 1)[1]
    differ = browser.post("/activate", data={"token": token, "password": PASSWORD,
                                             "again": "something-else-1"})
    assert differ.status_code == 422
    done = browser.post("/activate", data={"token": token, "password": PASSWORD,
                                           "again": PASSWORD}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/login")
    again = browser.post("/activate", data={"token": token, "password": PASSWORD,
                                            "again": PASSWORD})
    assert again.status_code == 409 and "已使用" in again.text
    assert browser.get("/activate?token=forged").status_code == 400
    sign_in(browser, "biz01")


def test_a_business_answers_its_forwarded_complaint_and_the_operator_confirms(api, browser):
    path = activation_path(api, "biz01", USCC)
    browser.post("/activate", data={"token": path.split("token=", 1)[1],
                                    "password": PASSWORD, "again": PASSWORD})
    sign_in(browser, "biz01")
    on_register(api)
    own = api.file()["id"]
    other = api.file(business={"name": "北京某某科技有限公司", "uscc": OTHER_USCC})["id"]
    api.command(own, "forward", "op01", {"consent": True})
    api.listed()

    home = browser.get("/my-business")
    assert home.status_code == 200
    assert "本单位投诉" in home.text and own in home.text and other not in home.text
    assert "已加入在线消费纠纷解决" in home.text

    case = browser.get(f"/my-business/cases/{own}")
    assert case.status_code == 200
    assert "张三丰" in case.text and "13812345678" in case.text
    assert "南京东路" not in case.text  # never the address
    assert "先行和解答复" in case.text and "2026-05-25" in case.text
    assert browser.get(f"/my-business/cases/{other}").status_code == 404
    assert browser.get(f"/cases/{own}").status_code == 403  # the staff page is not for it

    csrf = CSRF.search(case.text).group(1)  # type: ignore[union-attr]
    missing = browser.post(f"/my-business/cases/{own}/reply",
                           data={"csrf": csrf, "settled": "yes", "amount": "100", "terms": ""})
    assert missing.status_code == 422
    answered = browser.post(f"/my-business/cases/{own}/reply", data={
        "csrf": csrf, "settled": "yes", "amount": "1280", "terms": "同意全额退款"},
        follow_redirects=False)
    assert answered.status_code == 303
    shown = browser.get(answered.headers["location"]).text
    assert "本单位答复" in shown and "同意全额退款" in shown and "先行和解答复" not in shown

    with TestClient(create_app(api.wiring)) as operator:
        sign_in_staff(operator, "op01")
        page = operator.get(f"/cases/{own}").text
        assert "确认先行和解" in page and "同意全额退款" in page
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        confirmed = operator.post(f"/cases/{own}/confirm-settlement",
                                  data={"csrf": token, "note": "消费者确认"},
                                  follow_redirects=False)
        assert confirmed.status_code == 303
    assert api.view(own)["state"] == "resolved"
    reads = api.http.get("/api/v1/audit/accounts", params={
        "username": "biz01", "kind": "consumer_data_read"}, headers=api.auth("sup01")).json()
    assert len(reads) >= 2 and all(r["detail"] == f"complaint {own}" for r in reads)


def test_an_operator_forwards_from_the_case_page_only_with_consent(api, browser):
    on_register(api)
    complaint_id = api.file()["id"]
    sign_in_staff(browser, "op01")
    page = browser.get(f"/cases/{complaint_id}").text
    assert "转经营者先行和解" in page
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    refused = browser.post(f"/cases/{complaint_id}/forward", data={"csrf": token})
    assert refused.status_code == 409
    assert api.view(complaint_id)["state"] == "filed"
    moved = browser.post(f"/cases/{complaint_id}/forward",
                         data={"csrf": token, "consent": "on"}, follow_redirects=False)
    assert moved.status_code == 303
    assert api.view(complaint_id)["state"] == "negotiating"
    assert "先行和解中" in browser.get(f"/cases/{complaint_id}").text


def sign_in_staff(client: TestClient, username: str) -> None:
    from tests.e2e.conftest import password_of
    token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    answer = client.post("/login", data={"csrf": token, "username": username,
                                         "password": password_of(username)},
                         follow_redirects=False)
    assert answer.status_code == 303


def test_a_business_pledges_on_its_page_and_a_bad_date_is_told_not_recorded(api, browser):
    path = activation_path(api, "biz01", USCC)
    browser.post("/activate", data={"token": path.split("token=", 1)[1],
                                    "password": PASSWORD, "again": PASSWORD})
    sign_in(browser, "biz01")
    csrf = CSRF.search(browser.get("/my-business").text).group(1)  # type: ignore[union-attr]
    bad = browser.post("/my-business/pledges", data={
        "csrf": csrf, "kind": "odr", "start": "2026-13-01", "end": "2026-12-31"})
    assert bad.status_code == 422
    backwards = browser.post("/my-business/pledges", data={
        "csrf": csrf, "kind": "odr", "start": "2026-12-01", "end": "2026-01-01"})
    assert backwards.status_code == 422
    assert api.http.get(f"/api/v1/public/businesses/{USCC}/pledges").json() == []
    done = browser.post("/my-business/pledges", data={
        "csrf": csrf, "kind": "odr", "start": "2026-05-01", "end": "2026-12-31"},
        follow_redirects=False)
    assert done.status_code == 303
    assert "承诺已记录" in browser.get(done.headers["location"]).text
    assert [p["kind"] for p in api.http.get(
        f"/api/v1/public/businesses/{USCC}/pledges").json()] == ["odr"]
