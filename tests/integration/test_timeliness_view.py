"""The timeliness view on SQLite and PostgreSQL: due moments stored, "overdue" asked at a moment.

Expected dates are counted by hand from the State Council's 2026 schedule (see
tests/unit/test_working_days.py for the list): Spring Festival Feb 15-23 off with
Sat Feb 14 and Sat Feb 28 worked; Labour Day May 1-5 off with Sat May 9 worked.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from adapters.demo_data import DemoFactory
from adapters.settings import DEFAULT_CALENDAR_OVERRIDES, Settings
from adapters.views.timeliness import (
    TimelinessFilter, timeliness_closed, timeliness_clocks, timeliness_daily,
)
from api.bootstrap import wire
from domain.errors import InvalidValue
from tests.conftest import FrozenClock
from tests.integration.helpers import an_intake, mediator, operator, supervisor

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(day: str, hour: int = 10, minute: int = 0) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def overrides(tmp_path: Path) -> Path:
    path = tmp_path / "overrides.toml"
    shutil.copy(DEFAULT_CALENDAR_OVERRIDES, path)
    return path


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(shanghai("2026-02-12"))


@pytest.fixture
def wiring(database_url, clock, overrides):
    wiring = wire(Settings(database_url=database_url, calendar_overrides=overrides), clock=clock)
    yield wiring
    wiring.close()


class Filed(str):
    """A complaint id as the view reports it, still usable for the desk's commands."""

    @property
    def uuid(self) -> UUID:
        return UUID(self)


def file(wiring, clock, received: datetime, office: str = "SH-PD") -> Filed:
    clock.now = max(clock.now, received)
    intake = an_intake(clock.now, received_at=received.isoformat(), office=office,
                       incident_date=(received - timedelta(days=3)).date().isoformat())
    return Filed(wiring.desk.file(intake, actor=operator))


def at(clock, moment: datetime) -> None:
    clock.now = moment


def page(wiring, **criteria):
    wiring.projections.catch_up()
    return wiring.timeliness.timeliness(TimelinessFilter(**criteria))


def only(result):
    assert len(result.items) == 1, result.items
    return result.items[0]


# ----- time passes without events -----------------------------------------------

