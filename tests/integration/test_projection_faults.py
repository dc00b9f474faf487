"""An event a view cannot apply stops that view just before it, visibly, and no other.

The poison events here are real: one whose stored ciphertext no longer decrypts, and
on PostgreSQL a filing from before the name rule, whose normalised business name is
longer than the views' columns. Neither may freeze the desk, leak into the log, or
hide behind an `ok` health check.
"""

from __future__ import annotations

import dataclasses
import logging

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapters.projections import Projections
from adapters.settings import Settings
from adapters.views.complaint_list import ComplaintListView
from api.app import create_app
from api.bootstrap import wire
from api.cli import app as cli
from api.logging import JsonLines
from application.listing import ListFilter
from domain.intake import Business
from tests.integration.helpers import an_intake, operator
from tests.integration.test_audit_and_privacy import swap_stored_state

SECRET = "fault-test-signing-key-0123456789abcdef"
# ㍿ is one character that NFKC turns into four (株式会社): 51 of them make a key of 204.
LENGTHENING_NAME = "\u337f" * 51
DESCRIPTION = "消费者王小明反映商家拒绝退款，身份证号11010519491231002X"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(JsonLines())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    lines = Lines()
    logging.getLogger("adapters").addHandler(lines)
    logging.getLogger("adapters").setLevel(logging.INFO)
    try:
        yield lines.lines
    finally:
        logging.getLogger("adapters").removeHandler(lines)


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url, secret_key=SECRET), clock=clock)
    yield wiring
    wiring.close()


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def file(wiring, clock, **overrides):
    return wiring.desk.file(an_intake(clock(), description=DESCRIPTION, **overrides),
                            actor=operator)


def test_an_unreadable_event_stops_every_view_just_before_it_and_says_which(
        wiring, clock, log_lines):
    first = file(wiring, clock)
    garbled = file(wiring, clock)
    file(wiring, clock)
    swap_stored_state(wiring, garbled, 1, b"not what was written")
    projections = wiring.projections
    before_it = projections.positions()  # all 0
    projections.catch_up()

    positions = projections.positions()
    faults = {f.view: f for f in projections.faults()}
    # Each filing stores the complaint's event and its case-number claim: the garbled
    # event comes after both of the first filing's.
    garbled_at = next(n.id for n in wiring.desk.recorder.select_notifications(start=1, limit=50)
                      if n.originator_id == garbled and n.originator_version == 1)
    assert min(before_it.values()) < garbled_at - 1
    assert set(positions.values()) == {garbled_at - 1}
    assert set(faults) == set(projections.views)
    fault = faults["complaint_list"]
    assert (fault.notification_id, fault.originator_id, fault.originator_version) == (
        garbled_at, str(garbled), 1)
    assert fault.position == garbled_at - 1 and fault.attempts == 1
    assert [s.id for s in wiring.complaint_list.search(ListFilter()).items] == [str(first)]
    logged = "\n".join(log_lines)
    assert str(garbled) in logged and "cannot apply" in logged
    assert "王小明" not in logged and "11010519491231002X" not in logged


class PickyView(ComplaintListView):
    """The list view with a bug that one complaint's events trigger until it is fixed."""

    name = "picky_list"
    tables = ()

    def __init__(self, engine, index, refuses) -> None:
        super().__init__(engine, index)
        self.refuses = refuses

    def apply(self, db, page) -> None:
        for event, _ in page:
            if event.originator_id == self.refuses:
                raise ValueError(f"cannot handle {event.originator_id}")

    def clear(self, db) -> None:
        pass


