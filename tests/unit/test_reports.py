"""A report's story (SPEC §13): its table, its clocks, duplicates and who may see whom."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.complaint import Complaint
from domain.errors import CommandNotAllowed, InvalidValue, InvalidValues, NotPermitted
from domain.intake import Intake
from domain.permissions import Actor, sees_reporter
from domain.report import Report, same_facts
from domain.report_clocks import DECISION, REPORTER_NOTICE, report_clocks, times_of
from domain.report_intake import ReportIntake
from domain.report_lifecycle import ReportState
from domain.clocks import Timekeeper
from domain.vocabulary import Role
from domain.working_days import FixedCalendar
from tests.unit.builders import OFFICE, intake_data

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday to Friday, with the 2026 National Day week off and two Saturdays worked.
OCTOBER = FixedCalendar(off=[date(2026, 10, d) for d in range(1, 9)],
                        working=[date(2026, 9, 27), date(2026, 10, 10)],
                        confirmed=range(2000, 2027))
keeper = Timekeeper(OCTOBER, SHANGHAI)
operator = Actor("op1", Role.OPERATOR)
inspector = Actor("insp1", Role.INSPECTOR)
other_inspector = Actor("insp2", Role.INSPECTOR)
supervisor = Actor("sup1", Role.SUPERVISOR)
mediator = Actor("med1", Role.MEDIATOR)
RECEIVED = datetime(2026, 9, 21, 10, 0, tzinfo=SHANGHAI)  # a Monday


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def report_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": "phone", "received_at": RECEIVED,
        "reporter": {"name": "李四", "phone": "13912345678"},
        "business": {"name": "上海某某超市有限公司", "uscc": "91350100M000100Y43"},
        "industry": "food", "facts": "货架上销售过期牛奶。", "office": OFFICE,
    }
    data.update(overrides)
    return data


def a_report(state: str = "received", **overrides: Any) -> Report:
    intake = ReportIntake.parse(report_data(**overrides), now=RECEIVED + timedelta(hours=1),
                                default_office=None)
    report = Report.receive(intake, actor=operator, at=RECEIVED, tz=SHANGHAI)
    if state != "received":
        report.verify(actor=inspector, at=at("2026-09-22"))
    if state == "case_opened":
        report.open_case(actor=inspector, at=at("2026-09-25"), case_number="沪黄市监立〔2026〕9号")
    return report


def test_a_report_walks_from_receipt_to_a_penalty_through_its_table():
    report = a_report()
    assert report.allowed_commands() == ["verify", "extend", "refer"]
    report.verify(actor=inspector, at=at("2026-09-22"))
    assert report.state is ReportState.VERIFYING and report.inspector == "insp1"
    report.open_case(actor=inspector, at=at("2026-09-25"), case_number="立案9号")
    assert report.allowed_commands() == ["notify-reporter", "close"]
    report.notify_reporter(actor=inspector, at=at("2026-09-28"), channel="phone")
    assert "notify-reporter" not in report.allowed_commands()
    report.close(actor=inspector, at=at("2026-11-02"), outcome="penalised", note="罚款")
    assert report.state is ReportState.CLOSED and report.outcome == "penalised"


def test_a_command_out_of_turn_names_the_state_and_what_is_allowed():
    report = a_report()
    with pytest.raises(CommandNotAllowed, match="while the report is received") as refused:
        report.open_case(actor=inspector, at=at("2026-09-22"), case_number="1")
    assert refused.value.allowed == ["extend", "refer", "verify"]


def test_a_report_never_opened_cannot_close_with_a_penalty():
    report = a_report("verifying")
    report.decline(actor=inspector, at=at("2026-09-24"), reason="无违法事实")
    with pytest.raises(CommandNotAllowed):
        report.close(actor=inspector, at=at("2026-09-25"), outcome="penalised")
    report.close(actor=inspector, at=at("2026-09-25"), outcome="no_violation")
    assert report.state is ReportState.CLOSED


def test_only_the_handling_inspector_or_a_supervisor_decides_and_only_a_supervisor_extends():
    report = a_report("verifying")
    with pytest.raises(NotPermitted, match="handling"):
        report.decline(actor=other_inspector, at=at("2026-09-23"), reason="x")
    with pytest.raises(NotPermitted):
        report.verify(actor=operator, at=at("2026-09-23"))
    with pytest.raises(NotPermitted):
        report.extend(actor=inspector, at=at("2026-09-23"), reason="情况复杂")
    report.extend(actor=supervisor, at=at("2026-09-23"), reason="情况复杂")
    with pytest.raises(CommandNotAllowed):  # once only
        report.extend(actor=supervisor, at=at("2026-09-24"), reason="再次")


def test_the_reporter_is_seen_only_by_the_handling_inspector_and_supervisors():
    received = a_report()
    assert not sees_reporter(received, inspector)  # nobody has taken it yet
    report = a_report("verifying")
    assert sees_reporter(report, inspector)
    assert sees_reporter(report, supervisor)
    assert not sees_reporter(report, other_inspector)
    assert not sees_reporter(report, operator)
    assert not sees_reporter(report, mediator)


def test_an_anonymous_report_names_nobody_and_has_no_one_to_tell():
    report = a_report(reporter=None, anonymous=True)
    assert report.reporter is None and not report.real_name
    report.verify(actor=inspector, at=at("2026-09-22"))
    report.decline(actor=inspector, at=at("2026-09-23"), reason="线索不具体")
    assert "notify-reporter" not in report.allowed_commands()
    assert [c.name for c in report_clocks(times_of(report), keeper)] == [DECISION]


def test_intake_names_every_bad_field_and_a_real_name_report_needs_a_reporter():
    with pytest.raises(InvalidValues) as bad:
        ReportIntake.parse(report_data(reporter=None, facts="", source="fax"),
                           now=RECEIVED, default_office=None)
    assert {p.field for p in bad.value.problems} >= {"reporter", "facts", "source"}
    with pytest.raises(InvalidValues):
        ReportIntake.parse(report_data(anonymous=True), now=RECEIVED, default_office=None)


def test_the_decision_is_due_fifteen_working_days_after_receipt_over_the_holiday():
    report = a_report()
    (decision,) = report_clocks(times_of(report), keeper)
    # Sep 22-25 (4), Sep 27 Sunday worked (5), Sep 28-30 (8), Oct 1-8 off,
    # Oct 9 (9), Oct 10 Saturday worked (10), Oct 12-16 (15).
    assert decision.due == date(2026, 10, 16)
    assert decision.met is None
    status = decision.status(keeper, at("2026-10-15"))
    assert status.working_days_left == 1 and status.due_soon and not status.overdue
    assert decision.status(keeper, at("2026-10-19")).overdue


def test_an_approved_extension_adds_fifteen_working_days_once():
    report = a_report("verifying")
    report.extend(actor=supervisor, at=at("2026-10-12"), reason="需要检验")
    (decision,) = report_clocks(times_of(report), keeper)
    assert decision.due == date(2026, 11, 6)  # Oct 16 + 15 working days


def test_deciding_stops_the_clock_and_starts_five_working_days_to_tell_the_reporter():
    report = a_report("case_opened")  # opened Friday Sep 25
    decision, notice = report_clocks(times_of(report), keeper)
    assert decision.met is True
    # Sep 27 (a worked Sunday), 28, 29, 30, then Oct 9 after the holiday.
    assert notice.name == REPORTER_NOTICE and notice.due == date(2026, 10, 9)
    report.notify_reporter(actor=inspector, at=at("2026-10-12"), channel="sms")
    assert report_clocks(times_of(report), keeper)[1].met is False  # told late


def test_new_facts_merge_and_restart_the_period_while_a_repeat_changes_nothing():
    report = a_report("verifying")
    report.repeat(actor=operator, at=at("2026-09-24"), received_at=at("2026-09-24"),
                  source="web")
    assert report.repeats == 1
    assert report_clocks(times_of(report), keeper)[0].due == date(2026, 10, 16)
    report.add_facts(actor=operator, at=at("2026-09-29"), received_at=at("2026-09-29"),
                     source="phone", facts="另发现冷柜温度不达标。")
    assert report.facts == ["货架上销售过期牛奶。", "另发现冷柜温度不达标。"]
    # Counted again from Sep 29: Sep 30 (1), Oct 9 (2), Oct 10 (3), Oct 12-16 (8),
    # Oct 19-23 (13), Oct 26 (14), Oct 27 (15).
    assert report_clocks(times_of(report), keeper)[0].due == date(2026, 10, 27)


def test_new_facts_are_not_merged_into_a_report_already_decided():
    report = a_report("case_opened")
    with pytest.raises(CommandNotAllowed):
        report.add_facts(actor=operator, at=at("2026-09-29"), received_at=at("2026-09-29"),
                         source="phone", facts="新情况")
    report.repeat(actor=operator, at=at("2026-09-29"), received_at=at("2026-09-29"),
                  source="phone")  # a repeat is still recorded


def test_the_same_facts_are_recognised_whatever_the_spacing_and_width():
    assert same_facts("货架上销售过期牛奶。", " 货架上 销售过期牛奶 ")
    assert same_facts("ABC 牛奶", "ａｂｃ牛奶")
    assert not same_facts("货架上销售过期牛奶。", "货架上销售过期面包。")


def test_a_clue_from_mediation_becomes_a_report_against_the_same_business():
    complaint = Complaint.file(Intake.parse(intake_data(received_at=RECEIVED),
                                            now=RECEIVED, default_office=None),
                               actor=operator, at=RECEIVED, tz=SHANGHAI)
    complaint.accept(actor=operator, at=at("2026-09-22"), tz=SHANGHAI)
    complaint.assign(actor=operator, at=at("2026-09-22"), mediator="med1")
    report_id = uuid4()
    with pytest.raises(NotPermitted):
        complaint.record_clue(actor=Actor("med2", Role.MEDIATOR), at=at("2026-09-23"),
                              report_id=report_id, text="商家涉嫌虚假宣传")
    complaint.record_clue(actor=mediator, at=at("2026-09-23"), report_id=report_id,
                          text="商家涉嫌虚假宣传")
    report = Report.from_clue(complaint=complaint, text="商家涉嫌虚假宣传", actor=mediator,
                              at=at("2026-09-23"), tz=SHANGHAI, report_id=report_id)
    assert complaint.linked_reports == (str(report_id),)
    assert report.source == "mediation" and report.complaint_id == str(complaint.id)
    assert report.business_key == complaint_business_key(complaint)
    assert report.reporter is None
    # 15 working days from the day the clue was found (Art. 27): Sep 24, 25, 27, 28,
    # 29, 30, Oct 9, 10, 12-16, 19, 20.
    assert report_clocks(times_of(report), keeper)[0].due == date(2026, 10, 20)


def complaint_business_key(complaint: Complaint) -> str:
    from domain.identifiers import business_key
    return business_key(complaint.business["name"], complaint.business.get("uscc"))


def test_a_clue_cannot_be_typed_as_an_ordinary_report():
    intake = ReportIntake.parse(report_data(source="mediation"), now=RECEIVED,
                                default_office=None)
    with pytest.raises(InvalidValue, match="source"):
        Report.receive(intake, actor=operator, at=RECEIVED, tz=SHANGHAI)


def test_a_report_replays_to_the_same_state_from_its_events():
    report = a_report("case_opened")
    events = report.collect_events()
    copy = None
    for e in events:
        copy = e.mutate(copy)
    assert copy.state is ReportState.CASE_OPENED and copy.inspector == "insp1"
    assert copy.decided_at == report.decided_at
