"""Who sees a reporter (Order 121 Art. 37, SPEC §13): every route that returns a report,
against every role. The reporter's name, phone and ID number leave the desk in clear
only for the inspector handling the report and for supervisors; any other reader gets
them masked, lists are masked for everyone, and no response to anyone else carries the
clear values anywhere in its body.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.test_reports_api import a_report, command, rapi  # noqa: F401 (fixture)

NAME, PHONE, ID_NUMBER = "李四海", "13912345678", "11010519491231002X"
CLEAR = (NAME, PHONE, ID_NUMBER)
PEOPLE = ("anonymous", "op01", "med01", "insp01", "insp02", "sup01", "adm01")
# insp01 handles the report (began verifying it); insp02 is another inspector.
CLEAR_TO = {"insp01", "sup01"}


def _cell(method: str, path: str, readers: str, body: Any = None,
          params: Any = None) -> tuple[str, str, frozenset[str], Any, Any]:
    return method, path, frozenset(readers.split()), body, params


R = "/api/v1/reports"
ID = R + "/{report_id}"
# Each route that returns a report (or its history), and who may call it.
MATRIX = [
    _cell("GET", ID, "op01 insp01 insp02 sup01"),
    _cell("GET", R, "op01 insp01 insp02 sup01"),
    _cell("GET", R + "/timeliness", "op01 insp01 insp02 sup01"),
    _cell("GET", ID + "/history", "sup01"),
    _cell("GET", ID + "/verify", "sup01"),
    _cell("GET", R + "/stats", "sup01", params={"from": "2026-05-01", "to": "2026-05-31"}),
    _cell("POST", R, "op01 insp01 insp02 sup01", body="repeat"),
    _cell("POST", ID + "/extend", "sup01", body={"reason": "需检验"}),
]
# Commands of the handling inspector, each from a state where it is allowed.
COMMANDS = [
    ("verify", "received", {}, "insp01 insp02"),
    ("refer", "received", {"to": "上海市静安区市场监督管理局", "note": "不属本局管辖"},
     "insp01 insp02 sup01"),
    ("open-case", "verifying", {"case_number": "立案7号"}, "insp01 sup01"),
    ("decline", "verifying", {"reason": "无违法事实"}, "insp01 sup01"),
    ("notify-reporter", "case_opened", {"channel": "sms"}, "insp01 sup01"),
    ("close", "case_opened", {"outcome": "no_violation"}, "insp01 sup01"),
]


def _report_in(api: Api, state: str, phone: str = PHONE) -> str:
    made = api.http.post(R, json=a_report(reporter={"name": NAME, "phone": phone,
                                                     "id_number": ID_NUMBER}),
                         headers=api.auth("op01"))
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    if state in ("verifying", "case_opened"):
        assert command(api, rid, "verify", "insp01").status_code == 200
    if state == "case_opened":
        assert command(api, rid, "open-case", "insp01", {"case_number": "立案1号"}).status_code == 200
    return rid


def _clear_in(response: Any) -> list[str]:
    return [value for value in CLEAR if value in response.text]


def test_every_route_that_returns_a_report_shows_the_reporter_only_to_those_handling_it(rapi):
    rid = _report_in(rapi, "verifying")
    rapi.wiring.projections.wait_until(rapi.wiring.projections.head(), timeout=10)
    for method, path, readers, body, params in MATRIX:
        for who in PEOPLE:
            headers = rapi.auth(None if who == "anonymous" else who)
            url = path.replace("{report_id}", rid)
            if method == "GET":
                response = rapi.http.get(url, params=params, headers=headers)
            elif body == "repeat":  # the same reporter again: answered with the report
                response = rapi.http.post(url, json=a_report(office="SH-PD", reporter={
                    "name": NAME, "phone": PHONE, "id_number": ID_NUMBER}), headers=headers)
            else:
                response = rapi.http.post(url, json=body, headers=headers)
            if who == "anonymous":
                assert response.status_code == 401, (path, who)
                continue
            if who not in readers:
                assert response.status_code == 403, (path, who, response.text)
                assert not _clear_in(response)
                continue
            assert response.status_code in (200, 201), (path, who, response.text)
            single = path == ID or method == "POST"
            if single and who in CLEAR_TO:
                assert set(_clear_in(response)) >= {NAME, PHONE}, (path, who)
                assert response.json()["reporter_masked"] is False
            elif path.endswith("/history"):
                pass  # supervisors only: the full record, reporter included
            else:
                assert not _clear_in(response), (path, who, _clear_in(response))
            if single and who not in CLEAR_TO:
                assert response.json()["reporter"] == {"name": "李**", "phone": "139****5678",
                                                       "address": None, "id_number": None}
                assert response.json()["reporter_masked"] is True


@pytest.mark.parametrize("name,state,body,allowed", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_each_command_is_the_handling_inspectors_or_a_supervisors(rapi, name, state, body,
                                                                   allowed):
    for n, who in enumerate(PEOPLE):
        rid = _report_in(rapi, state, phone=f"1391234{n:04d}")  # a new reporter each time
        before = rapi.http.get(f"{R}/{rid}", headers=rapi.auth("sup01")).json()["version"]
        response = command(rapi, rid, name, None if who == "anonymous" else who, body)
        if who == "anonymous":
            assert response.status_code == 401
        elif who in allowed.split():
            assert response.status_code == 200, (name, who, response.text)
            shown = response.json()["reporter_masked"]
            # Whoever moved it sees the reporter only if that makes them the handler.
            assert shown is (who not in CLEAR_TO and not (name in ("verify", "refer")
                                                          and who.startswith("insp")))
        else:
            assert response.status_code == 403, (name, who, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            after = rapi.http.get(f"{R}/{rid}", headers=rapi.auth("sup01")).json()["version"]
            assert after == before  # nothing recorded


def test_the_reporter_is_sealed_at_rest_with_the_reports_own_data_key(rapi):
    from sqlalchemy import text

    rid = _report_in(rapi, "received")
    wiring = rapi.wiring
    with wiring.engine.connect() as db:
        keys = db.execute(text("SELECT complaint_id FROM data_keys")).scalars().all()
    assert rid in keys
    event = next(iter(wiring.desk.recorder.select_events(__import__("uuid").UUID(rid))))
    assert PHONE.encode() not in event.state and NAME.encode() not in event.state
    assert wiring.projections.wait_until(wiring.projections.head(), timeout=10)
    for table in ("report_list", "reporter_lookup"):
        with wiring.engine.connect() as db:
            rows = db.execute(text(f"SELECT * FROM {table}")).all()
        assert rows and not any(PHONE in str(r) or NAME in str(r) for r in rows)


def test_no_public_page_export_or_complaint_view_carries_a_reporter_or_the_facts(rapi):
    rid = _report_in(rapi, "case_opened")
    assert command(rapi, rid, "close", "insp01", {"outcome": "penalised"}).status_code == 200
    complaint_id = rapi.complaint_in("resolved")  # the same business, disclosed
    rapi.wiring.projections.wait_until(rapi.wiring.projections.head(), timeout=10)
    facts = "货架上销售过期牛奶"
    answers = [
        rapi.http.get("/api/v1/public/businesses", params={"q": "上海"}),
        rapi.http.get("/public", params={"q": "上海"}),
        rapi.http.get("/api/v1/exports/complaints", params={"format": "csv"},
                      headers=rapi.auth("sup01")),
        rapi.http.get(f"/api/v1/complaints/{complaint_id}", headers=rapi.auth("sup01")),
        rapi.http.get("/api/v1/complaints", headers=rapi.auth("sup01")),
        rapi.http.get("/api/v1/businesses/91350100M000100Y43/credit",
                      headers=rapi.auth("sup01")),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.request.url
        assert not _clear_in(answer) and facts not in answer.text, answer.request.url
