"""A supervisor publishes a consumer warning; the public reads it without signing in."""

from __future__ import annotations

WARNING = {"title": "预付式消费风险提示", "message": "近期美容美发行业预付卡投诉增多，办卡前请核实经营者资质。",
           "scope": "industry", "key": "beauty", "label": "beauty",
           "valid_from": "2026-05-11", "valid_until": "2026-06-10"}


def test_a_published_warning_appears_on_the_public_page_and_api(api):
    refused = api.http.post("/api/v1/warnings", json=WARNING, headers=api.auth("op01"))
    invalid = api.http.post("/api/v1/warnings", json={**WARNING, "scope": "planet"},
                            headers=api.auth("sup01"))
    backwards = api.http.post("/api/v1/warnings", json={**WARNING, "valid_until": "2026-05-01"},
                              headers=api.auth("sup01"))
    unknown_flag = api.http.post("/api/v1/warnings", json={**WARNING, "flags": ["nope"]},
                                 headers=api.auth("sup01"))
    assert refused.status_code == 403
    assert invalid.status_code == 422 and backwards.status_code == 422
    assert backwards.json()["field"] == "valid_until"
    assert unknown_flag.status_code == 404
    assert all(r.headers["content-type"] == "application/problem+json"
               for r in (refused, invalid, backwards, unknown_flag))
    assert api.http.get("/api/v1/public/warnings").json()["items"] == []

    published = api.http.post("/api/v1/warnings", json=WARNING, headers=api.auth("sup01"))
    assert published.status_code == 201
    assert api.wiring.projections.wait_until(api.wiring.projections.head(), timeout=10)

    [item] = api.http.get("/api/v1/public/warnings").json()["items"]
    assert (item["title"], item["scope"], item["valid_until"]) == (
        WARNING["title"], "industry", "2026-06-10")
    page = api.http.get("/public/warnings")
    assert page.status_code == 200
    assert WARNING["message"] in page.text and "美容美发" in page.text
    assert "有效期" in page.text
