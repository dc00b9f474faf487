"""Properties every working-day calendar and every clock must keep, whatever the dates.

Checked on the real calendar (library + shipped overrides, confirmed and unconfirmed
years alike) and on calendars with holidays and worked weekends drawn at random.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.calendar_cn import ChinaCalendar
from domain.clocks import ClockName, Timekeeper
from domain.complaint import Complaint
from domain.intake import Intake
from domain.permissions import Actor
from domain.regulation import TimeLimit
from domain.vocabulary import Role
from domain.working_days import Calendar, FixedCalendar, touches_unconfirmed
from tests.unit.builders import intake_data

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHINA = ChinaCalendar()
operator = Actor("op1", Role.OPERATOR)
med1 = Actor("med1", Role.MEDIATOR)

days = st.dates(min_value=date(2008, 1, 1), max_value=date(2029, 12, 31))
lengths = st.integers(min_value=0, max_value=120)


@st.composite
def random_calendars(draw: st.DrawFn) -> FixedCalendar:
    near = st.dates(min_value=date(2025, 11, 1), max_value=date(2027, 3, 31))
    off = draw(st.sets(near, max_size=60))
    worked = draw(st.sets(near.filter(lambda d: d.weekday() >= 5), max_size=15))
    return FixedCalendar(off=off, working=worked - off, confirmed=draw(st.sets(
        st.integers(2025, 2027))))


calendars = st.one_of(st.just(CHINA), random_calendars())


@given(calendar=calendars, start=days, n=st.integers(min_value=1, max_value=120))
def test_a_due_date_is_always_a_working_day(calendar: Calendar, start: date, n: int):
    assert calendar.is_working_day(calendar.add_working_days(start, n))


@given(calendar=calendars, start=days, n=lengths)
def test_adding_n_working_days_then_counting_back_gives_n(calendar: Calendar, start: date, n: int):
    due = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, due) == n
    assert calendar.working_days_between(due, start) == -n


@given(calendar=calendars, start=days, n=st.integers(min_value=0, max_value=119))
def test_one_more_working_day_is_always_later(calendar: Calendar, start: date, n: int):
    assert calendar.add_working_days(start, n + 1) > calendar.add_working_days(start, n)


@given(calendar=calendars, a=days, b=days, c=days)
def test_counts_over_adjacent_spans_add_up(calendar: Calendar, a: date, b: date, c: date):
    between = calendar.working_days_between
    assert between(a, c) == between(a, b) + between(b, c)


@given(calendar=calendars, start=days, n=lengths)
def test_the_working_day_count_matches_a_day_by_day_walk(calendar: Calendar, start: date, n: int):
    end = start + timedelta(days=n)
    walked = sum(calendar.is_working_day(start + timedelta(days=i)) for i in range(1, n + 1))
    assert calendar.working_days_between(start, end) == walked


@given(start=days, n=st.integers(min_value=1, max_value=60))
def test_a_deadline_is_provisional_exactly_when_its_count_crosses_an_unconfirmed_year(
        start: date, n: int):
    due, provisional = Timekeeper(CHINA, SHANGHAI).deadline(start, TimeLimit(n))
    crossed = {(start + timedelta(days=i)).year for i in range(1, (due - start).days + 1)}
    assert provisional == any(not CHINA.is_confirmed(y) for y in crossed)
    assert provisional == touches_unconfirmed(CHINA, start, due)


# ----- suspension never shortens a clock ---------------------------------------------

accepted_days = st.dates(min_value=date(2020, 1, 2), max_value=date(2027, 6, 30))
moments_of_day = st.times(min_value=time(0, 0), max_value=time(23, 59))


@settings(max_examples=150, deadline=None)
@given(calendar=calendars, accepted=accepted_days, clock_time=moments_of_day,
       pauses=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=3),
       resolve_after=st.one_of(st.none(), st.integers(0, 60)))
def test_suspension_never_shortens_the_mediation_clock(calendar, accepted, clock_time, pauses,
                                                       resolve_after):
    keeper = Timekeeper(calendar, SHANGHAI)
    moment = datetime.combine(accepted, clock_time, tzinfo=SHANGHAI)
    complaint = _accepted(moment)
    plain = keeper.replay(complaint.pending_events).running(ClockName.MEDIATION)
    for gap, length in pauses:
        moment += timedelta(days=gap, hours=1)
        complaint.suspend(actor=med1, at=moment, reason="testing")
        moment += timedelta(days=length, hours=1)
        complaint.resume(actor=med1, at=moment)
    if resolve_after is not None:
        moment += timedelta(days=resolve_after)
        complaint.suspend(actor=med1, at=moment, reason="testing")
        complaint.resolve(actor=med1, at=moment + timedelta(days=3), outcome="refund",
                          amount_recovered="1.00", terms="退款")
    suspended = keeper.replay(complaint.pending_events).latest(ClockName.MEDIATION)
    assert suspended.due_day >= plain.due_day
    assert suspended.extension >= 0
    if plain.provisional:
        assert suspended.provisional


@settings(max_examples=100, deadline=None)
@given(calendar=calendars, accepted=accepted_days, wait=st.integers(0, 60),
       later=st.integers(0, 90))
def test_a_suspended_clock_keeps_its_working_days_left(calendar, accepted, wait, later):
    keeper = Timekeeper(calendar, SHANGHAI)
    moment = datetime.combine(accepted, time(10), tzinfo=SHANGHAI)
    complaint = _accepted(moment)
    suspended_at = moment + timedelta(days=wait)
    complaint.suspend(actor=med1, at=suspended_at, reason="testing")
    run = keeper.replay(complaint.pending_events).running(ClockName.MEDIATION)
    at_suspension = keeper.status(due_day=run.due_day, kind=run.kind, as_of=suspended_at)
    afterwards = keeper.status(due_day=run.due_day, kind=run.kind,
                               as_of=suspended_at + timedelta(days=later),
                               suspended_at=run.suspended_at,
                               left_at_suspension=run.left_at_suspension)
    assert afterwards.working_days_left == at_suspension.working_days_left
    assert afterwards.overdue == at_suspension.overdue
    assert afterwards.due >= run.due_day


def _accepted(moment: datetime) -> Complaint:
    data = intake_data(received_at=moment - timedelta(hours=1), incident_date=None)
    intake = Intake.parse(data, now=moment, default_office=None)
    complaint = Complaint.file(intake, actor=operator, at=moment, tz=SHANGHAI)
    complaint.accept(actor=operator, at=moment, tz=SHANGHAI)
    complaint.assign(actor=operator, at=moment, mediator="med1")
    return complaint
