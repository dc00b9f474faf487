"""A business at the desk, over HTTP (SPEC §14): its account, its own complaints only,
and online pre-settlement from forwarding to the consumer's confirmation."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Api

USCC = "91350100M000100Y43"  # the business every a_filing() names
OTHER_USCC = "91110000600037341L"
PASSWORD = "biz-correct-horse-1"


def a_business(api: Api, username: str = "biz01", code: str = USCC) -> str:
    """An admin creates it, its holder activates it once and signs in."""
    created = api.http.post("/api/v1/accounts/business", headers=api.auth("adm01"), json={
        "username": username, "credit_code": code, "display_name": "上海优选"})
    assert created.status_code == 201, created.text
    token = created.json()["activation_token"]
    activated = api.http.post("/api/v1/auth/activate",
                              json={"token": token, "password": PASSWORD})
    assert activated.status_code == 200, activated.text
    signed_in = api.sign_in(username, PASSWORD)
    assert signed_in.status_code == 200, signed_in.text
    api.tokens[username] = signed_in.json()["access_token"]
    return username


def on_register(api: Api, code: str = USCC, start: str = "2026-05-01") -> None:
    response = api.http.post("/api/v1/odr/businesses", headers=api.auth("sup01"), json={
        "credit_code": code, "name": "上海优选电子商务有限公司", "start": start})
    assert response.status_code == 201, response.text


def forwarded(api: Api) -> str:
    complaint_id = api.file()["id"]
    response = api.command(complaint_id, "forward", "op01",
                           {"consent": True, "note": "消费者同意先行和解"})
    assert response.status_code == 200, response.text
    return complaint_id


def view(api: Api, complaint_id: str, as_: str) -> Any:
    return api.http.get(f"/api/v1/complaints/{complaint_id}", headers=api.auth(as_))


def test_a_business_account_opens_only_through_its_one_time_activation(api):
    created = api.http.post("/api/v1/accounts/business", headers=api.auth("adm01"), json={
        "username": "biz01", "credit_code": USCC.lower()})
    assert created.status_code == 201
    assert created.json()["credit_code"] == USCC
    token = created.json()["activation_token"]

    assert api.sign_in("biz01", PASSWORD).status_code == 401  # no password yet
    assert api.http.post("/api/v1/auth/activate",
                         json={"token": token, "password": "short"}).status_code == 422
    first = api.http.post("/api/v1/auth/activate", json={"token": token, "password": PASSWORD})
    assert first.json() == {"username": "biz01", "role": "business", "credit_code": USCC}
    again = api.http.post("/api/v1/auth/activate",
                          json={"token": token, "password": "another-password-2"})
    assert again.status_code == 409
    assert api.sign_in("biz01", "another-password-2").status_code == 401
    assert api.sign_in("biz01", PASSWORD).status_code == 200
    # An activation token is no bearer token.
    me = api.http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    kinds = [e["kind"] for e in api.http.get(
        "/api/v1/audit/accounts", params={"username": "biz01"},
        headers=api.auth("sup01")).json()]
    assert "activated" in kinds and "created" in kinds


def test_a_bad_credit_code_or_a_business_made_as_staff_is_refused(api):
    bad = api.http.post("/api/v1/accounts/business", headers=api.auth("adm01"),
                        json={"username": "biz09", "credit_code": "91350100M000100Y44"})
    assert bad.status_code == 422
    as_staff = api.http.post("/api/v1/accounts", headers=api.auth("adm01"), json={
        "username": "biz09", "role": "business", "password": "a-long-secret-1"})
    assert as_staff.status_code == 422
    assert api.sign_in("biz09", "a-long-secret-1").status_code == 401


def test_a_business_sees_its_own_complaints_with_name_and_phone_and_never_anothers(api):
    a_business(api)
    a_business(api, "biz02", OTHER_USCC)
    own = api.file()["id"]
    other = api.file(business={"name": "北京某某科技有限公司", "uscc": OTHER_USCC})["id"]

    mine = view(api, own, "biz01").json()
    assert mine["consumer"]["name"] == "张三丰" and mine["consumer"]["phone"] == "13812345678"
    assert mine["consumer"]["address"] is None and mine["consumer"]["id_number"] is None
    assert view(api, other, "biz01").status_code == 404
    assert view(api, own, "biz02").status_code == 404

    listed = api.listed("op01")  # waits for the list view
    assert listed.status_code == 200
    page = api.http.get("/api/v1/business/complaints", headers=api.auth("biz01")).json()
    assert [item["id"] for item in page["items"]] == [own]
    assert page["items"][0]["consumer"] == {"name": "张**", "phone": "138****5678"}
    assert api.http.get("/api/v1/complaints", headers=api.auth("biz01")).status_code == 403
    assert api.http.get(f"/api/v1/complaints/{own}/attachments",
                        headers=api.auth("biz01")).status_code == 403
    assert api.http.get(f"/api/v1/complaints/{other}/attachments",
                        headers=api.auth("biz01")).status_code == 404

    reads = [e for e in api.http.get("/api/v1/audit/accounts", params={
        "username": "biz01", "kind": "consumer_data_read"}, headers=api.auth("sup01")).json()]
    assert [e["detail"] for e in reads] == [f"complaint {own}"]


def test_an_odr_business_settles_before_the_decision_and_the_consumer_confirms(api):
    a_business(api)
    on_register(api)
    complaint_id = api.file()["id"]
    before = api.view(complaint_id)

    refused = api.command(complaint_id, "forward", "op01", {"consent": False})
    assert refused.status_code == 409
    assert api.view(complaint_id)["version"] == before["version"]

    moved = api.command(complaint_id, "forward", "op01", {"consent": True}).json()
    assert moved["state"] == "negotiating"
    assert moved["odr_due"] == "2026-05-25"  # 10 working days after Monday May 11
    assert moved["allowed_actions"] == ["withdraw", "business-reply", "return"]

    assert api.command(complaint_id, "confirm-settlement", "op01").status_code == 409
    replied = api.command(complaint_id, "business-reply", "biz01",
                          {"settled": True, "terms": "全额退款1280元", "amount": "1280.00"})
    assert replied.status_code == 200, replied.text
    assert api.view(complaint_id, "op01")["odr_reply"] == {
        "settled": True, "terms": "全额退款1280元", "amount": "1280.00"}

    done = api.command(complaint_id, "confirm-settlement", "op01", {"note": "消费者确认收到"})
    assert done.json()["state"] == "resolved"
    assert done.json()["outcome"]["outcome"] == "settled_by_business"
    assert done.json()["outcome"]["amount_recovered"] == "1280.00"

    api.listed()
    register = api.http.get("/api/v1/odr/businesses", headers=api.auth("op01")).json()
    assert register["businesses"][0]["forwarded"] == 1
    assert register["businesses"][0]["settlement_rate"] == 1.0
    assert register["settlement_rate"] == 1.0

    credit = api.http.get(f"/api/v1/businesses/{USCC}/credit", headers=api.auth("sup01"))
    assert credit.status_code == 200
    assert credit.json()["entries"] == []


def test_only_a_business_on_the_register_gets_complaints_forwarded(api):
    complaint_id = api.file()["id"]
    refused = api.command(complaint_id, "forward", "op01", {"consent": True})
    assert refused.status_code == 409
    assert refused.json()["type"] == "/problems/not-on-odr-register"
    on_register(api, start="2026-05-12")  # from tomorrow
    assert api.command(complaint_id, "forward", "op01", {"consent": True}).status_code == 409
    assert api.view(complaint_id)["state"] == "filed"


def test_another_business_cannot_answer_and_finds_nothing_there(api):
    a_business(api, "biz02", OTHER_USCC)
    on_register(api)
    complaint_id = forwarded(api)
    before = api.view(complaint_id)["version"]
    response = api.command(complaint_id, "business-reply", "biz02",
                           {"settled": True, "terms": "退款", "amount": "1"})
    assert response.status_code == 404
    assert api.view(complaint_id)["version"] == before


def test_a_business_keeps_only_its_own_register_entry(api):
    a_business(api)
    own = api.http.post("/api/v1/odr/businesses", headers=api.auth("biz01"), json={
        "credit_code": USCC, "name": "上海优选", "start": "2026-05-11"})
    assert own.status_code == 201
    other = api.http.post("/api/v1/odr/businesses", headers=api.auth("biz01"), json={
        "credit_code": OTHER_USCC, "name": "别人家", "start": "2026-05-11"})
    assert other.status_code == 403
    assert api.http.post("/api/v1/odr/businesses", headers=api.auth("op01"), json={
        "credit_code": OTHER_USCC, "name": "别人家", "start": "2026-05-11"}).status_code == 403


def test_an_unsettled_answer_or_a_lapsed_window_sends_the_complaint_back_with_a_fresh_clock(
        api, clock):
    a_business(api)
    on_register(api)
    answered = forwarded(api)
    silent = forwarded(api)
    api.command(answered, "business-reply", "biz01",
                {"settled": False, "terms": "不同意退款", "amount": "0"})
    back = api.command(answered, "return", "op01", {"note": "商家不同意"}).json()
    assert back["state"] == "filed" and back["odr_due"] is None

    api.listed()
    clock.advance(days=14)  # Monday May 25 is the window's last day: not over yet
    assert api.wiring.odr.sweep().returned == []
    clock.advance(days=1)  # Tuesday May 26
    api.listed()
    first = api.wiring.odr.sweep()
    assert first.returned == [silent]
    assert api.wiring.odr.sweep().returned == []  # a second run changes nothing
    lapsed = api.view(silent)
    assert lapsed["state"] == "filed"
    assert lapsed["acceptance_due"] == "2026-06-04"  # 7 working days from Tuesday May 26
    assert [h["type"] for h in api.history(silent)][-1] == "ReturnedFromNegotiation"
    assert api.history(silent)[-1]["data"]["lapsed"] is True
    api.listed()
    register = api.http.get("/api/v1/odr/businesses", headers=api.auth("sup01")).json()
    assert register["businesses"][0]["forwarded"] == 2
    assert register["businesses"][0]["settled"] == 0


def test_the_timeliness_view_shows_the_odr_window_as_a_clock_of_its_own(api):
    on_register(api)
    complaint_id = forwarded(api)
    api.listed()
    response = api.http.get("/api/v1/timeliness", params={"clock": "odr"},
                            headers=api.auth("sup01"))
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(i["id"], i["clock"], i["due"]) for i in items] == [
        (complaint_id, "odr", "2026-05-25")]
    acceptance = api.http.get("/api/v1/timeliness", params={"clock": "acceptance"},
                              headers=api.auth("sup01")).json()["items"]
    assert complaint_id not in [i["id"] for i in acceptance]  # stopped while negotiating


def test_several_sweepers_at_once_return_each_lapsed_complaint_exactly_once(api, clock):
    import threading

    on_register(api)
    lapsing = [forwarded(api) for _ in range(3)]
    api.listed()
    clock.advance(days=15)
    results: list[list[str]] = []
    start = threading.Barrier(3)

    def sweep() -> None:
        start.wait()
        results.append(api.wiring.odr.sweep().returned)

    workers = [threading.Thread(target=sweep) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    returned = [key for result in results for key in result]
    assert sorted(returned) == sorted(lapsing)
    for complaint_id in lapsing:
        kinds = [h["type"] for h in api.history(complaint_id)]
        assert kinds.count("ReturnedFromNegotiation") == 1
        assert api.view(complaint_id)["state"] == "filed"


def pledge(api: Api, who: str, code: str = USCC, **overrides: Any) -> Any:
    body = {"kind": "compensation_first", "start": "2026-05-01", "end": "2027-04-30",
            **overrides}
    return api.http.post(f"/api/v1/businesses/{code}/pledges", json=body,
                         headers=api.auth(who))


def test_a_business_keeps_its_own_pledges_which_are_public(api):
    a_business(api)
    assert pledge(api, "biz01").status_code == 201
    assert pledge(api, "sup01", kind="odr", start="2026-06-01").status_code == 201
    assert pledge(api, "biz01", OTHER_USCC).status_code == 403
    assert pledge(api, "op01").status_code == 403
    assert pledge(api, "biz01", kind="free_lunch").status_code == 422
    assert pledge(api, "biz01", start="2026-06-01", end="2026-05-01").status_code == 422

    shown = api.http.get(f"/api/v1/public/businesses/{USCC}/pledges").json()
    assert [(p["kind"], p["in_force"]) for p in shown] == [
        ("compensation_first", True), ("odr", False)]  # the ODR pledge starts in June
    assert api.http.get(f"/api/v1/businesses/{USCC}/pledges",
                        headers=api.auth("med01")).json() == shown


def test_a_supervisor_designates_a_model_business_only_among_candidates_and_may_revoke(api):
    for _ in range(3):
        complaint_id = api.complaint_in("accepted")
        api.command(complaint_id, "resolve", "op01",
                    {"outcome": "refund", "amount_recovered": "100", "terms": "退款"})
        api.command(complaint_id, "satisfaction", "op01", {"level": "satisfied"})
    api.listed()
    decide = {"designated": True, "reason": "投诉处理及时，承诺先行赔付"}
    not_yet = api.http.post(f"/api/v1/businesses/{USCC}/model", json=decide,
                            headers=api.auth("sup01"))
    assert not_yet.status_code == 409  # no pledge in force yet
    assert api.http.get("/api/v1/public/model-businesses").json() == []

    assert pledge(api, "sup01").status_code == 201
    assert api.http.post(f"/api/v1/businesses/{USCC}/model", json=decide,
                         headers=api.auth("op01")).status_code == 403
    made = api.http.post(f"/api/v1/businesses/{USCC}/model", json=decide,
                         headers=api.auth("sup01"))
    assert made.status_code == 200, made.text
    models = api.http.get("/api/v1/public/model-businesses").json()
    assert [(m["credit_code"], m["name"]) for m in models] == [
        (USCC, "上海优选电子商务有限公司")]
    assert "放心消费示范" in api.http.get("/public").text

    revoked = api.http.post(f"/api/v1/businesses/{USCC}/model", headers=api.auth("sup01"),
                            json={"designated": False, "reason": "承诺到期未续"})
    assert revoked.status_code == 200
    assert api.http.get("/api/v1/public/model-businesses").json() == []


def test_the_public_disclosure_shows_the_settlement_rate_and_no_grade_without_the_setting(api):
    a_business(api)
    on_register(api)
    settled = forwarded(api)
    api.command(settled, "business-reply", "biz01", {"settled": True, "terms": "退款",
                                                      "amount": "10"})
    api.command(settled, "confirm-settlement", "op01")
    accepted = api.complaint_in("accepted")  # the disclosure lists businesses with acceptances
    assert accepted
    api.listed()
    page = api.http.get("/api/v1/public/businesses").json()
    ours = next(b for b in page["items"] if b["key"] == USCC)
    assert ours["grade"] is None and page["show_grade"] is False
    assert (ours["odr_forwarded"], ours["odr_settlement_rate"]) == (1, 1.0)
    html = api.http.get("/public").text
    assert "先行和解率" in html and "100.0%" in html and "信用等级" not in html


def test_a_supervisor_withholds_a_business_from_disclosure_with_a_reason(api):
    api.complaint_in("accepted")
    api.complaint_in("accepted")
    other = api.complaint_in("accepted")
    assert other
    api.file(business={"name": "北京某某科技有限公司", "uscc": OTHER_USCC})
    api.listed()
    before = api.http.get("/api/v1/public/businesses").json()
    assert USCC in [b["key"] for b in before["items"]]

    path = f"/api/v1/businesses/{USCC}/disclosure"
    assert api.http.post(path, json={"withheld": True, "reason": "涉及商业秘密"},
                         headers=api.auth("op01")).status_code == 403
    assert api.http.post(path, json={"withheld": True, "reason": ""},
                         headers=api.auth("sup01")).status_code == 422
    assert api.http.post(path, json={"withheld": True, "reason": "涉及商业秘密"},
                         headers=api.auth("sup01")).status_code == 204
    hidden = api.http.get("/api/v1/public/businesses").json()
    assert USCC not in [b["key"] for b in hidden["items"]]
    assert hidden["total"] == before["total"] - 1
    assert api.http.get("/api/v1/public/businesses", params={"q": USCC}).json()["items"] == []

    assert api.http.post(path, json={"withheld": False, "reason": "保密期满"},
                         headers=api.auth("sup01")).status_code == 204
    again = api.http.get("/api/v1/public/businesses").json()
    assert USCC in [b["key"] for b in again["items"]]


def test_a_lapsed_odr_window_is_the_businesss_and_not_held_against_the_office(api, clock):
    on_register(api)
    forwarded(api)
    api.listed()
    clock.advance(days=15)  # the window lapsed, not yet swept
    api.listed()
    summary = api.http.get("/api/v1/timeliness", headers=api.auth("sup01")).json()
    [office] = [o for o in summary["offices"] if o["key"] == "SH-PD"]
    assert [(c["clock"], c["overdue"]) for c in office["clocks"]] == [
        ("acceptance", 0), ("odr", 1)]
    assert office["overdue"] == 0


def test_a_pre_settled_complaint_is_closed_in_the_figures_but_never_a_mediation(api):
    a_business(api)
    on_register(api)
    settled = forwarded(api)
    api.command(settled, "business-reply", "biz01", {"settled": True, "terms": "退款",
                                                      "amount": "10"})
    api.command(settled, "confirm-settlement", "op01")
    api.file()  # still filed
    api.listed()
    stats = api.http.get("/api/v1/stats", params={"from": "2026-05-01", "to": "2026-05-31"},
                         headers=api.auth("sup01")).json()
    assert stats["received"] == 2 and stats["closure_rate"] == "0.5000"
    assert stats["mediation_success_rate"] is None  # nothing accepted, nothing mediated


def test_the_what_if_covers_rules_on_pre_settlement_and_a_settled_case_never_charges(api, clock):
    import adapters
    from pathlib import Path

    a_business(api)
    on_register(api)
    settled = forwarded(api)
    api.command(settled, "business-reply", "biz01", {"settled": True, "terms": "退款",
                                                      "amount": "10"})
    api.command(settled, "confirm-settlement", "op01")
    forwarded(api)  # this one the business leaves unanswered
    api.listed()
    clock.advance(days=15)
    assert len(api.wiring.odr.sweep().returned) == 1
    api.listed()
    assert api.http.get(f"/api/v1/businesses/{USCC}/credit",
                        headers=api.auth("sup01")).json()["entries"] == []

    rules = (Path(adapters.__file__).parent / "data" / "credit_rules.toml").read_text()
    rules = rules.replace('version = "spec4-default-2026.2"', 'version = "odr-test"') + (
        '\n[[rule]]\nid = "odr_unanswered"\ntrigger = "ReturnedFromNegotiation"\n'
        'when = { lapsed = true }\npoints = 3\n'
        '\n[[rule]]\nid = "any_resolution"\ntrigger = "Resolved"\npoints = 4\n')
    answer = api.http.post("/api/v1/credit/what-if", json={"rules": rules},
                           headers=api.auth("sup01"))
    assert answer.status_code == 200, answer.text
    ours = {b["key"]: b for b in answer.json()["businesses"]}[USCC]
    # 3 for the lapsed window; nothing for the complaint the business settled itself.
    assert ours["proposed_points"] == 3
