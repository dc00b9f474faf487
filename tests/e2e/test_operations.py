"""What operators of the service rely on: health, metrics, the OpenAPI document, request logs."""

from __future__ import annotations

import json
import logging

from api.logging import JsonLines
from tests.e2e.conftest import METRICS_TOKEN, a_filing


def test_health_says_the_store_answers_and_how_far_views_trail(api):
    api.file()
    health = api.http.get("/healthz")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok"
    assert body["events"] == 2  # the filing and the claim of its case number
    assert set(body["projection_lag"]) >= {"complaint_list"}


def test_an_app_made_from_settings_opens_and_closes_its_own_store(database_url):
    from fastapi.testclient import TestClient

    from adapters.settings import Settings
    from api.app import create_app
    from tests.e2e.conftest import SECRET

    with TestClient(create_app(Settings(database_url=database_url, secret_key=SECRET))) as client:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["events"] == 0
        assert client.get("/api/v1/complaints").status_code == 401


def test_metrics_count_requests_by_route_and_status_and_report_events_and_lag(api):
    complaint_id = api.file()["id"]
    api.command(complaint_id, "accept", "op01")
    api.command(complaint_id, "accept", "op01")  # refused: 409
    api.listed("op01")

    text = api.http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text

    assert ('http_requests_total{method="POST",route="/api/v1/complaints",status="201"} 1.0'
            in text)
    assert ('http_requests_total{method="POST",'
            'route="/api/v1/complaints/{complaint_id}/accept",status="409"} 1.0' in text)
    assert 'http_request_duration_seconds_bucket{le="0.1",method="POST",' in text
    assert "complaints_events_appended_total 2.0" in text
    assert "complaints_event_store_head 3.0" in text  # filed, its number claimed, accepted
    assert 'complaints_projection_lag_events{view="complaint_list"} 0.0' in text
    assert complaint_id not in text  # routes are templates: no ids, no unbounded labels


def test_the_openapi_document_describes_errors_as_problem_details(api):
    assert api.http.get("/docs").status_code == 200
    document = api.http.get("/openapi.json").json()
    accept = document["paths"]["/api/v1/complaints/{complaint_id}/accept"]["post"]
    for status in ("401", "403", "404", "409", "412", "413", "422"):
        assert list(accept["responses"][status]["content"]) == ["application/problem+json"]
    assert "ETag" in accept["responses"]["200"]["headers"]
    filing = document["paths"]["/api/v1/complaints"]["post"]
    assert "Location" in filing["responses"]["201"]["headers"]
    names = {p["name"] for p in filing["parameters"]}
    assert "Idempotency-Key" in names


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(JsonLines())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_request_logs_are_structured_and_carry_no_personal_data(api):
    lines = Lines()
    logging.getLogger("complaints").addHandler(lines)
    try:
        filed = api.file(consumer={"name": "欧阳娜娜", "phone": "15005912345",
                                   "id_number": "11010519491231002X"})
        api.http.post("/api/v1/complaints", headers=api.auth("op01"),
                      json=a_filing(consumer={"name": "欧阳娜娜", "phone": "150059"}))
        api.listed("op01", q="欧阳娜娜")
        api.view(filed["id"])
    finally:
        logging.getLogger("complaints").removeHandler(lines)

    requests = [json.loads(line) for line in lines.lines if '"complaints.requests"' in line]
    assert len(requests) >= 4
    first = requests[0]
    assert first["route"] == "/api/v1/complaints" and first["status"] == 201
    assert first["user"] == "op01" and first["ms"] >= 0 and first["request_id"]
    assert any(r.get("complaint_id") == filed["id"] for r in requests)
    everything = "\n".join(lines.lines)
    for personal in ("欧阳", "15005912345", "150059", "11010519491231002X"):
        assert personal not in everything


def test_every_answer_carries_a_request_id_and_api_answers_are_not_cached(api):
    response = api.http.get("/api/v1/complaints", headers=api.auth("op01", X_Request_ID="abc-123"))
    assert response.headers["X-Request-ID"] == "abc-123"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(api.http.get("/healthz").headers["X-Request-ID"]) == 16


def test_metrics_are_served_only_to_the_configured_scraper(api):
    staff = api.http.get("/metrics", headers=api.auth("sup01"))
    nobody = api.http.get("/metrics")
    scraper = api.http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert staff.status_code == 403 and nobody.status_code == 403
    assert staff.headers["content-type"] == "application/problem+json"
    assert scraper.status_code == 200 and "complaints_database_up 1.0" in scraper.text


def test_without_a_scraper_token_metrics_answer_only_on_this_machine(database_url):
    from fastapi.testclient import TestClient

    from adapters.settings import Settings
    from api.app import create_app
    from tests.e2e.conftest import SECRET

    app = create_app(Settings(database_url=database_url, secret_key=SECRET))
    with TestClient(app, client=("127.0.0.1", 40000)) as local, \
            TestClient(app, client=("203.0.113.9", 40000)) as remote:
        assert local.get("/metrics").status_code == 200
        assert remote.get("/metrics").status_code == 403
