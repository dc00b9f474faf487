"""Lenient inputs are normalised or refused over HTTP, every bad field named at once;
and a business keyed by a name with "/" opens like any other."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.e2e.conftest import a_filing, password_of


def test_a_422_names_every_bad_field_at_once_and_the_first_on_top(api):
    body = a_filing(channel="phone", amount="1E+2", received_at="2001-01-01T00:00:00+08:00",
                    consumer={"name": "\u200b\u200b", "phone": "123"})
    response = api.http.post("/api/v1/complaints", json=body, headers=api.auth("op01"))

    assert response.status_code == 422
    problem = response.json()
    fields = [e["field"] for e in problem["errors"]]
    assert set(fields) == {"amount", "received_at", "consumer.name", "consumer.phone"}
    assert problem["field"] == fields[0]
    assert api.listed().json()["total"] == 0


def test_amounts_in_other_notations_are_refused_and_full_width_digits_are_read(api):
    for typed in ("1E+2", "1_000", "١٢٣"):
        response = api.http.post("/api/v1/complaints", json=a_filing(amount=typed),
                                 headers=api.auth("op01"))
        assert response.status_code == 422 and response.json()["field"] == "amount", typed
    assert api.file(amount="１２８０．００")["amount"] == "1280.00"


def test_a_json_body_in_utf_16_is_refused_as_malformed(api):
    raw = json.dumps(a_filing(), ensure_ascii=False)
    for encoding, content_type in (("utf-16", "application/json"),
                                   ("utf-16-le", "application/json"),
                                   ("utf-8", "application/json; charset=latin-1")):
        response = api.http.post("/api/v1/complaints", content=raw.encode(encoding),
                                 headers={**api.auth("op01"), "Content-Type": content_type})
        assert response.status_code == 400, (encoding, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert api.listed().json()["total"] == 0


def test_a_business_keyed_by_a_name_with_a_slash_opens_on_its_credit_route_and_page(api):
    complaint_id = api.file(business={"name": "A/B 电器 商行"})["id"]
    for command, who, body in (("accept", "op01", None),
                               ("assign", "op01", {"mediator": "med01"}),
                               ("terminate", "med01", {"reason": "business_refused"})):
        assert api.command(complaint_id, command, who, body).status_code == 200
    api.listed()
    key = api.view(complaint_id)["business"]["key"]
    assert "/" in key

    credit = api.http.get(f"/api/v1/businesses/{quote(key, safe='')}/credit",
                          headers=api.auth("sup01"))
    assert credit.status_code == 200, credit.text
    entry = next(e for e in credit.json()["entries"] if e["rule"] == "refused_mediation")

    with TestClient(api.http.app) as browser:
        token = re.search(r'name="csrf" value="([^"]*)"', browser.get("/login").text).group(1)
        browser.post("/login", data={"csrf": token, "username": "sup01",
                                     "password": password_of("sup01")})
        page = browser.get(f"/businesses/{quote(key, safe='')}")
        assert page.status_code == 200 and "A/B" in page.text
        token = re.search(r'name="csrf" value="([^"]*)"', page.text).group(1)
        voided = browser.post(f"/businesses/{quote(key, safe='')}/entries/{entry['id']}/void",
                              data={"csrf": token, "reason": "申诉成立"}, follow_redirects=False)
        assert voided.status_code == 303, voided.text[:300]
    after = api.http.get(f"/api/v1/businesses/{quote(key, safe='')}/credit",
                         headers=api.auth("sup01")).json()
    assert next(e for e in after["entries"] if e["id"] == entry["id"])["voided"]
