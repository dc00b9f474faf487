"""Proxies, joint complaints and identity checks on the case page (Order 121 Art. 10-12),
in Chinese, with the actions the table allows."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.e2e.conftest import JOINT, a_filing
from tests.e2e.test_pages import desk, strict_catalogs  # noqa: F401 (fixtures)

ZH = tomllib.loads((Path(__file__).resolve().parents[2] / "api/i18n/zh.toml").read_text())
PROXY = {"name": "李律师", "phone": "13911112222", "id_number": "11010519491231002X"}


def _file(api, **overrides):
    response = api.http.post("/api/v1/complaints", json=a_filing(**overrides),
                             headers=api.auth("op01"))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_proxy_without_an_authorisation_is_flagged_and_cannot_be_accepted_on_the_page(api, desk):
    case = _file(api, proxy=PROXY)
    page = desk["op01"].get(f"/cases/{case}")
    assert page.status_code == 200
    assert "李律师" in page.text
    assert ZH["parties"]["no_authorisation"] in page.text
    assert 'id="materials-incomplete"' in page.text
    assert 'id="action-accept"' not in page.text
    assert 'id="action-reject"' in page.text


def test_a_represented_consumers_consent_is_recorded_from_the_case_page(api, desk):
    case = _file(api, joint=JOINT)
    operator = desk["op01"]
    page = operator.get(f"/cases/{case}")
    assert "王五" in page.text and "赵六" in page.text
    assert ZH["parties"]["missing"] in page.text
    assert 'id="action-consent"' in page.text

    done = operator.post(f"/cases/{case}/consent",
                         {"version": "1", "consumer": "1", "matter": "settle", "note": "同意"},
                         token_from=f"/cases/{case}", follow_redirects=False)
    assert done.status_code == 303, done.text
    assert api.view(case)["consents"] == {"settle": [1]}

    refused = operator.post(f"/cases/{case}/consent",
                            {"version": "2", "consumer": "1", "matter": "settle"},
                            token_from=f"/cases/{case}")
    assert refused.status_code == 422
    assert api.view(case)["version"] == 2


def test_an_identity_request_is_made_and_shown_running_out_on_the_case_page(api, desk, clock):
    case = _file(api)
    operator = desk["op01"]
    done = operator.post(f"/cases/{case}/request-identity",
                         {"version": "1", "due": "2026-05-13", "note": "请提供身份证"},
                         token_from=f"/cases/{case}", follow_redirects=False)
    assert done.status_code == 303, done.text
    page = operator.get(f"/cases/{case}")
    assert ZH["parties"]["identity_due"] in page.text and "2026" in page.text
    assert ZH["clock"]["identity"] in page.text
    assert ZH["parties"]["identity_lapsed"] not in page.text

    clock.advance(days=3)
    assert ZH["parties"]["identity_lapsed"] in operator.get(f"/cases/{case}").text


def _filed_id(response) -> str:
    assert response.status_code == 303, response.text
    return response.headers["location"].split("=", 1)[1]


def test_the_intake_form_files_a_proxy_with_the_authorisation(api, desk):
    from tests.e2e.test_pages import intake_form

    operator = desk["op01"]
    page = operator.get("/intake").text
    assert ZH["parties"]["intake_proxy"] in page and ZH["parties"]["intake_joint"] in page
    case = _filed_id(operator.post("/intake", intake_form(**{
        "idempotency_key": "proxy-1", "proxy.name": "孙律师", "proxy.phone": "13600998877",
        "proxy.id_number": "11010519491231002X", "proxy.matters": "投诉并参加调解",
        "proxy.powers": "代为调解", "proxy.term": "2026-12-31", "proxy.signed": "on"}),
        follow_redirects=False))
    view = api.view(case)
    assert view["proxy"]["name"] == "孙律师"
    assert view["proxy"]["authorisation"]["term"] == "2026-12-31"
    assert view["materials_complete"] is True

    unsigned = _filed_id(operator.post("/intake", intake_form(**{
        "idempotency_key": "proxy-2", "proxy.name": "孙律师", "proxy.phone": "13600998877",
        "proxy.id_number": "11010519491231002X"}), follow_redirects=False))
    assert api.view(unsigned)["materials_complete"] is False


def test_the_intake_form_files_a_joint_complaint_and_refuses_one_without_consent(api, desk):
    from tests.e2e.test_pages import intake_form

    operator = desk["op01"]
    head = api.wiring.projections.head()
    refused = operator.post("/intake", intake_form(**{
        "idempotency_key": "joint-1", "joint.others": "吴二,13912340002"}))
    assert refused.status_code == 422
    assert 'data-field="joint.consent"' in refused.text
    assert api.wiring.projections.head() == head

    case = _filed_id(operator.post("/intake", intake_form(**{
        "idempotency_key": "joint-2", "joint.others": "吴二,13912340002\n郑三，13912340003",
        "joint.representatives": "0", "joint.consent": "on"}), follow_redirects=False))
    joint = api.view(case)["joint"]
    assert [p["name"] for p in joint["consumers"]] == ["吴二", "郑三"]
    assert joint["representatives"] == [0] and joint["count"] == 3


def test_the_dashboard_shows_the_entrusted_organisations_clocks(api, desk):
    api.complaint_in("entrusted")
    api.wiring.projections.catch_up()
    page = desk["sup01"].get("/dashboard").text
    assert ZH["dashboard"]["by_organisation"] in page
    assert 'id="by-organisation"' in page and "上海市消费者权益保护委员会" in page


def test_the_operator_entrusts_from_the_case_page_with_both_consents(api, desk):
    case = api.complaint_in("accepted")
    operator = desk["op01"]
    page = operator.get(f"/cases/{case}").text
    assert 'id="action-entrust"' in page and "上海市消费者权益保护委员会" in page
    refused = operator.post(f"/cases/{case}/entrust",
                            {"version": "2", "organisation": "SH-XB", "consumer_consent": "on"},
                            token_from=f"/cases/{case}")
    assert refused.status_code == 422
    done = operator.post(f"/cases/{case}/entrust",
                         {"version": "2", "organisation": "SH-XB", "consumer_consent": "on",
                          "business_consent": "on"}, token_from=f"/cases/{case}",
                         follow_redirects=False)
    assert done.status_code == 303, done.text
    page = operator.get(f"/cases/{case}").text
    assert 'id="entrusted"' in page
    # Only the organisation's mediators are offered for the case now.
    assert 'value="emed01"' in page and 'value="med01"' not in page
    api.command(case, "assign", "op01", {"mediator": "emed01"})
    # The entrusted mediator of another organisation is told the case does not exist.
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.e2e.test_pages import Browser

    with TestClient(create_app(api.wiring)) as client:
        assert Browser(client).sign_in("emed02").get(f"/cases/{case}").status_code == 404
    with TestClient(create_app(api.wiring)) as client:
        assert Browser(client).sign_in("emed01").get(f"/cases/{case}").status_code == 200


def test_an_admin_adds_an_organisation_and_its_mediator_on_the_accounts_page(api, desk):
    admin = desk["adm01"]
    page = admin.get("/accounts").text
    assert ZH["accounts"]["organisations"] in page and "上海市消费者权益保护委员会" in page
    added = admin.post("/organisations", {"code": "JA-XH", "name": "静安区消费者协会",
                                          "kind": "consumer_association"},
                       token_from="/accounts", follow_redirects=False)
    assert added.status_code == 303, added.text
    assert "JA-XH" in [o.code for o in api.wiring.organisations.all()]
    again = admin.post("/organisations", {"code": "JA-XH", "name": "重复",
                                          "kind": "consumer_association"}, token_from="/accounts")
    assert again.status_code == 422

    made = admin.post("/accounts", {"username": "emed07", "role": "mediator",
                                    "organisation": "JA-XH", "password": "a-long-secret-7"},
                      token_from="/accounts", follow_redirects=False)
    assert made.status_code == 303, made.text
    assert api.wiring.accounts.get("emed07").organisation == "JA-XH"
