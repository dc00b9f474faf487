"""Case numbers over HTTP: in the view and the list, found by q=, gapless when racing."""

from __future__ import annotations

from tests.e2e.conftest import a_filing
from tests.e2e.test_concurrency import race

RACERS = 6


def test_a_filing_answers_with_its_case_number_and_the_list_finds_it_exactly(api):
    first = api.file()
    second = api.file()

    assert (first["number"], second["number"]) == ("SH-PD-2026-000001", "SH-PD-2026-000002")
    assert api.view(second["id"])["number"] == "SH-PD-2026-000002"
    found = api.listed(q="SH-PD-2026-000002").json()
    assert [(i["id"], i["number"]) for i in found["items"]] == [
        (second["id"], "SH-PD-2026-000002")]
    assert api.listed(q="SH-PD-2026-000003").json()["total"] == 0


def test_operators_filing_at_the_same_moment_get_distinct_gapless_numbers(live_api):
    headers = live_api.auth("op01")

    def attempt(client):
        return client.post("/api/v1/complaints", json=a_filing(), headers=headers)

    responses = race(str(live_api.http.base_url), [attempt] * RACERS)

    assert [r.status_code for r in responses] == [201] * RACERS
    assert sorted(r.json()["number"] for r in responses) == [
        f"SH-PD-2026-{n:06d}" for n in range(1, RACERS + 1)]


def test_the_api_docs_page_and_its_assets_come_from_this_service(api):
    page = api.http.get("/docs")

    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"):
        assert asset in page.text
        assert api.http.get(asset).status_code == 200
