"""The report views on SQLite and PostgreSQL: built live and rebuilt from the log alike,
due days recomputed by a rebuild, and a penalised report in the credit ledger."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adapters.demo_data import DemoFactory
from adapters.demo_reports import STORIES, record_demo_reports
from adapters.settings import Settings
from adapters.views.reports import report_list, reporter_lookup
from api.bootstrap import wire

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def wiring(database_url, clock):
    clock.now = NOW
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def rows(wiring, table=report_list) -> list[tuple]:
    with wiring.engine.connect() as db:
        return [tuple(r) for r in db.execute(select(table).order_by(*table.primary_key))]


def test_a_rebuild_of_the_report_views_gives_back_exactly_what_was_built_live(wiring):
    factory = DemoFactory(seed=3, now=NOW)
    assert record_demo_reports(wiring.desk, factory) == len(STORIES)
    wiring.projections.catch_up()
    live, index = rows(wiring), rows(wiring, reporter_lookup)
    assert len(live) == len(STORIES)
    assert {r[2] for r in live} == {"received", "verifying", "case_opened", "not_opened",
                                    "referred", "closed"}
    read = wiring.projections.rebuild(["reports"])
    assert read >= sum(1 for _ in wiring.desk.recorder.select_notifications(start=1, limit=10**6))
    assert rows(wiring) == live and rows(wiring, reporter_lookup) == index
    # Real-name reporters are indexed by a keyed hash, anonymous ones not at all.
    assert 0 < len(index) < len(live)


def test_the_queue_and_figures_read_from_the_view(wiring):
    record_demo_reports(wiring.desk, DemoFactory(seed=3, now=NOW))
    wiring.projections.catch_up()
    views = wiring.report_views
    waiting = views.open_reports(NOW)
    assert [r.state for r in waiting].count("received") == 2
    # Received 24 days ago and still being verified, the letter about the beauty salon
    # is past its 15 working days.
    assert any(r.overdue and r.industry == "beauty" for r in waiting)
    figures = views.statistics(start=datetime(2026, 9, 1).date(), end=NOW.date())
    assert figures["received"] == len(STORIES)
    assert figures["by_decision"] == {"case_opened": 2, "not_opened": 1, "referred": 1}
    assert figures["case_opened_rate"] == round(2 / 3, 4)
    assert figures["verification_on_time_rate"] == 1.0


def test_a_penalised_report_adds_violation_confirmed_to_the_business_ledger(wiring):
    record_demo_reports(wiring.desk, DemoFactory(seed=3, now=NOW))
    wiring.projections.catch_up()
    penalised = [r for r in wiring.report_views.search(as_of=NOW, state="closed")[1]]
    assert len(penalised) == 1
    key = penalised[0].business_key
    entries = wiring.credit_ledger.entries(key, as_of=NOW.date())
    (confirmed,) = [e for e in entries if e.rule == "violation_confirmed"]
    assert confirmed.points == 10 and str(confirmed.complaint_id) == penalised[0].id
    assert wiring.credit_ledger.points(as_of=NOW.date(), keys=[key])[key] >= 10
    # The what-if reads reports too: the same rules give the same points.
    what_if = wiring.credit.what_if(_default_rules(), as_of=NOW.date())
    assert any(b.key == key and b.current_points == b.proposed_points >= 10
               for b in what_if.businesses)


def _default_rules() -> str:
    from pathlib import Path

    import adapters

    return (Path(adapters.__file__).parent / "data" / "credit_rules.toml").read_text()


def test_audit_verify_names_a_report_whose_stored_event_was_rewritten(wiring):
    import json

    from sqlalchemy import text

    from adapters.event_table import stored_events_by_complaint

    record_demo_reports(wiring.desk, DemoFactory(seed=3, now=NOW))
    desk = wiring.desk
    table = desk.recorder.events_table_name
    assert desk.verify_store(stored_events_by_complaint(wiring.engine, table)).intact
    target = next(e for e in desk.recorder.select_notifications(start=1, limit=100)
                  if e.topic.endswith("Report.CaseOpened"))
    # Someone with database access changes the case number, re-encrypting it properly
    # so that only the chain can tell.
    state = json.loads(desk.mapper.cipher.decrypt(target.state))
    state["case_number"] = "伪造"
    stored_id = str(target.originator_id) if wiring.settings.is_postgres \
        else target.originator_id.hex
    with wiring.engine.begin() as db:
        db.execute(text(f"UPDATE {table} SET state = :s WHERE originator_id = :i "
                        "AND originator_version = :v"),
                   {"s": desk.mapper.cipher.encrypt(json.dumps(state).encode()),
                    "i": stored_id, "v": target.originator_version})
    store = desk.verify_store(stored_events_by_complaint(wiring.engine, table))
    assert [(b.complaint_id, b.first_bad_version) for b in store.broken] == [
        (str(target.originator_id), target.originator_version)]
    assert not desk.verify(target.originator_id).intact


def test_without_a_follower_a_repeat_is_still_found_at_once(wiring):
    from domain.permissions import Actor
    from domain.report_intake import ReportIntake
    from domain.vocabulary import Role

    body = {"source": "phone", "reporter": {"name": "李四海", "phone": "13912345678"},
            "business": {"name": "上海某某超市有限公司"}, "facts": "销售过期牛奶",
            "office": "SH-PD", "received_at": NOW}
    operator = Actor("op01", Role.OPERATOR)
    assert not wiring.projections.following
    first = wiring.reports.receive(ReportIntake.parse(body, now=NOW, default_office=None),
                                   actor=operator)
    again = wiring.reports.receive(ReportIntake.parse(body, now=NOW, default_office=None),
                                   actor=operator)
    assert (first.outcome, again.outcome) == ("new", "repeat")
    assert again.report_id == first.report_id
