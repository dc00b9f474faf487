"""Consumer warnings (Order 121 Art. 38): surges flagged from weekly counts, published
for the public; every flag and publication an event."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.settings import Settings
from api.bootstrap import wire
from application.warnings import FlagNotFound
from domain.complaint import Complaint
from domain.errors import InvalidValue, NotPermitted
from tests.integration.helpers import an_intake, operator, supervisor

TESTED_WEEK = date(2026, 11, 16)  # Monday; the clock stands on Wednesday 25 November
SURGING = {"name": "申城好物网络科技有限公司", "uscc": None}
STEADY = {"name": "老弄堂餐饮管理有限公司", "uscc": None}
NEW = {"name": "外滩小笼包餐饮店", "uscc": None}


@pytest.fixture
def wiring(database_url, clock):
    clock.now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    wired = wire(Settings(database_url=database_url), clock=clock)
    yield wired
    wired.close()


def received(wiring, business, industry, day: date, n: int) -> list:
    complaints = []
    for i in range(n):
        at = datetime(day.year, day.month, day.day, 2, i, tzinfo=UTC)
        intake = an_intake(wiring.desk.clock(), received_at=at.isoformat(), industry=industry,
                           business=business)
        complaints.append(Complaint.file(intake, actor=operator, at=at, tz=wiring.desk.tz))
    wiring.desk.record(*complaints)
    return [str(c.id) for c in complaints]


def history(wiring) -> dict[str, list[str]]:
    """Per subject, the ids of complaints in the tested week."""
    behind = {}
    for weeks_back in range(8, 0, -1):
        monday = TESTED_WEEK - timedelta(weeks=weeks_back)
        received(wiring, SURGING, "online_shopping", monday + timedelta(days=1), 1)
        received(wiring, STEADY, "catering", monday + timedelta(days=2), 2)
    behind["surging"] = received(wiring, SURGING, "online_shopping", TESTED_WEEK + timedelta(days=3), 8)
    received(wiring, STEADY, "catering", TESTED_WEEK + timedelta(days=1), 3)
    received(wiring, NEW, "catering", TESTED_WEEK + timedelta(days=4), 4)  # tiny: never a flag
    # This week's complaints (not complete yet) are not tested.
    received(wiring, STEADY, "catering", date(2026, 11, 24), 9)
    wiring.projections.catch_up()
    return behind


def test_a_business_well_above_its_own_baseline_is_flagged_with_the_complaints_behind_it(wiring):
    behind = history(wiring)

    found = wiring.warnings.detect(actor=supervisor)
    wiring.projections.catch_up()

    assert found.week_start == TESTED_WEEK
    assert found.tested == 7  # three businesses, two industries, two kinds of problem
    [flag] = wiring.warnings.flags()
    assert (flag["kind"], flag["label"], flag["observed"], flag["baseline"]) == (
        "business", SURGING["name"], 8, "1.0")
    assert float(flag["p_value"]) < 0.001
    assert sorted(flag["complaint_ids"]) == sorted(behind["surging"])
    [event] = list(wiring.desk.events.get(found.raised[0]))
    assert type(event).__name__ == "Raised" and event.actor == supervisor.as_data()
    assert event.rule["min_ratio"] == 3.0 and event.baseline == Decimal("1.0")


def test_detecting_the_same_week_again_raises_nothing_new(wiring):
    history(wiring)
    wiring.warnings.detect(actor=supervisor)
    head = wiring.projections.head()

    again = wiring.warnings.detect(actor=supervisor, week_start=TESTED_WEEK + timedelta(days=2))

    assert again.raised == [] and wiring.projections.head() == head


def test_only_a_complete_week_is_tested_and_only_by_a_supervisor(wiring):
    with pytest.raises(InvalidValue, match="complete week"):
        wiring.warnings.detect(actor=supervisor, week_start=date(2026, 11, 23))
    with pytest.raises(NotPermitted):
        history(wiring)
        wiring.warnings.detect(actor=operator)


def test_a_published_warning_is_an_event_and_shows_only_while_in_force(wiring, clock):
    history(wiring)
    flag_id = str(wiring.warnings.detect(actor=supervisor).raised[0])
    wiring.projections.catch_up()

    warning_id = wiring.warnings.publish(
        actor=supervisor, title="网购电子产品消费提示", message="近期针对该经营者的投诉明显增多，请谨慎选购。",
        valid_from=date(2026, 11, 25), valid_until=date(2026, 12, 24), flag_ids=[flag_id])
    wiring.projections.catch_up()

    [shown] = wiring.warnings.in_force()
    assert (shown["id"], shown["scope"], shown["label"]) == (
        str(warning_id), "business", SURGING["name"])
    assert wiring.warnings.flags()[0]["warning_id"] == str(warning_id)
    [event] = list(wiring.desk.events.get(warning_id))
    assert type(event).__name__ == "Published" and event.actor == supervisor.as_data()
    assert event.message.startswith("近期")  # stored as written, for the public
    clock.now = datetime(2026, 12, 25, 2, 0, tzinfo=UTC)
    assert wiring.warnings.in_force() == []


def test_a_warning_is_refused_with_bad_dates_an_unknown_flag_or_the_wrong_role(wiring):
    common = {"title": "提示", "message": "内容", "scope": "industry", "key": "catering",
              "label": "catering", "flag_ids": []}
    with pytest.raises(InvalidValue, match="valid_until"):
        wiring.warnings.publish(actor=supervisor, valid_from=date(2026, 12, 1),
                                valid_until=date(2026, 11, 30), **common)
    with pytest.raises(InvalidValue, match="valid_from"):
        wiring.warnings.publish(actor=supervisor, valid_from=date(2026, 10, 1),
                                valid_until=date(2026, 11, 30), **common)
    with pytest.raises(FlagNotFound):
        wiring.warnings.publish(actor=supervisor, valid_from=date(2026, 12, 1),
                                valid_until=date(2026, 12, 30),
                                **{**common, "flag_ids": ["no-such-flag"]})
    with pytest.raises(NotPermitted):
        wiring.warnings.publish(actor=operator, valid_from=date(2026, 12, 1),
                                valid_until=date(2026, 12, 30), **common)
    wiring.projections.catch_up()
    assert wiring.warnings.all_warnings() == []


def test_the_detect_command_prints_the_new_flags(database_url, monkeypatch, clock):
    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    clock.now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    wired = wire(Settings(database_url=database_url), clock=clock)
    try:
        history(wired)
    finally:
        wired.close()

    result = CliRunner().invoke(app, ["warnings", "detect", "--by", "sup01",
                                      "--week", TESTED_WEEK.isoformat()])
    again = CliRunner().invoke(app, ["warnings", "detect", "--by", "sup01",
                                     "--week", TESTED_WEEK.isoformat()])

    assert result.exit_code == 0, result.output
    assert "1 new flags" in result.output and SURGING["name"] in result.output
    assert "0 new flags" in again.output


def test_flags_and_warnings_are_chained_like_every_event_and_verify(database_url, monkeypatch,
                                                                    wiring):
    from typer.testing import CliRunner

    from api.cli import app

    history(wiring)
    flag_id = str(wiring.warnings.detect(actor=supervisor).raised[0])
    wiring.projections.catch_up()
    wiring.warnings.publish(actor=supervisor, title="提示", message="请谨慎消费。",
                            valid_from=date(2026, 11, 25), valid_until=date(2026, 12, 24),
                            flag_ids=[flag_id])
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)

    verified = CliRunner().invoke(app, ["audit", "verify"])

    assert verified.exit_code == 0, verified.output
