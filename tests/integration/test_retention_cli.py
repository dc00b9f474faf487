"""`complaints retention run` against a real store: erases once, shows progress, says what."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from adapters.settings import Settings
from api.bootstrap import wire
from api.cli import app
from domain.personal_data import ERASED
from tests.conftest import FrozenClock
from tests.integration.helpers import an_intake, mediator, operator, supervisor

runner = CliRunner()


def test_the_retention_run_erases_long_closed_cases_once_and_keeps_held_and_recent_ones(
        database_url, monkeypatch):
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    # Closed in 2022: past three years by the time the command runs (its clock is the
    # system's; the cases are dated by a clock of our own).
    clock = FrozenClock(datetime(2022, 6, 1, 9, 0, tzinfo=UTC))
    wiring = wire(Settings(), clock=clock)
    ids = []
    for _ in range(3):
        complaint_id = wiring.desk.file(an_intake(clock(), incident_date="2022-05-20"),
                                        actor=operator)
        wiring.desk.withdraw(complaint_id, actor=operator, note="已和解")
        ids.append(complaint_id)
    wiring.desk.place_legal_hold(ids[2], actor=supervisor, reference="（2022）沪01民初1号")
    clock.now = datetime.now(UTC)
    recent = wiring.desk.file(an_intake(clock()), actor=operator)
    wiring.desk.accept(recent, actor=operator)
    wiring.desk.assign(recent, actor=operator, mediator="med01")
    wiring.desk.resolve(recent, actor=mediator, outcome="refund", amount_recovered="1",
                        terms="退款")
    wiring.close()

    dry = runner.invoke(app, ["retention", "run", "--dry-run"])
    first = runner.invoke(app, ["retention", "run"])
    second = runner.invoke(app, ["retention", "run"])

    assert dry.exit_code == 0 and "3 closed complaints" in dry.output, dry.output
    assert first.exit_code == 0, first.output
    assert "erased 2, already erased 0, on legal hold 1" in first.output
    assert "erased 0, already erased 2, on legal hold 1" in second.output
    wiring = wire(Settings())
    try:
        names = [wiring.desk.get_complaint(i).consumer["name"] for i in [*ids, recent]]
        erased = wiring.desk.history(ids[0])[-1]
    finally:
        wiring.close()
    assert names == [ERASED, ERASED, "张三丰", "张三丰"]
    assert (erased.type, erased.actor["username"], erased.data["basis"]) == (
        "PersonalDataErased", "retention", "retention")
