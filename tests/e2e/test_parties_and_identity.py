"""Identity checks, proxies and joint complaints through HTTP (Order 121 Art. 10-12, 16).

The clock starts on Monday 2026-05-11 at 17:30 in Shanghai.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import a_filing

AUTHORISATION = {"matters": "就手机质量纠纷向市场监管部门投诉并参加调解",
                 "powers": "代为提出、变更投诉请求，代为调解", "term": "2026-12-31",
                 "signed": True}
PROXY = {"name": "李律师", "phone": "13911112222", "id_number": "11010519491231002X",
         "address": "上海市静安区南京西路100号"}
JOINT = {"consumers": [{"name": "王五", "phone": "13700001111"},
                       {"name": "赵六", "phone": "13600002222"}],
         "representatives": [0], "consent": True}
SETTLE = {"outcome": "refund", "amount_recovered": "1280.00", "terms": "商家向三名消费者退款"}


def _file(api: Any, **overrides: Any) -> Any:
    return api.http.post("/api/v1/complaints", json=a_filing(**overrides),
                         headers=api.auth("op01"))


def _refused_without_a_trace(api: Any, complaint_id: str, response: Any, status: int) -> None:
    before = api.view(complaint_id)["version"]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert api.view(complaint_id)["version"] == before


# ----- identity checks ----------------------------------------------------------------

def test_identity_unverified_is_a_ground_only_after_the_request_ran_out(api, clock):
    case = api.file()["id"]
    # Never asked: the ground is not open.
    _refused_without_a_trace(api, case, api.command(
        case, "reject", "op01", {"reason": "identity_unverified"}), 409)

    asked = api.command(case, "request-identity", "op01",
                        {"due": "2026-05-13", "note": "请提供身份证复印件"})
    assert asked.status_code == 200, asked.text
    assert asked.json()["identity_due"] == "2026-05-13"
    assert "request-identity" not in asked.json()["allowed_actions"]
    assert "identity-verified" in asked.json()["allowed_actions"]

    # The last day itself still belongs to the consumer.
    clock.advance(days=2)  # Wednesday 13th, 17:30 in Shanghai
    refused = api.command(case, "reject", "op01", {"reason": "identity_unverified"})
    _refused_without_a_trace(api, case, refused, 409)
    assert "2026-05-13" in refused.json()["detail"]

    clock.advance(hours=7)  # past midnight in Shanghai: the request ran out
    rejected = api.command(case, "reject", "op01", {"reason": "identity_unverified"})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["state"] == "rejected"
    assert rejected.json()["closing_reason"] == "identity_unverified"


def test_the_identity_request_is_a_clock_in_the_timeliness_view_until_proof_arrives(api, clock):
    case = api.file()["id"]
    api.command(case, "request-identity", "op01", {"due": "2026-05-13"})
    api.wiring.projections.catch_up()

    clocks = api.http.get("/api/v1/timeliness", params={"clock": "identity"},
                          headers=api.auth("sup01")).json()["items"]
    assert [(c["id"], c["due"], c["overdue"]) for c in clocks] == [(case, "2026-05-13", False)]

    clock.advance(days=3)
    later = api.http.get("/api/v1/timeliness", params={"clock": "identity"},
                         headers=api.auth("sup01")).json()["items"]
    assert [(c["id"], c["overdue"]) for c in later] == [(case, True)]

    verified = api.command(case, "identity-verified", "op01", {"note": "核验身份证原件"})
    assert verified.status_code == 200, verified.text
    assert verified.json()["identity_verified"] is True
    api.wiring.projections.catch_up()
    assert api.http.get("/api/v1/timeliness", params={"clock": "identity"},
                        headers=api.auth("sup01")).json()["items"] == []
    # Proof came, late but came: the ground is gone.
    _refused_without_a_trace(api, case, api.command(
        case, "reject", "op01", {"reason": "identity_unverified"}), 409)


def test_an_identity_request_needs_a_day_not_in_the_past_and_only_an_operator_asks(api):
    case = api.file()["id"]
    _refused_without_a_trace(api, case, api.command(
        case, "request-identity", "op01", {"due": "2026-05-01"}), 422)
    _refused_without_a_trace(api, case, api.command(
        case, "request-identity", "med01", {"due": "2026-05-13"}), 403)
    accepted = api.complaint_in("accepted")
    _refused_without_a_trace(api, accepted, api.command(
        accepted, "request-identity", "op01", {"due": "2026-05-13"}), 409)


# ----- proxies ------------------------------------------------------------------------

def test_a_proxy_without_an_authorisation_makes_the_complaint_incomplete(api):
    filed = _file(api, proxy=PROXY)
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert case["proxy"]["name"] == "李律师"
    assert case["materials_complete"] is False
    assert "accept" not in case["allowed_actions"]

    _refused_without_a_trace(api, case["id"], api.command(case["id"], "accept", "op01"), 409)
    rejected = api.command(case["id"], "reject", "op01", {"reason": "incomplete"})
    assert rejected.status_code == 200, rejected.text


def test_an_authorised_proxy_files_and_the_complaint_goes_on_as_any_other(api):
    case = _file(api, proxy={**PROXY, "authorisation": AUTHORISATION}).json()
    assert case["materials_complete"] is True
    assert case["proxy"]["authorisation"]["powers"] == AUTHORISATION["powers"]
    accepted = api.command(case["id"], "accept", "op01")
    assert accepted.status_code == 200, accepted.text


def test_an_authorisation_unsigned_or_past_its_term_does_not_count(api):
    unsigned = _file(api, proxy={**PROXY, "authorisation": {**AUTHORISATION,
                                                            "signed": False}}).json()
    expired = _file(api, proxy={**PROXY, "authorisation": {**AUTHORISATION,
                                                           "term": "2026-05-01"}}).json()
    assert unsigned["materials_complete"] is False
    assert expired["materials_complete"] is False


def test_a_proxy_must_prove_who_they_are(api):
    response = _file(api, proxy={k: v for k, v in PROXY.items() if k != "id_number"})
    assert response.status_code == 422
    assert "proxy.id_number" in response.text
    bad_phone = _file(api, proxy={**PROXY, "phone": "12345"})
    assert bad_phone.status_code == 422
    assert "proxy.phone" in bad_phone.text


def test_the_proxy_and_joint_consumers_are_shown_to_the_case_worker_and_never_in_lists(api):
    proxied = _file(api, proxy={**PROXY, "authorisation": AUTHORISATION},
                    joint=JOINT).json()["id"]
    api.command(proxied, "accept", "op01")
    api.command(proxied, "assign", "op01", {"mediator": "med01"})

    seen = api.view(proxied, "med01")
    assert seen["proxy"]["phone"] == PROXY["phone"]
    assert [p["name"] for p in seen["joint"]["consumers"]] == ["王五", "赵六"]
    listed = str(api.listed("op01").json())
    for secret in (PROXY["phone"], PROXY["name"], "13700001111", "王五"):
        assert secret not in listed


# ----- joint complaints ---------------------------------------------------------------

def test_representatives_settle_only_with_every_represented_consumers_consent(api):
    case = _file(api, joint=JOINT).json()
    assert case["joint"]["count"] == 3
    assert case["consents_missing"] == ["change", "settle", "waive"]
    cid = case["id"]
    api.command(cid, "accept", "op01")
    api.command(cid, "assign", "op01", {"mediator": "med01"})

    refused = api.command(cid, "resolve", "med01", SETTLE)
    _refused_without_a_trace(api, cid, refused, 409)
    assert "resolve" not in api.view(cid)["allowed_actions"]

    first = api.command(cid, "consent", "med01", {"consumer": 1, "matter": "settle",
                                                  "note": "王五电话同意调解方案"})
    assert first.status_code == 200, first.text
    _refused_without_a_trace(api, cid, api.command(cid, "resolve", "med01", SETTLE), 409)

    api.command(cid, "consent", "med01", {"consumer": 2, "matter": "settle"})
    view = api.view(cid)
    assert view["consents"] == {"settle": [1, 2]}
    assert "settle" not in view["consents_missing"]
    resolved = api.command(cid, "resolve", "med01", SETTLE)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["state"] == "resolved"
    recorded = [e["type"] for e in api.history(cid)]
    assert recorded.count("ConsentRecorded") == 2


def test_a_waiver_and_a_changed_request_need_consent_too_and_a_change_uses_it_up(api):
    cid = _file(api, joint=JOINT).json()["id"]
    _refused_without_a_trace(api, cid, api.command(cid, "withdraw", "op01", {"note": "撤回"}), 409)
    _refused_without_a_trace(api, cid, api.command(
        cid, "change-request", "op01", {"request": "只要求退款"}), 409)

    for consumer in (1, 2):
        api.command(cid, "consent", "op01", {"consumer": consumer, "matter": "change"})
    changed = api.command(cid, "change-request", "op01", {"request": "只要求退款"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["request"] == "只要求退款"
    # The next change asks again.
    _refused_without_a_trace(api, cid, api.command(
        cid, "change-request", "op01", {"request": "退款并赔偿"}), 409)

    for consumer in (1, 2):
        api.command(cid, "consent", "op01", {"consumer": consumer, "matter": "waive"})
    assert api.command(cid, "withdraw", "op01", {"note": "撤回"}).status_code == 200


def test_consent_is_asked_of_represented_consumers_only_and_once(api):
    cid = _file(api, joint=JOINT).json()["id"]
    # Consumer 0 is the representative: their own consent is no consent of the represented.
    _refused_without_a_trace(api, cid, api.command(
        cid, "consent", "op01", {"consumer": 0, "matter": "settle"}), 422)
    _refused_without_a_trace(api, cid, api.command(
        cid, "consent", "op01", {"consumer": 7, "matter": "settle"}), 422)
    _refused_without_a_trace(api, cid, api.command(
        cid, "consent", "op01", {"consumer": 1, "matter": "surrender"}), 422)
    given = api.command(cid, "consent", "op01", {"consumer": 1, "matter": "settle"})
    assert given.status_code == 200
    _refused_without_a_trace(api, cid, api.command(
        cid, "consent", "op01", {"consumer": 1, "matter": "settle"}), 422)
    # A complaint of one consumer has nobody to consent.
    single = api.file()["id"]
    _refused_without_a_trace(api, single, api.command(
        single, "consent", "op01", {"consumer": 1, "matter": "settle"}), 409)


def test_a_joint_complaint_needs_the_consumers_consent_and_at_most_two_representatives(api):
    assert _file(api, joint={**JOINT, "consent": False}).status_code == 422
    three = _file(api, joint={**JOINT, "representatives": [0, 1, 2]})
    assert three.status_code == 422
    assert _file(api, joint={**JOINT, "representatives": [5]}).status_code == 422
    assert _file(api, joint={**JOINT, "consumers": []}).status_code == 422
    two = _file(api, joint={**JOINT, "representatives": [0, 1]})
    assert two.status_code == 201, two.text
    # With two representatives only the third consumer is asked.
    cid = two.json()["id"]
    api.command(cid, "accept", "op01")
    api.command(cid, "consent", "op01", {"consumer": 2, "matter": "settle"})
    assert api.command(cid, "resolve", "op01", SETTLE).status_code == 200


def test_impersonation_found_is_a_ground_without_a_request_and_the_note_says_how(api):
    case = api.file()["id"]
    _refused_without_a_trace(api, case, api.command(
        case, "reject", "op01", {"reason": "identity_unverified", "impersonation": True}), 422)
    rejected = api.command(case, "reject", "op01", {
        "reason": "identity_unverified", "impersonation": True,
        "note": "来电人承认冒用其亲属姓名投诉"})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["closing_reason"] == "identity_unverified"