def test_a_view_that_cannot_apply_an_event_backs_off_while_the_others_go_on(wiring, clock):
    before = file(wiring, clock)
    poison = file(wiring, clock)
    after = file(wiring, clock)
    index = wiring.complaint_list.index
    picky = PickyView(wiring.engine, index, refuses=poison)
    projections = Projections(wiring.desk, wiring.engine,
                              [ComplaintListView(wiring.engine, index), picky])
    projections.setup()
    monotonic = FakeMonotonic()
    projections.clock = monotonic

    projections.catch_up()
    head = projections.head()
    poison_at = next(n.id for n in wiring.desk.recorder.select_notifications(start=1, limit=50)
                     if n.originator_id == poison and n.originator_version == 1)
    assert projections.positions() == {"complaint_list": head, "picky_list": poison_at - 1}
    [fault] = projections.faults()
    assert (fault.view, fault.originator_id, fault.attempts) == ("picky_list", str(poison), 1)
    assert fault.error == "builtins.ValueError"

    # Not tried again until the back-off passes, then with a longer one.
    later = file(wiring, clock)  # its event and its case-number claim
    projections.catch_up()
    assert projections.faults()[0].attempts == 1
    assert projections.positions()["complaint_list"] == head + 2
    monotonic.now += 1.01
    projections.catch_up()
    assert projections.faults()[0].attempts == 2
    monotonic.now += 1.01
    projections.catch_up()
    assert projections.faults()[0].attempts == 2  # now waiting 2 s
    monotonic.now += 1.0
    projections.catch_up()
    assert projections.faults()[0].attempts == 3

    # Fixed (a new release of the view), it carries on from where it stopped.
    picky.refuses = None
    monotonic.now += 4.01
    projections.catch_up()
    assert projections.faults() == []
    assert projections.positions()["picky_list"] == projections.head()
    listed = {s.id for s in wiring.complaint_list.search(ListFilter()).items}
    assert {str(before), str(poison), str(after), str(later)} <= listed


def test_health_metrics_and_status_name_the_stopped_view_and_its_position(
        wiring, clock, monkeypatch, database_url):
    file(wiring, clock)
    garbled = file(wiring, clock)
    swap_stored_state(wiring, garbled, 1, b"garbled")
    wiring.projections.catch_up()
    stopped_at = wiring.projections.positions()["timeliness"]

    with TestClient(create_app(wiring), client=("127.0.0.1", 40000)) as http:
        health = http.get("/healthz")
        metrics = http.get("/metrics").text
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    status = CliRunner().invoke(cli, ["projections", "status"])

    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "degraded"
    named = {f["view"]: f for f in body["faults"]}
    assert named["timeliness"]["position"] == stopped_at
    assert named["timeliness"]["event"]["originator_id"] == str(garbled)
    assert 'complaints_projection_faulted{view="timeliness"} 1.0' in metrics
    assert (f'complaints_projection_fault_event{{view="timeliness"}} {stopped_at + 1}.0'
            in metrics)
    assert status.exit_code == 1
    assert "timeliness" in status.output and str(stopped_at + 1) in status.output


@pytest.mark.postgres
def test_a_filing_whose_normalised_name_overflows_the_views_stops_only_those_views(
        wiring, clock, database_url, monkeypatch, log_lines):
    if not wiring.settings.is_postgres:
        pytest.skip("SQLite does not enforce column lengths")
    intake = an_intake(clock(), description=DESCRIPTION)
    # Recorded as it was before the name rule refused it at intake.
    legacy = dataclasses.replace(intake, business=Business(name=LENGTHENING_NAME))
    poison = wiring.desk.file(legacy, actor=operator)
    fine = file(wiring, clock)
    wiring.projections.catch_up()

    faults = {f.view: f for f in wiring.projections.faults()}
    positions = wiring.projections.positions()
    head = wiring.projections.head()
    # The views that keep the business's key stop; the others go on.
    assert set(faults) == {"complaint_list", "credit_ledger", "statistics", "abuse_signals"}
    assert positions["timeliness"] == head  # it stores no business name: it goes on
    assert all(f.originator_id == str(poison) for f in faults.values())
    assert str(fine) not in {s.id for s in wiring.complaint_list.search(ListFilter()).items}
    logged = "\n".join(log_lines)
    assert "株式会社" not in logged and "王小明" not in logged and LENGTHENING_NAME not in logged

    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    rebuilt = CliRunner().invoke(cli, ["projections", "rebuild"])
    assert rebuilt.exit_code == 1
    assert "complaint_list stopped at position" in rebuilt.output
    assert wiring.projections.positions()["timeliness"] == head
