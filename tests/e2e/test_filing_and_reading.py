"""Filing a complaint and reading it back over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.e2e.conftest import a_filing


def test_an_operator_files_a_complaint_and_gets_its_view_location_and_version(api):
    response = api.http.post("/api/v1/complaints", json=a_filing(), headers=api.auth("op01"))

    assert response.status_code == 201
    view = response.json()
    assert response.headers["Location"] == f"/api/v1/complaints/{view['id']}"
    assert response.headers["ETag"] == '"1"'
    assert view["state"] == "filed"
    assert view["version"] == 1
    assert view["office"] == "SH-PD"  # the operator's own office, as none was given
    assert view["mediator"] is None
    assert view["suspended"] is False
    assert view["amount"] == "1280.00"
    assert view["business"]["key"] == "91350100M000100Y43"
    assert view["consumer"] == {"name": "张三丰", "phone": "13812345678",
                                "address": "上海市黄浦区南京东路1号", "id_number": None}
    # A district office decides or sends the complaint back; only the intake centre
    # dispatches (Order 121 Art. 41).
    assert sorted(view["allowed_actions"]) == ["accept", "change-request", "forward", "reject",
                                               "request-identity", "return-to-intake",
                                               "withdraw"]

    again = api.http.get(response.headers["Location"], headers=api.auth("op01"))
    assert again.status_code == 200
    assert again.headers["ETag"] == '"1"'
    assert again.json() == view


def test_an_office_given_in_the_body_wins_over_the_operators_own(api):
    assert api.file(office="SH-XH")["office"] == "SH-XH"


def test_a_bad_field_is_a_422_that_names_it_and_nothing_is_recorded(api):
    cases = [
        (a_filing(consumer={"name": "张三", "phone": "12345"}), "consumer.phone"),
        (a_filing(business={"name": "某公司", "uscc": "91350100M000100Y44"}), "business.uscc"),
        (a_filing(channel="fax"), "channel"),
        (a_filing(amount="-3"), "amount"),
        (a_filing(amount=12.5), "amount"),  # floats are refused: money is a decimal string
        (a_filing(received_at="2099-01-01T00:00:00+08:00"), "received_at"),
        (a_filing(description=""), "description"),
        (a_filing(description="字" * 5001), "description"),
        ({k: v for k, v in a_filing().items() if k != "request"}, "request"),
    ]
    for body, field in cases:
        response = api.http.post("/api/v1/complaints", json=body, headers=api.auth("op01"))
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 422
        assert problem["field"] == field
        assert field in problem["detail"]
        # The submitted values are never echoed back.
        assert "12345" not in response.text and "张三" not in response.text

    assert api.listed("sup01").json()["total"] == 0


def test_a_malformed_body_is_a_400_and_an_oversized_one_a_413(api):
    malformed = api.http.post("/api/v1/complaints", content=b'{"channel": "phone",',
                              headers=api.auth("op01", content_type="application/json"))
    assert malformed.status_code == 400
    assert malformed.headers["content-type"] == "application/problem+json"

    huge = a_filing(description="字" * 400_000)  # about 1.2 MB of UTF-8
    oversized = api.http.post("/api/v1/complaints", json=huge, headers=api.auth("op01"))
    assert oversized.status_code == 413
    assert oversized.json()["status"] == 413

    assert api.listed("sup01").json()["total"] == 0


def test_an_unknown_complaint_is_a_404_and_a_malformed_id_a_422(api):
    unknown = api.http.get("/api/v1/complaints/00000000-0000-4000-8000-000000000000",
                           headers=api.auth("op01"))
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "/problems/not-found"

    malformed = api.http.get("/api/v1/complaints/not-a-uuid", headers=api.auth("op01"))
    assert malformed.status_code == 422
    assert malformed.json()["field"] == "complaint_id"


def test_the_list_masks_personal_data_and_filters(api):
    first = api.file()
    api.file(office="SH-XH", business={"name": "外滩小笼包餐饮店"}, industry="catering",
             consumer={"name": "欧阳娜娜", "phone": "15005912345"},
             description="在店内用餐时发现菜品中有异物。")
    api.command(first["id"], "accept", "op01")

    page = api.listed("op01").json()
    assert page["total"] == 2
    assert {item["consumer"]["name"] for item in page["items"]} == {"张**", "欧***"}
    assert {item["consumer"]["phone"] for item in page["items"]} == {"138****5678", "150****2345"}
    assert "13812345678" not in str(page) and "张三丰" not in str(page)

    accepted = api.listed("op01", state="accepted").json()
    assert [item["id"] for item in accepted["items"]] == [first["id"]]
    assert api.listed("op01", office="SH-XH").json()["total"] == 1
    assert api.listed("op01", business="外滩").json()["total"] == 1
    assert api.listed("op01", q="坏点").json()["total"] == 1
    assert api.listed("op01", per_page=1, page=2).json()["items"][0]["id"] in (
        first["id"], page["items"][1]["id"])

    bad = api.listed("op01", state="lost")
    assert bad.status_code == 422 and bad.json()["field"] == "state"
    assert api.listed("op01", per_page=0).json()["field"] == "per_page"


def test_a_mediator_lists_and_reads_only_their_own_cases(api):
    mine = api.complaint_in("mediated")
    others = api.file()["id"]

    page = api.listed("med01").json()
    assert [item["id"] for item in page["items"]] == [mine]
    assert api.listed("med02").json()["total"] == 0
    assert api.listed("med02", mediator="med01").status_code == 403

    assert api.http.get(f"/api/v1/complaints/{mine}", headers=api.auth("med01")).status_code == 200
    assert api.http.get(f"/api/v1/complaints/{mine}", headers=api.auth("med02")).status_code == 403
    assert api.http.get(f"/api/v1/complaints/{others}",
                        headers=api.auth("med01")).status_code == 403


def test_a_supervisor_reads_the_history_and_any_past_state(api, clock):
    complaint_id = api.file()["id"]
    filed_at = clock()
    clock.advance(hours=2)
    api.command(complaint_id, "accept", "op01")
    clock.advance(hours=2)
    api.command(complaint_id, "assign", "op01", {"mediator": "med01"})

    history = api.history(complaint_id)
    assert [item["type"] for item in history] == ["Filed", "Accepted", "MediatorAssigned"]
    assert [item["version"] for item in history] == [1, 2, 3]
    assert history[1]["actor"] == {"username": "op01", "role": "operator"}
    assert history[2]["data"]["mediator"] == "med01"
    assert all(item["hash"] for item in history)

    by_version = api.http.get(f"/api/v1/complaints/{complaint_id}", params={"as_of": 2},
                              headers=api.auth("sup01"))
    assert by_version.json()["state"] == "accepted"
    assert by_version.headers["ETag"] == '"2"'
    at_filing = api.http.get(f"/api/v1/complaints/{complaint_id}",
                             params={"as_of": (filed_at).isoformat()}, headers=api.auth("sup01"))
    assert at_filing.json()["state"] == "filed"
    before = api.http.get(f"/api/v1/complaints/{complaint_id}",
                          params={"as_of": "2020-01-01T00:00:00+08:00"}, headers=api.auth("sup01"))
    assert before.status_code == 404
    nonsense = api.http.get(f"/api/v1/complaints/{complaint_id}", params={"as_of": "yesterday"},
                            headers=api.auth("sup01"))
    assert nonsense.status_code == 422 and nonsense.json()["field"] == "as_of"

    for who in ("op01", "med01"):
        assert api.http.get(f"/api/v1/complaints/{complaint_id}/history",
                            headers=api.auth(who)).status_code == 403
        assert api.http.get(f"/api/v1/complaints/{complaint_id}", params={"as_of": 1},
                            headers=api.auth(who)).status_code == 403
