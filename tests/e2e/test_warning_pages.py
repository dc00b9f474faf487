"""Supervisors run the surge test and publish a warning from its flag; the public page shows it."""

from __future__ import annotations

from datetime import date, timedelta

from tests.e2e.test_pages import desk, strict_catalogs  # noqa: F401 (fixtures)
from tests.integration.test_consumer_warnings import SURGING, received

TESTED_WEEK = date(2026, 5, 4)  # the clock stands on Monday 11 May 2026


def test_a_supervisor_sees_the_flag_with_its_complaints_and_publishes_a_warning(api, desk):  # noqa: F811
    wiring = api.wiring
    for weeks_back in range(8, 0, -1):
        received(wiring, SURGING, "online_shopping",
                 TESTED_WEEK - timedelta(weeks=weeks_back) + timedelta(days=1), 1)
    behind = received(wiring, SURGING, "online_shopping", TESTED_WEEK + timedelta(days=2), 7)
    assert wiring.projections.wait_until(wiring.projections.head(), timeout=10)
    supervisor = desk["sup01"]

    assert desk["op01"].get("/warnings").status_code == 403
    ran = supervisor.post("/warnings/detect", {}, token_from="/warnings", follow_redirects=False)
    assert ran.status_code == 303
    page = supervisor.get(ran.headers["location"])
    assert "已完成检验" in page.text and SURGING["name"] in page.text
    assert all(f'href="/cases/{cid}"' in page.text for cid in behind)
    [flag] = wiring.warnings.flags()

    bad = supervisor.post("/warnings/publish", {
        "flag": flag["id"], "title": "网购消费提示", "message": "谨慎选购。",
        "valid_from": "2026-05-11", "valid_until": "2026-05-01"}, token_from="/warnings")
    assert bad.status_code == 422 and 'data-field="valid_until"' in bad.text
    done = supervisor.post("/warnings/publish", {
        "flag": flag["id"], "title": "网购消费提示", "message": "近期该经营者投诉明显增多，请谨慎选购。",
        "valid_from": "2026-05-11", "valid_until": "2026-06-10"}, token_from="/warnings",
        follow_redirects=False)
    assert done.status_code == 303

    public = api.http.get("/public/warnings")
    assert "近期该经营者投诉明显增多" in public.text and SURGING["name"] in public.text
    assert "已发布预警" in supervisor.get("/warnings").text
