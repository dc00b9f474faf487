"""Every input once found to answer 500, each now a clear 4xx naming what was wrong
(and recording nothing); on both backends."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import a_filing

DEEP = "x = " + "[" * 5000 + "]" * 5000
HUGE = "[rules.refused_mediation]\npoints = " + "9" * 5000 + "\n"

# (who, method, path, params or body, status, field)
CASES = [
    ("sup01", "GET", "/api/v1/timeliness", {"as_of": "0001-01-01T00:00:00+14:00"}, 422, "as_of"),
    ("sup01", "GET", "/api/v1/timeliness", {"as_of": "9999-12-31T23:59:59-14:00"}, 422, "as_of"),
    ("sup01", "GET", "/api/v1/timeliness", {"as_of": "0001-01-01T00:00:00Z"}, 422, "as_of"),
    ("sup01", "GET", "/api/v1/credit/model-candidates", {"as_of": "0001-01-01"}, 422, "as_of"),
    ("sup01", "GET", "/api/v1/credit/model-candidates", {"as_of": "9999-12-31"}, 422, "as_of"),
    ("sup01", "GET", "/api/v1/credit/watch-list", {"as_of": "0001-01-01"}, 422, "as_of"),
    ("sup01", "GET", "/api/v1/credit", {"as_of": "0001-01-01"}, 422, "as_of"),
    ("sup01", "GET", "/api/v1/businesses/91350100M000100Y43/credit", {"as_of": "0001-01-01"},
     422, "as_of"),
    ("sup01", "GET", "/api/v1/stats", {"from": "0001-01-01", "to": "9999-12-31"}, 422, "from"),
    ("sup01", "GET", "/api/v1/complaints/{id}", {"as_of": "0001-01-01T00:00:00+14:00"},
     422, "as_of"),
    ("sup01", "POST", "/api/v1/credit/what-if", {"rules": DEEP}, 422, "rules"),
    ("sup01", "POST", "/api/v1/credit/what-if", {"rules": HUGE}, 422, "rules"),
    ("sup01", "POST", "/api/v1/credit/what-if", {"rules": "", "as_of": "0001-01-01"},
     422, "as_of"),
    ("op01", "POST", "/api/v1/complaints",
     a_filing(received_at="0001-01-01T00:00:00+14:00"), 422, "received_at"),
    ("op01", "POST", "/api/v1/complaints",
     a_filing(received_at="9999-12-31T23:59:59-14:00"), 422, "received_at"),
    (None, "GET", "/api/v1/public/businesses", {"q": "\x00"}, 422, "q"),
    (None, "GET", "/api/v1/public/businesses", {"q": "优选\x00"}, 422, "q"),
    ("op01", "GET", "/api/v1/complaints", {"q": "\x00"}, 422, "q"),
    ("op01", "GET", "/api/v1/complaints", {"business": "a\x00b"}, 422, "business"),
    ("op01", "GET", "/api/v1/complaints", {"office": "\x00"}, 422, "office"),
    ("sup01", "GET", "/api/v1/timeliness", {"office": "\x00"}, 422, "office"),
    ("sup01", "GET", "/api/v1/audit/accounts", {"username": "\x00"}, 422, "username"),
    ("op01", "POST", "/api/v1/complaints",
     a_filing(description="坏点\u0000"), 422, "description"),
    ("op01", "POST", "/api/v1/complaints/{id}/notes", {"kind": "note", "text": "a\u0000"},
     422, "text"),
]


@pytest.mark.parametrize(("who", "method", "path", "data", "status", "field"), CASES,
                         ids=[f"{c[1]} {c[2]} {sorted(c[3])[:2]}" for c in CASES])
def test_an_input_that_once_answered_500_is_refused_naming_its_field(
        api, who, method, path, data, status, field):
    complaint_id = api.complaint_in("accepted") if "{id}" in path else None
    path = path.replace("{id}", complaint_id or "")
    before = api.http.get("/healthz").json().get("events")
    headers = api.auth(who)
    if method == "GET":
        response = api.http.get(path, params=data, headers=headers)
    else:
        response = api.http.post(path, json=data, headers=headers)

    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == field
    assert field in [e["field"] for e in problem.get("errors", [{"field": field}])]
    assert api.http.get("/healthz").json().get("events") == before  # nothing recorded


@pytest.mark.parametrize("page", ["/public?q=%00", "/public?q=%E4%BC%98%00",
                                  "/cases?q=%00", "/queue?office=%00"])
def test_pages_refuse_a_nul_byte_with_a_page_not_a_500(api, page):
    from fastapi.testclient import TestClient

    with TestClient(api.http.app) as browser:
        if not page.startswith("/public"):
            import re
            token = re.search(r'name="csrf" value="([^"]*)"', browser.get("/login").text)
            browser.post("/login", data={"csrf": token.group(1), "username": "op01",
                                         "password": "op01-correct-horse"})
        response = browser.get(page)
    assert 400 <= response.status_code < 500, response.text[:300]
