"""The procedure of SAMR Order No. 121 over HTTP: each rule the desk follows since 2026-04-15,
and the 2019 rules that still govern cases received before it."""

from __future__ import annotations

from datetime import UTC, datetime


def _refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    if field:
        assert problem["field"] == field
    return problem


def test_no_agreement_in_time_is_refused_while_the_mediation_period_runs(api, clock):
    case = api.complaint_in("mediated")  # accepted Mon May 11 2026: day 60 is Fri Jul 10
    before = api.view(case)["version"]
    assert api.view(case)["mediation_due"] == "2026-07-10"

    problem = _refused(api.command(case, "terminate", "med01",
                                   {"reason": "no_agreement_in_time"}), 409)
    assert problem["due"] == "2026-07-11T00:00:00+08:00"  # the end of the last day
    assert "no_agreement_in_time" in problem["detail"]
    assert api.view(case)["version"] == before

    clock.now = datetime(2026, 7, 20, 2, tzinfo=UTC)  # a week after the period ran out
    ended = api.command(case, "terminate", "med01", {"reason": "no_agreement_in_time"})
    assert ended.status_code == 200, ended.text
    assert ended.json()["state"] == "terminated"
    assert ended.json()["notice_due"] is not None


def test_a_recusal_request_suspends_mediation_until_a_supervisor_decides(api):
    case = api.complaint_in("mediated")
    asked = api.command(case, "recusal-request", "op01",
                        {"by": "consumer", "reason": "调解员与经营者负责人系亲属"})
    assert asked.json()["recusal_pending"] is True
    assert asked.json()["allowed_actions"] == ["notes", "recusal-decision", "withdraw"]

    # The challenged mediator can neither settle nor end the case meanwhile.
    _refused(api.command(case, "resolve", "med01",
                         {"outcome": "refund", "amount_recovered": "1", "terms": "退款"}), 409)
    _refused(api.command(case, "terminate", "med01", {"reason": "business_refused"}), 409)
    _refused(api.command(case, "recusal-decision", "med01", {"upheld": False}), 403)
    _refused(api.command(case, "recusal-decision", "sup01", {"upheld": True}), 422, "mediator")

    decided = api.command(case, "recusal-decision", "sup01",
                          {"upheld": True, "mediator": "med02", "note": "回避申请成立"})
    assert decided.status_code == 200, decided.text
    assert (decided.json()["mediator"], decided.json()["recusal_pending"]) == ("med02", False)
    _refused(api.command(case, "notes", "med01", {"kind": "session", "text": "x"}), 403)
    assert api.command(case, "notes", "med02", {"kind": "session", "text": "重新组织调解"}
                       ).status_code == 200
    assert [h["type"] for h in api.history(case)][-3:] == [
        "RecusalRequested", "RecusalDecided", "NoteAdded"]


def test_a_private_settlement_after_acceptance_ends_mediation_and_both_parties_are_told(api):
    case = api.complaint_in("accepted")
    settled = api.command(case, "withdraw", "op01", {"kind": "settled_privately"})
    view = settled.json()
    assert (view["state"], view["withdraw_kind"]) == ("withdrawn", "settled_privately")
    assert view["notice_due"] is not None
    assert view["allowed_actions"] == ["notice", "satisfaction"]
    told = api.command(case, "notice", "op01", {"note": "已电话告知双方"}).json()
    assert (told["notice_recorded"], told["notice_due"]) == (True, None)

    before_decision = api.command(api.file()["id"], "withdraw", "op01").json()
    assert before_decision["withdraw_kind"] == "withdrawn"
    assert before_decision["notice_due"] is None
    assert "notice" not in before_decision["allowed_actions"]


def test_the_complainant_is_told_of_the_decision_once(api):
    case = api.file()["id"]
    accepted = api.command(case, "accept", "op01").json()
    assert accepted["decision_notified"] is False
    assert accepted["decision_notice_due"] == accepted["acceptance_due"]
    assert "notify" in accepted["allowed_actions"]
    _refused(api.command(case, "notify", "op01", {"channel": "pigeon"}), 422, "channel")
    told = api.command(case, "notify", "op01", {"channel": "sms", "note": "已短信告知"}).json()
    assert (told["decision_notified"], told["decision_notice_due"]) == (True, None)
    _refused(api.command(case, "notify", "op01", {"channel": "phone"}), 409)

    told_at_once = api.command(api.file()["id"], "reject", "op01",
                               {"reason": "time_barred", "notified_via": "letter"}).json()
    assert told_at_once["decision_notified"] is True
    assert "notify" not in told_at_once["allowed_actions"]


def test_each_text_offers_only_its_own_grounds(api, clock):
    # Received under Order 121: the 2019-only suspension grounds are gone ...
    case = api.complaint_in("mediated")
    _refused(api.command(case, "suspend", "med01", {"reason": "inspection"}), 422, "reason")
    _refused(api.command(case, "terminate", "med01", {"reason": "testing_disagreement"}), 422,
             "reason")
    suspended = api.command(case, "suspend", "med01", {
        "reason": "testing", "body": "上海市质量监督检验技术研究院", "designated": True})
    assert suspended.status_code == 200, suspended.text
    ok = api.command(api.file()["id"], "reject", "op01", {"reason": "false_materials"})
    assert ok.json()["closing_reason"] == "false_materials"

    # ... and a complaint received under the 2019 measures has no Order 121 grounds.
    old = api.file(received_at="2026-04-10T10:00:00+08:00")["id"]
    assert api.view(old)["regulation"] == "samr-2019"
    _refused(api.command(old, "reject", "op01", {"reason": "false_materials"}), 422, "reason")
    _refused(api.command(old, "reject", "op01", {"reason": "identity_unverified"}), 422, "reason")


def test_a_police_referral_and_an_on_site_agreement_are_recorded_as_the_law_asks(api):
    case = api.complaint_in("mediated")
    referred = api.command(case, "escalate", "med01",
                           {"forum": "police", "reason": "投诉人涉嫌掉包商品敲诈经营者"})
    assert (referred.json()["state"], referred.json()["forum"]) == ("escalated", "police")

    agreed = api.complaint_in("mediated")
    body = {"outcome": "refund", "amount_recovered": "1280.00", "terms": "商家当场退款",
            "mode": "on_site"}
    _refused(api.command(agreed, "resolve", "med01", body), 422, "record")
    resolved = api.command(agreed, "resolve", "med01", {**body, "record": "agreement_document"})
    assert resolved.json()["outcome"]["mode"] == "on_site"
    assert resolved.json()["outcome"]["record"] == "agreement_document"

    rated = api.command(agreed, "satisfaction", "op01", {"level": "basically_satisfied"}).json()
    assert (rated["satisfaction_level"], rated["satisfaction"]) == ("basically_satisfied", None)


def test_the_intake_centre_dispatches_and_an_unknown_office_is_refused(api):
    _refused(api.http.post("/api/v1/complaints", json={**_filing(), "office": "SH-NOPE"},
                           headers=api.auth("op01")), 422, "office")
    case = api.complaint_in("at intake")
    _refused(api.command(case, "transfer", "op01", {"to_office": "SH-NOPE"}), 422, "to_office")
    _refused(api.command(case, "return-to-intake", "op01", {"reason": "x"}), 409)
    moved = api.command(case, "transfer", "op01", {"to_office": "SH-HP"}).json()
    assert (moved["office"], moved["office_name"]) == ("SH-HP", "黄浦区市场监督管理局")
    assert moved["acceptance_due"] is not None


def _filing() -> dict:
    from tests.e2e.conftest import a_filing

    return a_filing()
