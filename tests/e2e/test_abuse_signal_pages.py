"""Signs of abuse are shown to the operator on the case page and the queue before the
decision, and counted in `/stats`; the desk never decides on them (Order 121 Art. 17)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.e2e.test_pages import desk, strict_catalogs  # noqa: F401 (fixtures)

ZH = tomllib.loads((Path(__file__).resolve().parents[2] / "api/i18n/zh.toml").read_text())


def test_a_shared_phone_is_shown_on_the_case_page_and_the_queue_and_nothing_is_decided(
        api, desk):
    first = api.file(consumer={"name": "甲某", "phone": "13955550000"})["id"]
    second = api.file(consumer={"name": "乙某", "phone": "13955550000"})["id"]
    plain = api.file(consumer={"name": "丙某", "phone": "13955550001"})["id"]
    api.wiring.projections.catch_up()

    page = desk["op01"].get(f"/cases/{first}")
    assert 'id="abuse-signs"' in page.text
    assert ZH["abuse_sign"]["shared_phone"] in page.text
    assert 'id="action-accept"' in page.text  # a prompt, never a decision
    assert api.view(first)["state"] == "filed"
    assert 'id="abuse-signs"' not in desk["op01"].get(f"/cases/{plain}").text

    queue = desk["op01"].get("/queue").text
    flagged = [line for line in queue.splitlines() if 'class="badge due-soon abuse-signs"' in line]
    assert len(flagged) == 2
    assert all(plain not in line for line in flagged)
    assert any(second in line for line in flagged)


def test_stats_count_decisions_with_signs_and_consumers_of_joint_complaints(api):
    from tests.e2e.conftest import JOINT

    shared = [api.file(consumer={"name": n, "phone": "13966660000"})["id"] for n in "甲乙"]
    api.command(shared[0], "reject", "op01", {"reason": "not_consumer_dispute"})
    api.file(joint=JOINT)
    api.wiring.projections.catch_up()
    stats = api.http.get("/api/v1/stats", params={"from": "2026-05-01", "to": "2026-05-31"},
                         headers=api.auth("sup01"))
    assert stats.status_code == 200, stats.text
    figures = stats.json()
    assert figures["received"] == 3
    assert figures["consumers"] == 5  # two single complaints, and a joint one of three
    assert figures["abuse_signs"]["with_signs"] == 1
    assert figures["abuse_signs"]["by_decision"] == {"rejected:not_consumer_dispute": 1}


def test_the_dashboard_counts_decisions_made_with_signs_and_what_was_decided(api, desk):
    shared = [api.file(consumer={"name": n, "phone": "13977770000"})["id"] for n in "甲乙"]
    api.command(shared[0], "reject", "op01", {"reason": "not_consumer_dispute"})
    api.command(shared[1], "accept", "op01")
    api.wiring.projections.catch_up()
    page = desk["sup01"].get("/dashboard").text
    section = page[page.index('id="abuse-decisions"'):]
    assert ZH["reject_reason"]["not_consumer_dispute"] in section
    assert ZH["state"]["accepted"] in section


def test_the_complaint_view_names_its_signs_to_operators_but_not_to_mediators(api):
    first = api.file(consumer={"name": "甲某", "phone": "13988880000"})["id"]
    api.file(consumer={"name": "乙某", "phone": "13988880000"})
    plain = api.file(consumer={"name": "丙某", "phone": "13988880001"})["id"]
    api.wiring.projections.catch_up()
    assert api.view(first, "op01")["abuse_signs"] == ["shared_phone"]
    assert api.view(plain, "op01")["abuse_signs"] == []
    api.command(first, "accept", "op01")
    api.command(first, "assign", "op01", {"mediator": "med01"})
    assert api.view(first, "med01")["abuse_signs"] == []
