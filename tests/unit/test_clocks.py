"""Which clocks run, read from a complaint's own events (SPEC §3), over a calendar stated outright.

The calendar here is Monday to Friday with the 2026 Labour Day week off and its
Saturday worked (May 1-5 off, May 9 worked), so each expected date can be counted
on a wall calendar.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.clocks import ClockName, Timekeeper
from domain.complaint import Complaint
from domain.intake import Intake
from domain.permissions import Actor
from domain.regulation import DayKind
from domain.vocabulary import Role
from domain.working_days import FixedCalendar
from tests.unit.builders import INTAKE_CENTRE, OFFICES, intake_data

SHANGHAI = ZoneInfo("Asia/Shanghai")
LABOUR_DAY = FixedCalendar(
    off=[date(2026, 5, d) for d in range(1, 6)], working=[date(2026, 5, 9)],
    confirmed=range(2000, 2027),
)
keeper = Timekeeper(LABOUR_DAY, SHANGHAI)
operator = Actor("op1", Role.OPERATOR)
med1 = Actor("med1", Role.MEDIATOR)


def at(day: date | str, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in Shanghai."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def filed(received: datetime, **overrides: Any) -> Complaint:
    data = intake_data(received_at=received, incident_date=None, **overrides)
    intake = Intake.parse(data, now=received + timedelta(minutes=1), default_office=None)
    return Complaint.file(intake, actor=operator, at=received, tz=SHANGHAI)


def mediated(accepted: datetime, *, received: datetime | None = None) -> Complaint:
    complaint = filed(received or accepted - timedelta(days=1))
    complaint.accept(actor=operator, at=accepted, tz=SHANGHAI)
    complaint.assign(actor=operator, at=accepted, mediator="med1")
    return complaint


def clocks(complaint: Complaint) -> Any:
    return keeper.replay(complaint.pending_events)


# ----- acceptance -------------------------------------------------------------------

def test_the_acceptance_clock_runs_seven_working_days_from_the_day_of_receipt():
    case = clocks(filed(at("2026-04-29")))
    run = case.running(ClockName.ACCEPTANCE)
    # Thu Apr 30 = 1; May 1-5 off; Wed 6 = 2, Thu 7 = 3, Fri 8 = 4, Sat 9 (worked) = 5,
    # Mon 11 = 6, Tue 12 = 7.
    assert run.due_day == date(2026, 5, 12)
    assert (run.length, run.regulation, run.provisional) == (7, "samr-121", False)


def test_the_receipt_day_is_the_local_day_in_shanghai_not_utc():
    # 23:30 on Tue Apr 28 in Shanghai is still the 28th; 00:30 on the 29th is the 29th.
    late_evening = clocks(filed(at("2026-04-28", 23, 30))).running(ClockName.ACCEPTANCE)
    after_midnight = clocks(filed(at("2026-04-29", 0, 30))).running(ClockName.ACCEPTANCE)
    assert late_evening.start_day == date(2026, 4, 28)
    # From the 28th: Wed 29 = 1, Thu 30 = 2; May 1-5 off; 6, 7, 8 = 5, Sat 9 = 6, Mon 11 = 7.
    assert late_evening.due_day == date(2026, 5, 11)
    assert after_midnight.due_day == date(2026, 5, 12)


def test_a_transfer_restarts_the_acceptance_clock_at_the_receiving_office():
    complaint = filed(at("2026-04-27"), office=INTAKE_CENTRE)
    complaint.transfer(actor=operator, at=at("2026-04-29"), to_office="SH-PD", offices=OFFICES)
    case = clocks(complaint)
    first, second = [r for r in case.runs if r.clock is ClockName.ACCEPTANCE]
    assert (first.stopped_by, first.met, first.office) == ("transferred", True, INTAKE_CENTRE)
    assert second.running and second.office == "SH-PD" and case.office == "SH-PD"
    assert second.start_day == date(2026, 4, 29)
    assert second.due_day == date(2026, 5, 12)


def test_accepting_stops_the_acceptance_clock_and_starts_mediation_under_the_text_of_that_day():
    complaint = filed(at("2026-04-13"))
    complaint.accept(actor=operator, at=at("2026-04-15"), tz=SHANGHAI)  # Order No. 121 in force
    case = clocks(complaint)
    acceptance = case.latest(ClockName.ACCEPTANCE)
    mediation = case.running(ClockName.MEDIATION)
    assert (acceptance.regulation, acceptance.stopped_by, acceptance.met) == (
        "samr-2019", "accepted", True)
    assert acceptance.used_days == 2
    assert (mediation.regulation, mediation.length, mediation.kind) == (
        "samr-121", 60, DayKind.CALENDAR_ROLLED)
    assert case.met(ClockName.ACCEPTANCE) is True


def test_an_acceptance_decided_after_the_due_day_is_recorded_as_missed():
    complaint = filed(at("2026-04-29"))
    complaint.reject(actor=operator, at=at("2026-05-13"), reason="outside_remit")
    case = clocks(complaint)
    run = case.latest(ClockName.ACCEPTANCE)
    assert (run.stopped_by, run.met) == ("rejected", False)
    assert case.state == "rejected" and case.closed_at == at("2026-05-13")
    # Thu Apr 30 = 1; Wed May 6 ... Wed 13: 6, 7, 8, 9 (worked), 11, 12, 13 = 8 working days.
    assert case.handling_days == 8


def test_the_2014_measures_end_mediation_sixty_calendar_days_after_acceptance():
    complaint = filed(at("2019-02-28"))
    complaint.accept(actor=operator, at=at("2019-03-01"), tz=SHANGHAI)
    run = clocks(complaint).running(ClockName.MEDIATION)
    assert (run.regulation, run.kind.value, run.length) == ("saic-2014", "calendar", 60)
    # Day 1 is Mar 2; day 60 is Apr 30 (30 days of March after the 1st, then 30 of April).
    assert run.due_day == date(2019, 4, 30)


# ----- mediation and suspensions ------------------------------------------------------

def test_under_order_121_mediation_runs_sixty_days_rolled_to_a_working_day():
    run = clocks(mediated(at("2026-04-29"))).running(ClockName.MEDIATION)
    # Art. 45: the day of acceptance is not counted; day 60 is Sun Jun 28, not a working
    # day, so the period ends on Mon Jun 29.
    assert run.due_day == date(2026, 6, 29)
    assert run.mediator == "med1"


def test_under_the_2019_measures_mediation_runs_45_working_days_from_acceptance():
    run = clocks(mediated(at("2025-03-03"), received=at("2025-03-01"))).running(
        ClockName.MEDIATION)
    # Tue Mar 4 - Fri Mar 7 = 4, then eight weeks of five = 44 (to Fri May 2), Mon May 5 = 45.
    assert (run.regulation, run.kind, run.length) == ("samr-2019", DayKind.WORKING, 45)
    assert run.due_day == date(2025, 5, 5)


def test_a_2019_suspension_extends_mediation_by_the_working_days_it_lasted():
    complaint = mediated(at("2025-03-03"), received=at("2025-03-01"))
    complaint.suspend(actor=med1, at=at("2025-03-14", 16), reason="inspection")  # a Friday
    complaint.resume(actor=med1, at=at("2025-03-19", 9))  # the next Wednesday
    run = clocks(complaint).running(ClockName.MEDIATION)
    # Suspended on Fri Mar 14; Mon 17, Tue 18, Wed 19 are given back: 3 working days.
    assert (run.extension, run.suspensions) == (3, 1)
    # May 5 + 3 working days: Tue 6, Wed 7, Thu 8.
    assert run.due_day == date(2025, 5, 8)


def test_an_order_121_suspension_gives_back_calendar_days_before_the_roll():
    complaint = mediated(at("2026-04-29"))
    complaint.suspend(actor=med1, at=at("2026-06-05", 16), reason="testing")  # a Friday
    complaint.resume(actor=med1, at=at("2026-06-10", 9))  # the next Wednesday
    run = clocks(complaint).running(ClockName.MEDIATION)
    # Jun 5 to Jun 10: 5 days given back. Day 60 + 5 counted from the unrolled Sun Jun 28
    # is Fri Jul 3, a working day (not Jun 29 + 5 = Sat Jul 4 rolled to Mon Jul 6).
    assert (run.extension, run.suspensions) == (5, 1)
    assert run.due_day == date(2026, 7, 3)


def test_a_suspended_clock_stands_still():
    # Due Mon Jun 29 (above); suspended Mon Jun 22 with Jun 23-26 and 29 still to run.
    complaint = mediated(at("2026-04-29"))
    complaint.suspend(actor=med1, at=at("2026-06-22"), reason="appraisal")
    run = clocks(complaint).running(ClockName.MEDIATION)
    assert run.left_at_suspension == 5

    weeks_later = keeper.status(due_day=run.due_day, kind=run.kind, as_of=at("2026-08-20"),
                                suspended_at=run.suspended_at,
                                left_at_suspension=run.left_at_suspension,
                                start_day=run.start_day, length=run.length,
                                extension=run.extension)
    assert weeks_later.suspended and not weeks_later.overdue
    assert weeks_later.working_days_left == 5
    # If resumed on Thu Aug 20, Jun 22 to Aug 20 is 59 days: Jun 28 + 59 = Wed Aug 26.
    assert weeks_later.due == date(2026, 8, 26)


def test_a_clock_stopped_while_suspended_gets_its_suspension_counted_first():
    complaint = mediated(at("2026-04-29"))
    complaint.suspend(actor=med1, at=at("2026-06-22"), reason="testing")
    complaint.resolve(actor=med1, at=at("2026-07-15"), outcome="refund",
                      amount_recovered="10.00", terms="退款")
    run = clocks(complaint).latest(ClockName.MEDIATION)
    # Jun 22 to Jul 15: 23 days given back; Jun 28 + 23 = Tue Jul 21.
    assert (run.extension, run.due_day, run.met, run.stopped_by) == (
        23, date(2026, 7, 21), True, "resolved")


def test_reassigning_moves_the_running_clock_to_the_new_mediator():
    complaint = mediated(at("2026-04-29"))
    complaint.reassign(actor=Actor("sup1", Role.SUPERVISOR), at=at("2026-05-20"), mediator="med2")
    case = clocks(complaint)
    assert case.running(ClockName.MEDIATION).mediator == "med2" == case.mediator


# ----- termination notice ----------------------------------------------------------

def test_termination_starts_a_seven_working_day_notice_clock_that_the_notice_stops():
    complaint = mediated(at("2026-04-20"))
    complaint.terminate(actor=med1, at=at("2026-04-29"), reason="business_refused")
    case = clocks(complaint)
    notice = case.running(ClockName.NOTICE)
    assert notice.due_day == date(2026, 5, 12)
    assert case.latest(ClockName.MEDIATION).stopped_by == "terminated"
    assert case.state == "terminated" and case.closed_at == at("2026-04-29")

    complaint.record_notice(actor=med1, at=at("2026-05-13"), note="已告知")
    case = clocks(complaint)
    notice = case.latest(ClockName.NOTICE)
    assert (notice.stopped_by, notice.met, case.met(ClockName.NOTICE)) == (
        "notice_recorded", False, False)


def test_escalating_a_terminated_case_stops_its_notice_clock():
    complaint = mediated(at("2026-04-20"))
    complaint.terminate(actor=med1, at=at("2026-04-29"), reason="business_refused")
    complaint.escalate(actor=med1, at=at("2026-04-30"), forum="court", reason="起诉")
    case = clocks(complaint)
    assert not [r for r in case.runs if r.running]
    assert case.latest(ClockName.NOTICE).stopped_by == "escalated"


def test_withdrawal_stops_whatever_clock_runs():
    complaint = filed(at("2026-04-27"))
    complaint.withdraw(actor=operator, at=at("2026-04-28"), note="私了")
    case = clocks(complaint)
    assert case.latest(ClockName.ACCEPTANCE).stopped_by == "withdrawn"
    assert case.handling_days == 1


# ----- asking at a moment -----------------------------------------------------------

@pytest.mark.parametrize("today, left, due_soon, overdue", [
    ("2026-05-06", 5, False, False),  # Wed: Thu 7, Fri 8, Sat 9, Mon 11, Tue 12
    ("2026-05-08", 3, False, False),
    ("2026-05-09", 2, True, False),   # the Saturday worked
    ("2026-05-10", 2, True, False),   # Sunday: Mon and Tue still to come
    ("2026-05-12", 0, True, False),   # the due day itself is still on time
    ("2026-05-13", -1, False, True),
    ("2026-05-18", -4, False, True),
])
def test_working_days_left_due_soon_and_overdue_follow_the_moment_asked(today, left, due_soon, overdue):
    status = keeper.status(due_day=date(2026, 5, 12), kind=DayKind.WORKING, as_of=at(today, 23, 59))
    assert (status.working_days_left, status.due_soon, status.overdue) == (left, due_soon, overdue)


def test_the_due_soon_bound_given_to_the_database_agrees_with_the_status():
    due_day = date(2026, 5, 12)
    for offset in range(-5, 20):
        moment = at(due_day - timedelta(days=offset), 12)
        bound = keeper.due_soon_before(moment)
        by_bound = keeper.day_of(moment) <= due_day < bound
        assert by_bound == keeper.status(due_day=due_day, kind=DayKind.WORKING, as_of=moment).due_soon


def test_telling_the_complainant_stays_with_the_office_when_a_mediator_takes_the_case():
    complaint = filed(at("2026-05-06"))
    complaint.accept(actor=operator, at=at("2026-05-07"), tz=SHANGHAI)
    complaint.assign(actor=operator, at=at("2026-05-07", 11), mediator="med1")
    case = clocks(complaint)
    told, mediation = case.running(ClockName.DECISION_NOTICE), case.running(ClockName.MEDIATION)
    assert (told.mediator, mediation.mediator) == (None, "med1")
    # Due with the acceptance clock from receipt on Wed May 6: Thu 7, Fri 8, Sat 9
    # (worked), Mon 11, Tue 12, Wed 13, Thu 14 = 7.
    assert told.due_day == date(2026, 5, 14)
