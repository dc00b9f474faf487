"""Credit, what-if, statistics and public disclosure over HTTP."""

from __future__ import annotations

from pathlib import Path

import adapters

USCC = "91350100M000100Y43"
DEFAULT_RULES = (Path(adapters.__file__).parent / "data" / "credit_rules.toml").read_text()


def credit(api, as_: str = "sup01"):
    return api.http.get(f"/api/v1/businesses/{USCC}/credit", headers=api.auth(as_))


def test_a_refused_mediation_shows_in_the_grade_with_the_entries_behind_it(api):
    complaint_id = api.complaint_in("terminated")
    api.listed()

    answer = credit(api)

    assert answer.status_code == 200
    body = answer.json()
    # The refusal is the business's conduct; the acceptance before it charges nothing.
    assert (body["points"], body["grade"]) == (5, "B")
    assert sorted((e["rule"], e["points"]) for e in body["entries"]) == [
        ("refused_mediation", 5)]
    assert {e["complaint_id"] for e in body["entries"]} == {complaint_id}
    assert [e["version"] for e in body["entries"]] == [4]
    assert credit(api, "op01").status_code == 403


def test_a_supervisor_voids_an_entry_with_a_reason_and_it_stays_in_the_record(api):
    api.complaint_in("terminated")
    api.listed()
    refused = next(e for e in credit(api).json()["entries"] if e["rule"] == "refused_mediation")
    path = f"/api/v1/credit/entries/{refused['id']}/void"

    by_operator = api.http.post(path, json={"reason": "x"}, headers=api.auth("op01"))
    voided = api.http.post(path, json={"reason": "申诉成立：商家提供了到场证明"},
                           headers=api.auth("sup01"))
    again = api.http.post(path, json={"reason": "再次"}, headers=api.auth("sup01"))
    unknown = api.http.post("/api/v1/credit/entries/00000000-0000-4000-8000-000000000000/void",
                            json={"reason": "x"}, headers=api.auth("sup01"))
    api.listed()

    assert by_operator.status_code == 403
    assert voided.status_code == 204
    assert again.status_code == 409
    assert unknown.status_code == 404
    after = credit(api).json()
    entry = next(e for e in after["entries"] if e["id"] == refused["id"])
    assert entry["voided"] is True and "到场证明" in entry["void_reason"]
    assert (after["points"], after["grade"]) == (0, "A")


def test_a_stricter_what_if_changes_grades_in_its_answer_and_stores_nothing(api):
    api.complaint_in("terminated")
    api.listed()
    before = credit(api).json()
    stricter = DEFAULT_RULES.replace('version = "spec4-default-2026.3"',
                                     'version = "stricter-test"').replace(
        'id = "refused_mediation"\ntrigger = "Terminated"\nwhen = { reason = "business_refused" }'
        '\npoints = 5', 'id = "refused_mediation"\ntrigger = "Terminated"\n'
        'when = { reason = "business_refused" }\npoints = 25')
    assert "points = 25" in stricter

    answer = api.http.post("/api/v1/credit/what-if", json={"rules": stricter},
                           headers=api.auth("sup01"))
    broken = api.http.post("/api/v1/credit/what-if", json={"rules": "version = 1\n[[rule]]"},
                           headers=api.auth("sup01"))

    assert answer.status_code == 200, answer.text
    moved = {b["key"]: b for b in answer.json()["businesses"]}
    assert moved[USCC]["current_grade"] == "B" and moved[USCC]["proposed_grade"] == "D"
    assert credit(api).json() == before
    assert broken.status_code == 422


def test_statistics_count_what_was_received_for_supervisors_only(api):
    api.complaint_in("resolved")
    api.complaint_in("rejected")
    api.listed()
    params = {"from": "2026-05-01", "to": "2026-05-31"}

    stats = api.http.get("/api/v1/stats", params=params, headers=api.auth("sup01"))
    refused = api.http.get("/api/v1/stats", params=params, headers=api.auth("op01"))
    backwards = api.http.get("/api/v1/stats", params={"from": "2026-05-31", "to": "2026-05-01"},
                             headers=api.auth("sup01"))

    assert stats.status_code == 200
    assert stats.json()["received"] == 2
    assert stats.json()["by_state"] == {"resolved": 1, "rejected": 1}
    assert stats.json()["amount_recovered"] == "1280.00"
    assert refused.status_code == 403
    assert backwards.status_code == 422 and backwards.json()["field"] == "to"


def test_the_public_page_needs_no_login_and_shows_no_consumer_data(api):
    api.complaint_in("resolved")
    api.complaint_in("terminated")
    api.listed()

    page = api.http.get("/api/v1/public/businesses", params={"q": "优选"})

    assert page.status_code == 200
    item = page.json()["items"][0]
    assert item["name"] == "上海优选电子商务有限公司"
    assert item["accepted_12_months"] == 2
    for personal in ("张三丰", "13812345678", "138****5678", "南京东路"):
        assert personal not in page.text
