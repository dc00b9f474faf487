"""Reports end to end over HTTP (SPEC §13): intake, the inspector's work, the clocks, the
merging of repeats (Art. 35), the split of a mixed submission (Art. 9), clues from
mediation (Art. 27), the credit a penalty earns, and the audit chain."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.vocabulary import Role
from tests.e2e.conftest import Api, a_filing, password_of

INSPECTORS = (("insp01", "SH-PD"), ("insp02", "SH-PD"))


@pytest.fixture
def rapi(api: Api) -> Api:
    for username, office in INSPECTORS:
        api.wiring.accounts.add(username, role=Role.INSPECTOR, password=password_of(username),
                                office=office)
        api.tokens[username] = api.sign_in(username).json()["access_token"]
    return api


def a_report(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": "phone",
        "reporter": {"name": "李四海", "phone": "13912345678", "id_number": "11010519491231002X"},
        "business": {"name": "上海某某超市有限公司", "uscc": "91350100M000100Y43"},
        "industry": "food",
        "facts": "货架上销售过期牛奶，生产日期为2025年。",
    }
    body.update(overrides)
    return body


def report(api: Api, as_: str = "op01", **overrides: Any) -> Any:
    return api.http.post("/api/v1/reports", json=a_report(**overrides), headers=api.auth(as_))


def command(api: Api, report_id: str, name: str, as_: str, body: Any = None) -> Any:
    return api.http.post(f"/api/v1/reports/{report_id}/{name}", json=body,
                         headers=api.auth(as_))


def get(api: Api, report_id: str, as_: str = "sup01") -> Any:
    return api.http.get(f"/api/v1/reports/{report_id}", headers=api.auth(as_))


def settled(api: Api) -> None:
    projections = api.wiring.projections
    assert projections.wait_until(projections.head(), timeout=10)


def test_a_report_is_verified_opened_told_and_closed_with_a_penalty_that_costs_credit(rapi):
    made = report(rapi)
    assert made.status_code == 201, made.text
    body = made.json()
    assert made.headers["Location"] == f"/api/v1/reports/{body['id']}"
    assert body["state"] == "received" and body["receipt"] == "new"
    # Received Monday 2026-05-11 (Shanghai): 15 working days end on Monday 1 June.
    assert body["decision_due"] == "2026-06-01"
    assert body["allowed_actions"] == ["verify", "extend", "refer"]
    rid = body["id"]

    verified = command(rapi, rid, "verify", "insp01")
    assert verified.status_code == 200 and verified.json()["inspector"] == "insp01"
    rapi.wiring.desk.clock.advance(days=3)
    opened = command(rapi, rid, "open-case", "insp01", {"case_number": "沪浦市监立〔2026〕88号"})
    assert opened.json()["state"] == "case_opened" and opened.json()["decision_met"] is True
    assert opened.json()["reporter_notice_due"] == "2026-05-21"  # 5 working days after May 14
    told = command(rapi, rid, "notify-reporter", "insp01", {"channel": "phone"})
    assert told.json()["reporter_notified"]
    assert "notify-reporter" not in told.json()["allowed_actions"]
    closed = command(rapi, rid, "close", "insp01", {"outcome": "penalised", "note": "罚款五万元"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"

    settled(rapi)
    credit = rapi.http.get("/api/v1/businesses/91350100M000100Y43/credit",
                           headers=rapi.auth("sup01")).json()
    (entry,) = [e for e in credit["entries"] if e["rule"] == "violation_confirmed"]
    assert entry["points"] == 10 and entry["complaint_id"] == rid
    assert entry["version"] == closed.json()["version"]  # explained by the closing event
    assert credit["points"] == 10 and credit["grade"] == "C"


def test_refusals_record_nothing_and_name_what_is_wrong(rapi):
    bad = report(rapi, reporter={"name": "李四", "phone": "12"}, facts="")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"reporter.phone", "facts"}
    clue_typed_as_report = report(rapi, source="mediation")
    assert clue_typed_as_report.status_code == 422
    settled(rapi)
    assert rapi.http.get("/api/v1/reports", headers=rapi.auth("sup01")).json()["total"] == 0

    rid = report(rapi).json()["id"]
    command(rapi, rid, "verify", "insp01")
    command(rapi, rid, "decline", "insp01", {"reason": "经核查无违法事实"})
    before = get(rapi, rid).json()["version"]
    penalty = command(rapi, rid, "close", "insp01", {"outcome": "penalised"})
    assert penalty.status_code == 409
    assert penalty.headers["content-type"] == "application/problem+json"
    assert "not_opened" in penalty.json()["detail"]
    assert command(rapi, rid, "decline", "insp02", {"reason": "x"}).status_code == 403
    assert get(rapi, rid).json()["version"] == before
    assert get(rapi, "00000000-0000-0000-0000-000000000000").status_code == 404


def test_an_extension_is_a_supervisors_once_and_adds_fifteen_working_days(rapi):
    rid = report(rapi).json()["id"]
    command(rapi, rid, "verify", "insp01")
    assert command(rapi, rid, "extend", "insp01", {"reason": "需检验"}).status_code == 403
    extended = command(rapi, rid, "extend", "sup01", {"reason": "需委托检验机构检验"})
    assert extended.status_code == 200
    calendar = rapi.wiring.desk.timekeeper.calendar
    assert extended.json()["decision_due"] == calendar.add_working_days(
        date(2026, 6, 1), 15).isoformat()
    assert extended.json()["extended"] is True
    assert command(rapi, rid, "extend", "sup01", {"reason": "再延"}).status_code == 409


def test_the_same_reporter_and_facts_are_merged_and_new_facts_restart_the_period(rapi):
    first = report(rapi).json()
    settled(rapi)
    again = report(rapi, facts=" 货架上销售过期牛奶，生产日期为2025年 ", source="web")
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first["id"] and again.json()["receipt"] == "repeat"
    assert again.json()["repeats"] == 1
    assert again.json()["decision_due"] == first["decision_due"]

    rapi.wiring.desk.clock.advance(days=7)  # Monday 18 May
    more = report(rapi, facts="另发现冷柜温度长期高于10度。")
    assert more.json()["receipt"] == "merged" and more.json()["id"] == first["id"]
    assert len(more.json()["facts"]) == 2
    assert more.json()["decision_due"] == "2026-06-08"  # counted again from 18 May

    command(rapi, first["id"], "verify", "insp01")
    command(rapi, first["id"], "decline", "insp01", {"reason": "无违法事实"})
    settled(rapi)
    later = report(rapi, facts="冷柜温度问题仍未整改，且发现过期面包。")
    assert later.status_code == 201 and later.json()["receipt"] == "new"  # decided: its own
    assert later.json()["id"] != first["id"]
    settled(rapi)
    repeat_of_old = report(rapi, facts="货架上销售过期牛奶，生产日期为2025年。")
    assert repeat_of_old.json()["receipt"] == "repeat"  # the same facts, decided or not
    assert repeat_of_old.json()["id"] == first["id"]

    other_business = report(rapi, business={"name": "上海另一家超市有限公司"})
    assert other_business.status_code == 201 and other_business.json()["id"] != first["id"]
    anonymous = report(rapi, reporter=None, anonymous=True)
    assert anonymous.status_code == 201 and anonymous.json()["reporter"] is None
    settled(rapi)
    assert rapi.http.get("/api/v1/reports", headers=rapi.auth("sup01")).json()["total"] == 4


def test_a_mixed_submission_is_split_into_a_complaint_and_a_report_linked_both_ways(rapi):
    response = rapi.http.post("/api/v1/submissions", headers=rapi.auth("op01"), json={
        "complaint": a_filing(), "report": a_report(
            business={"name": "上海优选电子商务有限公司", "uscc": "91350100M000100Y43"},
            facts="商家销售的手机为翻新机，冒充新机。")})
    assert response.status_code == 201, response.text
    complaint, made = response.json()["complaint"], response.json()["report"]
    assert complaint["state"] == "filed" and made["state"] == "received"
    assert made["complaint_id"] == complaint["id"]
    assert rapi.view(complaint["id"])["reports"] == [made["id"]]
    # Each part runs on its own clock: 7 working days to accept, 15 to decide.
    assert complaint["acceptance_due"] == "2026-05-20" and made["decision_due"] == "2026-06-01"

    body = {"complaint": a_filing(), "report": a_report(facts="商家以次充好。")}
    first = rapi.http.post("/api/v1/submissions", json=body,
                           headers=rapi.auth("op01", Idempotency_Key="split-7"))
    again = rapi.http.post("/api/v1/submissions", json=body,
                           headers=rapi.auth("op01", Idempotency_Key="split-7"))
    assert first.status_code == again.status_code == 201
    assert again.json()["report"]["id"] == first.json()["report"]["id"]
    assert again.json()["complaint"]["reports"] == [first.json()["report"]["id"]]

    refused = rapi.http.post("/api/v1/submissions", headers=rapi.auth("op01"), json={
        "complaint": a_filing(), "report": a_report(facts="")})
    assert refused.status_code == 422
    settled(rapi)
    listed = rapi.http.get("/api/v1/complaints", headers=rapi.auth("sup01")).json()
    assert listed["total"] == 2  # the retry and the refused submission filed nothing
    reports = rapi.http.get("/api/v1/reports", headers=rapi.auth("sup01")).json()
    assert reports["total"] == 2


def test_a_mediator_turns_a_clue_into_a_report_with_its_own_fifteen_day_clock(rapi):
    complaint_id = rapi.complaint_in("mediated")
    clue = {"text": "调解中发现商家销售的奶粉无中文标签"}
    assert rapi.http.post(f"/api/v1/complaints/{complaint_id}/clue", json=clue,
                          headers=rapi.auth("med02")).status_code == 403
    assert rapi.http.post(f"/api/v1/complaints/{complaint_id}/clue", json=clue,
                          headers=rapi.auth("op01")).status_code == 403
    response = rapi.http.post(f"/api/v1/complaints/{complaint_id}/clue", json=clue,
                              headers=rapi.auth("med01"))
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["source"] == "mediation" and made["complaint_id"] == complaint_id
    assert made["anonymous"] and made["decision_due"] == "2026-06-01"
    assert made["business"]["uscc"] == "91350100M000100Y43"
    assert rapi.view(complaint_id)["reports"] == [made["id"]]
    history = [item["type"] for item in rapi.history(complaint_id)]
    assert history[-1] == "ClueRecorded"


def test_the_queue_shows_due_days_and_marks_reports_overdue_as_time_passes(rapi):
    rid = report(rapi).json()["id"]
    settled(rapi)
    queue = rapi.http.get("/api/v1/reports/timeliness", headers=rapi.auth("insp01")).json()
    assert queue["open"] == 1 and queue["overdue"] == 0
    assert queue["items"][0]["working_days_left"] == 15
    rapi.wiring.desk.clock.advance(days=21)  # Monday 1 June, the last day
    queue = rapi.http.get("/api/v1/reports/timeliness", headers=rapi.auth("insp01")).json()
    assert queue["items"][0]["due_soon"] and not queue["items"][0]["overdue"]
    rapi.wiring.desk.clock.advance(days=1)
    queue = rapi.http.get("/api/v1/reports/timeliness", headers=rapi.auth("insp01")).json()
    assert queue["overdue"] == 1 and queue["items"][0]["working_days_left"] == -1
    late = rapi.http.get("/api/v1/reports", params={"overdue": True},
                         headers=rapi.auth("sup01")).json()
    assert [i["id"] for i in late["items"]] == [rid]
    command(rapi, rid, "verify", "insp01")
    command(rapi, rid, "decline", "insp01", {"reason": "无违法事实"})
    assert get(rapi, rid).json()["decision_met"] is False


def test_statistics_count_reports_by_state_source_business_and_industry_with_rates(rapi):
    one = report(rapi).json()["id"]
    report(rapi, source="web", reporter={"name": "王五", "phone": "13700001111"},
           business={"name": "上海某某餐饮有限公司"}, industry="catering", facts="后厨有老鼠")
    complaint_id = rapi.complaint_in("mediated")
    rapi.http.post(f"/api/v1/complaints/{complaint_id}/clue", json={"text": "无证经营"},
                   headers=rapi.auth("med01"))
    command(rapi, one, "verify", "insp01")
    command(rapi, one, "open-case", "insp01", {"case_number": "立案1号"})
    settled(rapi)
    stats = rapi.http.get("/api/v1/reports/stats", params={"from": "2026-05-01",
                                                          "to": "2026-05-31"},
                          headers=rapi.auth("sup01")).json()
    assert stats["received"] == 3
    assert stats["by_source"] == {"phone": 1, "web": 1, "mediation": 1}
    assert stats["by_state"] == {"case_opened": 1, "received": 2}
    assert stats["by_industry"] == {"food": 1, "catering": 1, "online_shopping": 1}
    # The clue names the complaint's business, which has the same credit code.
    top = stats["by_business"][0]
    assert (top["key"], top["count"]) == ("91350100M000100Y43", 2)
    assert stats["verification_on_time_rate"] == 1.0 and stats["case_opened_rate"] == 1.0
    assert rapi.http.get("/api/v1/reports/stats", params={"from": "2026-05-01",
                                                         "to": "2026-05-31"},
                         headers=rapi.auth("insp01")).status_code == 403


def test_reports_are_hash_chained_and_the_store_check_covers_them(rapi):
    rid = report(rapi).json()["id"]
    command(rapi, rid, "verify", "insp01")
    history = rapi.http.get(f"/api/v1/reports/{rid}/history", headers=rapi.auth("sup01")).json()
    assert [h["type"] for h in history] == ["ReportReceived", "VerificationStarted"]
    assert all(h["hash"] for h in history)
    assert history[1]["actor"] == {"username": "insp01", "role": "inspector"}
    check = rapi.http.get(f"/api/v1/reports/{rid}/verify", headers=rapi.auth("sup01")).json()
    assert check["intact"] and check["events"] == 2
    store = rapi.http.get("/api/v1/audit/verify", headers=rapi.auth("sup01")).json()
    assert store["intact"] and store["events"] >= 2
    assert rapi.http.get(f"/api/v1/reports/{rid}/history",
                         headers=rapi.auth("insp01")).status_code == 403


def test_a_supervisor_reads_a_report_as_it_stood_at_an_earlier_version(rapi):
    rid = report(rapi).json()["id"]
    command(rapi, rid, "verify", "insp01")
    command(rapi, rid, "decline", "insp01", {"reason": "无违法事实"})
    then = rapi.http.get(f"/api/v1/reports/{rid}", params={"as_of": 2},
                         headers=rapi.auth("sup01"))
    assert then.status_code == 200
    assert (then.json()["state"], then.json()["version"]) == ("verifying", 2)
    assert rapi.http.get(f"/api/v1/reports/{rid}", params={"as_of": 2},
                         headers=rapi.auth("insp01")).status_code == 403
