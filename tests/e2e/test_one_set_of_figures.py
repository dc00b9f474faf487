"""The supervisors' statistics, the dashboard and the public page show the same figures,
because they read one set of definitions (SPEC §5)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages.i18n import CATALOGS
from tests.e2e.conftest import _signed_in
from tests.e2e.test_pages import Browser


@pytest.fixture(autouse=True)
def strict_catalogs() -> Iterator[None]:
    CATALOGS.strict = True
    yield
    CATALOGS.strict = False


def tile(page: str, tile_id: str) -> str:
    found = re.search(rf'id="{tile_id}"><b>([^<]*)</b>', page)
    assert found, tile_id
    return found.group(1)


def test_the_dashboard_and_the_public_page_show_the_supervisors_figures(api, clock):
    decided_late = api.file()["id"]
    for state in ("resolved", "terminated", "escalated"):
        api.complaint_in(state)
    withdrawn = api.complaint_in("accepted")
    assert api.command(withdrawn, "withdraw", "op01", {"note": "消费者撤回"}).status_code == 200
    api.file()  # never decided: overdue by the end
    received = clock.now.date()
    clock.now += timedelta(days=20)
    _signed_in(api)  # the tokens of twenty days ago have expired
    assert api.command(decided_late, "accept", "op01").status_code == 200
    api.listed()
    period = {"from": (received - timedelta(days=1)).isoformat(),
              "to": clock.now.date().isoformat()}

    stats = api.http.get("/api/v1/stats", params=period, headers=api.auth("sup01")).json()
    public = api.http.get("/api/v1/public/businesses").json()["items"][0]
    with TestClient(create_app(api.wiring)) as a, TestClient(create_app(api.wiring)) as b:
        dashboard = Browser(a).sign_in("sup01").get("/dashboard").text
        public_page = Browser(b).get("/public").text

    # Five decisions, one late; the complaint never decided is overdue, not a decision.
    assert stats["acceptance_on_time_rate"] == "0.8000"
    assert tile(dashboard, "acceptance-on-time") == "80.0%"
    assert re.search(r'class="overdue"><b>([1-9]\d*)</b>', dashboard)
    office_row = re.search(r'<td data-key="SH-PD">浦东新区市场监督管理局</td>(.*?)</tr>', dashboard, re.S)
    assert office_row and "80.0%" in office_row.group(1)
    # Resolved, terminated, escalated: one in three; the withdrawal is beside it.
    assert stats["mediation_success_rate"] == public["mediation_success_rate"] == "0.3333"
    assert stats["mediation"]["withdrawn"] == public["withdrawn"] == 1
    assert tile(dashboard, "success-rate") == "33.3%"
    assert tile(dashboard, "withdrawals") == "1"
    assert "33.3%" in public_page
    assert stats["by_terminate_reason"] == {"business_refused": 1}