def test_a_running_clock_turns_due_soon_then_overdue_as_time_passes(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-02-12"))

    item = only(page(wiring, as_of=shanghai("2026-02-12", 18)))
    # Thu Feb 12: Fri 13 = 1, Sat 14 (worked) = 2, Feb 15-23 off, Tue 24 - Fri 27 = 6,
    # Sat 28 (worked) = 7.
    assert (item.id, item.clock, item.due) == (complaint, "acceptance", date(2026, 2, 28))
    assert item.due_at == datetime(2026, 3, 1, tzinfo=SHANGHAI)
    assert (item.working_days_left, item.due_soon, item.overdue) == (7, False, False)
    assert (item.provisional, item.office, item.mediator, item.regulation) == (
        False, "SH-PD", None, "samr-2019")

    # Thu Feb 26: Fri 27 and Sat 28 are left.
    item = only(page(wiring, as_of=shanghai("2026-02-26")))
    assert (item.working_days_left, item.due_soon, item.overdue) == (2, True, False)
    assert only(page(wiring, as_of=shanghai("2026-02-26"), due_soon=True)).id == complaint
    assert page(wiring, as_of=shanghai("2026-02-26"), overdue=True).items == []

    # The Saturday worked is the last day; from Sunday midnight it is late.
    assert not only(page(wiring, as_of=shanghai("2026-02-28", 23, 59))).overdue
    item = only(page(wiring, as_of=shanghai("2026-03-01", 0, 0)))
    assert (item.working_days_left, item.overdue, item.due_soon) == (-1, True, False)
    assert only(page(wiring, as_of=shanghai("2026-03-03"), overdue=True)).working_days_left == -2


def test_now_is_the_wiring_clock_when_no_as_of_is_given(wiring, clock):
    file(wiring, clock, shanghai("2026-02-12"))
    at(clock, shanghai("2026-03-02"))
    result = page(wiring)
    assert result.as_of == clock.now
    assert only(result).overdue


def test_a_receipt_on_a_holiday_counts_from_the_first_working_day_after(wiring, clock):
    file(wiring, clock, shanghai("2026-02-21", 15))
    # Sat Feb 21 (holiday): Sun 22, Mon 23 off; Tue 24 - Fri 27 = 4, Sat 28 (worked) = 5,
    # Mon Mar 2 = 6, Tue Mar 3 = 7.
    assert only(page(wiring, as_of=shanghai("2026-02-21", 16))).due == date(2026, 3, 3)


# ----- one complaint ----------------------------------------------------------------

def test_one_complaints_acceptance_and_mediation_due(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-04-27"))
    wiring.projections.catch_up()
    mine = wiring.timeliness.complaint(complaint)
    # Mon Apr 27: Tue 28, Wed 29, Thu 30 = 3; May 1-5 off; Wed 6 = 4, Thu 7 = 5, Fri 8 = 6,
    # Sat 9 (worked) = 7.
    assert (mine.acceptance_due, mine.mediation_due) == (date(2026, 5, 9), None)

    at(clock, shanghai("2026-04-29"))
    wiring.desk.transfer(complaint.uuid, actor=supervisor, to_office="SH-HP", note="属黄浦分局管辖")
    wiring.projections.catch_up()
    mine = wiring.timeliness.complaint(complaint)
    # Restarted on Wed Apr 29: Thu 30 = 1; Wed May 6 - Fri 8 = 4, Sat 9 = 5, Mon 11 = 6,
    # Tue 12 = 7.
    assert (mine.acceptance_due, mine.office) == (date(2026, 5, 12), "SH-HP")
    assert [(c.clock, c.office, c.stopped_by) for c in mine.clocks] == [
        ("acceptance", "SH-PD", "transferred"), ("acceptance", "SH-HP", None)]

    at(clock, shanghai("2026-05-06"))
    wiring.desk.accept(complaint.uuid, actor=operator)
    wiring.projections.catch_up()
    mine = wiring.timeliness.complaint(complaint)
    # Order 121: 60 days from Wed May 6 end on Sun Jul 5, rolled to Mon Jul 6 (Art. 45).
    assert (mine.acceptance_due, mine.mediation_due) == (date(2026, 5, 12), date(2026, 7, 6))
    assert mine.acceptance_met is True
    # Not told with the decision: the complainant is to be told by the acceptance due day.
    assert [(i.clock, i.due) for i in mine.running] == [
        ("decision_notice", date(2026, 5, 12)), ("mediation", date(2026, 7, 6))]
    assert mine.running[1].regulation == "samr-121"
    wiring.desk.notify_decision(complaint.uuid, actor=operator, channel="sms")
    wiring.projections.catch_up()
    mine = wiring.timeliness.complaint(complaint)
    assert [i.clock for i in mine.running] == ["mediation"]
    assert mine.running[0].regulation == "samr-121"


def test_now_and_a_moment_ago_agree_when_nothing_happened_in_between(wiring, clock):
    # "Now" reads the running clocks' indexes only; a moment in the past takes the
    # longer way (clocks started by then, stopped after). The answers must agree.
    first = file(wiring, clock, shanghai("2026-04-27"))
    file(wiring, clock, shanghai("2026-04-28"), office="SH-HP")
    at(clock, shanghai("2026-04-29"))
    wiring.desk.accept(first.uuid, actor=operator, notified_via="phone")
    wiring.desk.assign(first.uuid, actor=operator, mediator="med01")
    at(clock, shanghai("2026-05-11", 9))
    now = page(wiring)
    a_moment_ago = page(wiring, as_of=clock.now - timedelta(seconds=1))
    assert now.items == a_moment_ago.items
    assert (now.offices, now.mediators) == (a_moment_ago.offices, a_moment_ago.mediators)
    assert len(now.items) == 2


def test_a_resolved_complaint_escalated_later_is_listed_as_escalated(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-06-01"))
    at(clock, shanghai("2026-06-02"))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    wiring.desk.assign(complaint.uuid, actor=operator, mediator="med01")
    wiring.desk.resolve(complaint.uuid, actor=mediator, outcome="refund",
                        amount_recovered="100.00", terms="七日内退款")
    wiring.projections.catch_up()
    at(clock, shanghai("2026-06-20"))
    wiring.desk.escalate(complaint.uuid, actor=mediator, forum="court",
                         reason="agreement_breached")
    wiring.projections.catch_up()
    closed = wiring.timeliness.closed()
    assert [(c.id, c.state, c.closed_at) for c in closed.items] == [
        (complaint, "escalated", shanghai("2026-06-02").astimezone(UTC))]


def test_a_filter_naming_no_clock_or_a_moment_without_offset_is_refused(wiring):
    with pytest.raises(InvalidValue, match="clock"):
        wiring.timeliness.timeliness(TimelinessFilter(clock="hearing"))
    with pytest.raises(InvalidValue, match="as_of"):
        wiring.timeliness.timeliness(TimelinessFilter(as_of=datetime(2026, 5, 1, 10)))


def test_the_answer_from_a_complaints_own_events_equals_the_views(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-04-27"))
    at(clock, shanghai("2026-04-29"))
    wiring.desk.transfer(complaint.uuid, actor=supervisor, to_office="SH-HP", note="转办")
    at(clock, shanghai("2026-05-06"))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    wiring.desk.assign(complaint.uuid, actor=operator, mediator="med01")
    at(clock, shanghai("2026-06-01"))
    wiring.desk.suspend(complaint.uuid, actor=mediator, reason="appraisal")
    at(clock, shanghai("2026-06-09"))
    wiring.desk.resume(complaint.uuid, actor=mediator)
    wiring.desk.terminate(complaint.uuid, actor=mediator, reason="no_agreement_possible")
    wiring.projections.catch_up()
    for moment in (shanghai("2026-05-01"), shanghai("2026-06-05"), shanghai("2026-06-30")):
        events = wiring.desk.events.get(complaint.uuid)
        assert wiring.timeliness.of_events(events, moment) == wiring.timeliness.complaint(
            complaint, moment)


def test_an_unknown_complaint_has_no_timeliness(wiring):
    assert wiring.timeliness.complaint("00000000-0000-0000-0000-000000000000") is None


def test_as_of_in_the_past_sees_the_clock_that_was_running_then(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-05-06"))
    at(clock, shanghai("2026-05-08"))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    assert only(page(wiring, as_of=shanghai("2026-05-07"))).clock == "acceptance"
    assert only(page(wiring, as_of=shanghai("2026-05-08", 12))).clock == "mediation"
    assert page(wiring, as_of=shanghai("2026-05-05")).items == []  # not yet received


# ----- suspension ------------------------------------------------------------------

def test_a_suspended_clock_stands_still_and_resuming_gives_the_days_back(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-05-06"))
    at(clock, shanghai("2026-05-06", 11))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    wiring.desk.assign(complaint.uuid, actor=operator, mediator="med01")
    # Due Mon Jul 6 (60 days end Sun Jul 5, rolled). Suspended Thu Jul 2 with Fri 3 and
    # Mon 6 to go.
    at(clock, shanghai("2026-07-02"))
    wiring.desk.suspend(complaint.uuid, actor=mediator, reason="testing", note="送检")

    item = only(page(wiring, as_of=shanghai("2026-08-03")))
    assert item.suspended and not item.overdue
    assert (item.working_days_left, item.due_soon) == (2, True)
    assert page(wiring, as_of=shanghai("2026-08-03"), overdue=True).items == []

    at(clock, shanghai("2026-07-13"))  # Jul 2 to Jul 13: 11 calendar days back (Art. 22)
    wiring.desk.resume(complaint.uuid, actor=mediator)
    item = only(page(wiring, as_of=shanghai("2026-07-13", 12)))
    # Sun Jul 5 + 11 = Thu Jul 16, a working day: Tue 14, Wed 15, Thu 16 left.
    assert (item.due, item.working_days_left, item.suspended) == (date(2026, 7, 16), 3, False)
    record = wiring.timeliness.complaint(complaint).clocks[-1]
    assert (record.extension_days, record.suspensions) == (11, 1)


@pytest.mark.parametrize(("accepted", "due"), [
    ("2026-04-15", date(2026, 6, 15)),  # day 60 is Sun Jun 14
    ("2026-09-01", date(2026, 11, 2)),  # day 60 is Sat Oct 31
    ("2026-08-05", date(2026, 10, 8)),  # day 60, Oct 4, falls in the National Day holiday
])
def test_an_order_121_case_is_due_sixty_days_after_acceptance_rolled_to_a_working_day(
        wiring, clock, accepted, due):
    complaint = file(wiring, clock, shanghai(accepted, 9))
    at(clock, shanghai(accepted, 15))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    wiring.projections.catch_up()
    mine = wiring.timeliness.complaint(complaint)
    assert mine.mediation_due == due
    assert (mine.running[0].regulation, mine.running[0].kind) == ("samr-121", "calendar_rolled")
    assert wiring.desk.get_complaint(complaint.uuid).mediation_due == due


def test_a_2019_case_keeps_45_working_days_and_gives_back_working_days_suspended(wiring, clock):
    # Accepted Tue Apr 14, the last day of the 2019 measures: 45 working days, counted over
    # the 2026 schedule (May 1-5 off, Sat May 9 worked; Jun 19 Dragon Boat off).
    complaint = file(wiring, clock, shanghai("2026-04-10"))
    at(clock, shanghai("2026-04-14"))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    wiring.desk.assign(complaint.uuid, actor=operator, mediator="med01")
    wiring.projections.catch_up()
    mine = wiring.timeliness.complaint(complaint)
    # Apr 15-17 = 3, 20-24 = 8, 27-30 = 12, May 6-8 = 15, Sat 9 = 16, 11-15 = 21,
    # 18-22 = 26, 25-29 = 31, Jun 1-5 = 36, 8-12 = 41, 15-18 = 45.
    assert (mine.running[0].regulation, mine.mediation_due) == ("samr-2019", date(2026, 6, 18))

    at(clock, shanghai("2026-05-20"))  # a Wednesday; 检验 still stops a 2019 case's clock
    wiring.desk.suspend(complaint.uuid, actor=mediator, reason="inspection")
    at(clock, shanghai("2026-05-25"))  # the Monday after: Thu 21, Fri 22, Mon 25 back
    wiring.desk.resume(complaint.uuid, actor=mediator)
    wiring.projections.catch_up()
    mine = wiring.timeliness.complaint(complaint)
    # Jun 18 + 3 working days: Jun 19 off, Mon 22, Tue 23, Wed 24.
    assert (mine.clocks[-1].extension_days, mine.mediation_due) == (3, date(2026, 6, 24))


def test_an_order_121_case_refuses_a_2019_only_ground_naming_the_field(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-05-06"))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    wiring.desk.assign(complaint.uuid, actor=operator, mediator="med01")
    with pytest.raises(InvalidValue) as refusal:
        wiring.desk.suspend(complaint.uuid, actor=mediator, reason="inspection")
    assert refusal.value.field == "reason"
    assert wiring.desk.get_complaint(complaint.uuid).suspended is False


def test_a_pending_recusal_request_pauses_the_mediation_clock(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-05-06", 9))
    at(clock, shanghai("2026-05-06", 11))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    wiring.desk.assign(complaint.uuid, actor=operator, mediator="med01")
    at(clock, shanghai("2026-06-01"))
    wiring.desk.request_recusal(complaint.uuid, actor=operator, by="business",
                                reason="调解员与投诉人系亲属")
    item = only(page(wiring, as_of=shanghai("2026-07-20")))
    assert item.suspended and not item.overdue  # due Jul 6 would have passed
    at(clock, shanghai("2026-06-08"))
    wiring.desk.decide_recusal(complaint.uuid, actor=supervisor, upheld=True, mediator="med02")
    wiring.projections.catch_up()
    mine = wiring.timeliness.complaint(complaint)
    # Jun 1 to Jun 8: 7 days back; Sun Jul 5 + 7 = Sun Jul 12, rolled to Mon Jul 13.
    assert (mine.mediation_due, mine.running[0].mediator) == (date(2026, 7, 13), "med02")


# ----- offices, mediators, filters ------------------------------------------------

def test_the_summary_counts_open_overdue_and_due_soon_and_on_time_rates(wiring, clock):
    # SH-PD: one accepted on time (mediation runs for med01), one overdue acceptance.
    on_time = file(wiring, clock, shanghai("2026-04-20"))
    late = file(wiring, clock, shanghai("2026-04-21"))
    # SH-HP: one accepted late (mediation for med02), one due soon at the moment asked.
    missed = file(wiring, clock, shanghai("2026-04-21"), office="SH-HP")
    soon = file(wiring, clock, shanghai("2026-05-06"), office="SH-HP")
    at(clock, shanghai("2026-04-22"))
    wiring.desk.accept(on_time.uuid, actor=operator, notified_via="sms")
    wiring.desk.assign(on_time.uuid, actor=operator, mediator="med01")
    # Tue Apr 21: 22-24 = 3, 27-30 = 7: due Thu Apr 30; accepted Mon May 11 is late.
    at(clock, shanghai("2026-05-11"))
    wiring.desk.accept(missed.uuid, actor=operator, notified_via="sms")
    wiring.desk.assign(missed.uuid, actor=operator, mediator="med02")

    # As of Tue May 12: `late` (due Thu Apr 30) is overdue; `soon` (received Wed May 6:
    # Thu 7, Fri 8, Sat 9, Mon 11, Tue 12, Wed 13, Thu 14 = due Thu May 14) has Wed 13 and
    # Thu 14 left: due soon.
    result = page(wiring, as_of=shanghai("2026-05-12"))
    by_id = {i.id: i for i in result.items}
    assert set(by_id) == {on_time, late, missed, soon}
    assert by_id[late].overdue and by_id[late].clock == "acceptance"
    assert by_id[soon].due_soon and by_id[soon].working_days_left == 2
    assert by_id[missed].clock == "mediation" and by_id[missed].mediator == "med02"
    assert result.total == 4
    assert [i.id for i in result.items][:1] == [late]  # earliest due first

    offices = {s.key: s for s in result.offices}
    assert (offices["SH-PD"].open, offices["SH-PD"].overdue, offices["SH-PD"].due_soon) == (2, 1, 0)
    assert (offices["SH-PD"].closed, offices["SH-PD"].met, offices["SH-PD"].on_time_rate) == (1, 1, 1.0)
    assert (offices["SH-HP"].open, offices["SH-HP"].overdue, offices["SH-HP"].due_soon) == (2, 0, 1)
    assert (offices["SH-HP"].closed, offices["SH-HP"].met, offices["SH-HP"].on_time_rate) == (1, 0, 0.0)
    acceptance = {t.clock: t for t in offices["SH-HP"].clocks}["acceptance"]
    assert (acceptance.open, acceptance.due_soon, acceptance.closed, acceptance.met) == (1, 1, 1, 0)
    mediators = {s.key: s for s in result.mediators}
    assert set(mediators) == {"med01", "med02"}
    assert (mediators["med02"].open, mediators["med02"].closed) == (1, 0)

    assert {i.id for i in page(wiring, as_of=shanghai("2026-05-12"), office="SH-HP").items} == {
        missed, soon}
    assert [i.id for i in page(wiring, as_of=shanghai("2026-05-12"), mediator="med01").items] == [
        on_time]
    assert {i.id for i in page(wiring, as_of=shanghai("2026-05-12"), clock="acceptance").items} == {
        late, soon}
    assert {i.id for i in page(wiring, as_of=shanghai("2026-05-12"), overdue=False).items} == {
        on_time, missed, soon}
    only_hp = page(wiring, as_of=shanghai("2026-05-12"), office="SH-HP")
    assert [s.key for s in only_hp.offices] == ["SH-HP"]


def test_pages_of_running_clocks(wiring, clock):
    for day in range(1, 8):
        file(wiring, clock, shanghai(f"2026-06-0{day}"))
    first = page(wiring, as_of=shanghai("2026-06-08"), per_page=3)
    second = page(wiring, as_of=shanghai("2026-06-08"), per_page=3, page=3)
    assert (first.total, len(first.items), len(second.items)) == (7, 3, 1)
    assert [i.due for i in first.items] == sorted(i.due for i in first.items)


# ----- closed complaints -------------------------------------------------------------

def test_closed_complaints_show_each_clock_met_and_the_handling_time(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-04-27"))
    at(clock, shanghai("2026-04-28"))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    wiring.desk.assign(complaint.uuid, actor=operator, mediator="med01")
    at(clock, shanghai("2026-05-11"))
    wiring.desk.terminate(complaint.uuid, actor=mediator, reason="business_refused")
    notice = only(page(wiring, as_of=shanghai("2026-05-11", 12)))
    # Mon May 11: Tue 12 ... Fri 15 = 4, Mon 18 - Wed 20 = 7.
    assert (notice.clock, notice.due) == ("notice", date(2026, 5, 20))
    at(clock, shanghai("2026-05-21"))
    wiring.desk.record_notice(complaint.uuid, actor=mediator, note="电话告知双方")
    wiring.projections.catch_up()

    closed = wiring.timeliness.closed(office="SH-PD")
    assert closed.total == 1
    record = closed.items[0]
    assert (record.id, record.state) == (complaint, "terminated")
    assert (record.acceptance_met, record.mediation_met, record.notice_met) == (True, True, False)
    # Received Mon Apr 27, closed (terminated) Mon May 11: Apr 28, 29, 30, May 6, 7, 8,
    # Sat 9, May 11 = 8 working days.
    assert record.handling_days == 8
    assert wiring.timeliness.closed(office="SH-HP").total == 0
    assert page(wiring, as_of=shanghai("2026-05-22")).items == []


# ----- years without a schedule, and rebuilding when the data changes --------------

def test_a_receipt_in_late_december_gets_a_provisional_2027_due_date(wiring, clock):
    file(wiring, clock, shanghai("2026-12-28"))
    item = only(page(wiring, as_of=shanghai("2026-12-28", 12)))
    # Tue 29, Wed 30, Thu 31 = 3; 2027 has no schedule yet, but Fri Jan 1 is New Year's
    # Day by the national holiday rules: Mon 4 = 4, Tue 5 = 5, Wed 6 = 6, Thu 7 = 7.
    assert (item.due, item.provisional) == (date(2027, 1, 7), True)


def test_a_rebuild_after_the_override_file_changes_moves_the_due_date(wiring, clock, overrides):
    complaint = file(wiring, clock, shanghai("2026-12-28"))
    wiring.projections.catch_up()
    assert wiring.timeliness.complaint(complaint).acceptance_due == date(2027, 1, 7)

    # The 2027 schedule is published: say Mon Jan 4 is a day off in lieu as well.
    text = overrides.read_text(encoding="utf-8").replace("2025, 2026,", "2025, 2026, 2027,")
    overrides.write_text(text + '\n[[schedule]]\nyear = 2027\nsource = "test"\n'
                                'off = [2027-01-01, 2027-01-04]\n', encoding="utf-8")
    wiring.projections.rebuild(["timeliness"])

    # Jan 1 and 4 off: Tue 5 = 4, Wed 6 = 5, Thu 7 = 6, Fri 8 = 7; 2027 is confirmed now.
    item = only(page(wiring, as_of=shanghai("2026-12-29")))
    assert (item.due, item.provisional) == (date(2027, 1, 8), False)
    assert wiring.timeliness.complaint(complaint).acceptance_due == date(2027, 1, 8)


def test_the_view_built_live_page_by_page_equals_the_view_rebuilt(wiring, clock):
    factory = DemoFactory(seed=4, now=datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    complaints = list(factory.complaints(120))
    wiring.projections.page_size = 7  # every complaint's events spread over many pages
    for start in range(0, len(complaints), 20):
        wiring.desk.record(*complaints[start:start + 20])
        wiring.projections.catch_up()
    live = _rows(wiring)

    wiring.projections.page_size = 500
    wiring.projections.rebuild(["timeliness"])
    assert _rows(wiring) == live
    assert len({row.complaint_id for row in live[1]}) == 120
    assert {"rejected", "resolved", "terminated"} <= {row.state for row in live[0]}
    assert sum(row.closed for row in live[2]) == sum(
        1 for row in live[1] if row.stopped_at is not None)


def test_a_supervisor_reassignment_moves_the_clock_between_mediators(wiring, clock):
    complaint = file(wiring, clock, shanghai("2026-06-01"))
    at(clock, shanghai("2026-06-02"))
    wiring.desk.accept(complaint.uuid, actor=operator, notified_via="phone")
    wiring.desk.assign(complaint.uuid, actor=operator, mediator="med01")
    wiring.desk.reassign(complaint.uuid, actor=supervisor, mediator="med02")
    result = page(wiring, as_of=shanghai("2026-06-03"), mediator="med02")
    assert only(result).mediator == "med02"
    assert page(wiring, as_of=shanghai("2026-06-03"), mediator="med01").items == []


def _rows(wiring):
    with wiring.engine.connect() as db:
        closed = db.execute(select(timeliness_closed).order_by(timeliness_closed.c.id)).all()
        clocks = db.execute(select(timeliness_clocks).order_by(
            *timeliness_clocks.primary_key)).all()
        daily = db.execute(select(timeliness_daily).order_by(*timeliness_daily.primary_key)).all()
    return closed, clocks, daily
