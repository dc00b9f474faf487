"""Statistics for supervisors and the public disclosure (SPEC §5), with a weekends-only
calendar so the working-day counts can be checked by hand; and no personal data, ever."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select, text

from adapters.demo_data import DemoFactory
from adapters.settings import Settings
from adapters.views.statistics import StatisticsView
from adapters.views.timeliness import timeliness_clocks
from api.bootstrap import wire
from application.statistics import Disclosure, OnTime
from domain.complaint import Complaint
from domain.errors import InvalidValue
from tests.integration.credit_story import (
    ACME, BETA, GAMMA, WeekendsOnly, story, ten_am,
)

START = date(2026, 1, 5)  # a Monday
FEB = date(2026, 2, 2)  # a Monday


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def disclosure(wiring, *, show_grade: bool = True) -> Disclosure:
    """The wired view's data, read with a calendar of weekends only."""
    wiring.projections.catch_up()
    facts = StatisticsView(wiring.engine, working_days=WeekendsOnly(), tz=wiring.settings.tz)
    return Disclosure(facts=facts, ledger=wiring.credit_ledger, rules=wiring.credit.rules,
                      show_grade=show_grade)


def test_statistics_follow_the_one_set_of_definitions(wiring, clock):
    a = story(wiring, clock, START, "accept", "assign", "resolve:200.00", "rate:5")
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused", "rate:2",
          industry="catering", category="services")
    story(wiring, clock, START, "reject:outside_remit", channel="web")
    # Due on Wednesday the 14th (7 working days), decided on the 16th: late.
    story(wiring, clock, START, "+10", "accept")
    # Agreed, then broken: it stays resolved and is counted as a breached agreement.
    story(wiring, clock, START, "accept", "assign", "resolve",
          "escalate:court:agreement_breached")
    # Accepted in February (2019 text, 45 working days). Suspended 5-26 February, which
    # gives back its 10 working days (the Spring Festival is not worked, Saturday the
    # 14th is): resolved on 17 April, the 48th working day of 55, on time.
    story(wiring, clock, FEB, "accept", "assign", "suspend", "+20", "resume", "+50",
          "resolve:50.50", "rate:basically_satisfied")
    # The 45th working day is 14 April; escalated on the 16th: mediation late.
    story(wiring, clock, FEB, "accept", "assign", "+70", "escalate:court")
    # The acceptance clock restarts at a transfer: 7 working days from there is on time.
    story(wiring, clock, FEB + timedelta(days=1), "transfer:SH-HP", "+8", "accept",
          office="SH-12315")
    story(wiring, clock, FEB + timedelta(days=1), "withdraw", channel="wechat")  # no decision
    story(wiring, clock, FEB, "accept", "withdraw:settled_privately")  # beside the rate
    story(wiring, clock, date(2026, 7, 6), "accept")  # received after the range

    stats = disclosure(wiring).statistics(since=date(2026, 1, 1), until=date(2026, 6, 30))

    assert stats.received == 10
    assert stats.by_state == {"accepted": 2, "escalated": 2, "rejected": 1, "resolved": 2,
                              "terminated": 1, "withdrawn": 2}
    assert stats.by_channel == {"phone": 8, "web": 1, "wechat": 1}
    assert stats.by_category == {"goods": 9, "services": 1}
    assert stats.by_industry == {"catering": 1, "online_shopping": 9}
    assert stats.by_office == {"SH-HP": 1, "SH-PD": 9}
    assert stats.by_reject_reason == {"outside_remit": 1}
    assert stats.by_terminate_reason == {"business_refused": 1}
    assert stats.accepted == 8
    assert (stats.closed, stats.closure_rate) == (8, Decimal("0.8"))
    m = stats.mediation
    assert (m.resolved, m.terminated, m.escalated) == (3, 1, 1)
    assert (m.withdrawn, m.settled_privately, m.agreements_breached) == (0, 1, 1)
    assert stats.mediation_success_rate == Decimal("0.6")
    assert stats.amount_recovered == Decimal("350.50")
    # Call-backs on the 8 complaints closed in the range: satisfied, dissatisfied, basically.
    assert (stats.callbacks.closed, stats.callbacks.callbacks, stats.callbacks.satisfied) == (
        8, 3, 2)
    assert stats.satisfaction_rate == Decimal("0.6667")
    assert stats.callback_rate == Decimal("0.375")
    # Nine decisions (the withdrawal before any decision is none), one late.
    assert (stats.acceptance.met, stats.acceptance.decided) == (8, 9)
    assert stats.acceptance_on_time_rate == Decimal("0.8889")
    # Six mediations ended in the range (a withdrawal ends one too), one late.
    assert (stats.mediation_on_time.met, stats.mediation_on_time.decided) == (5, 6)
    assert stats.mediation_on_time_rate == Decimal("0.8333")
    # Per office, where the clock stopped: the intake centre's transfer is no decision.
    assert stats.acceptance_by_office == {"SH-HP": OnTime(1, 1), "SH-PD": OnTime(8, 7)}
    assert stats.mediation_by_office == {"SH-PD": OnTime(6, 5)}
    # The withdrawal before a mediator was assigned belongs to no mediator.
    assert stats.mediation_by_mediator == {"med01": OnTime(5, 4)}
    jan, feb, mar, apr, may, jun = stats.months
    assert (jan.month, jan.received, jan.accepted, jan.closed, jan.resolved) == (
        "2026-01", 5, 4, 3, 2)
    assert (jan.amount_recovered, jan.acceptance_on_time_rate) == (Decimal("300.00"),
                                                                   Decimal("0.8"))
    assert jan.mediation_on_time_rate == Decimal("1")
    assert (feb.month, feb.received, feb.accepted, feb.resolved) == ("2026-02", 5, 4, 1)
    assert feb.acceptance_on_time_rate == Decimal("1")
    assert (mar.acceptance_on_time_rate, mar.mediation_on_time_rate) == (None, None)
    assert apr.mediation_on_time_rate == Decimal("0.5")
    assert a is not None


def test_the_on_time_rates_are_the_timeliness_view_s_own_verdicts(wiring, clock):
    story(wiring, clock, START, "+10", "accept")  # late
    story(wiring, clock, START, "accept", "assign", "+70", "terminate:business_refused")
    story(wiring, clock, START, "reject:outside_remit")
    wiring.projections.catch_up()
    c = timeliness_clocks.c
    with wiring.engine.connect() as db:
        verdicts = db.execute(select(c.clock, c.met).where(
            c.stopped_by.in_(("accepted", "rejected", "terminated")))).all()

    stats = disclosure(wiring).statistics(since=date(2026, 1, 1), until=date(2026, 6, 30))

    acceptance = [met for clock, met in verdicts if clock == "acceptance"]
    mediation = [met for clock, met in verdicts if clock == "mediation"]
    assert (stats.acceptance.met, stats.acceptance.decided) == (sum(acceptance), 3) == (2, 3)
    assert (stats.mediation_on_time.met, stats.mediation_on_time.decided) == (
        sum(mediation), 1) == (0, 1)


def test_an_order_121_case_is_judged_by_its_60_day_period(wiring, clock):
    # Accepted 1 September 2026: due 2 November (the 60th day, 31 October, is a Saturday).
    story(wiring, clock, date(2026, 8, 31), "accept", "assign", "+60", "resolve")  # 2 Nov
    story(wiring, clock, date(2026, 8, 31), "accept", "assign", "+61", "resolve")  # 3 Nov

    stats = disclosure(wiring).statistics(since=date(2026, 8, 1), until=date(2026, 11, 30))

    assert (stats.mediation_on_time.met, stats.mediation_on_time.decided) == (1, 2)


def test_a_month_without_complaints_still_has_its_place_in_the_series(wiring, clock):
    story(wiring, clock, START, "accept")

    stats = disclosure(wiring).statistics(since=date(2025, 12, 1), until=date(2026, 2, 10))

    assert [(m.month, m.received) for m in stats.months] == [
        ("2025-12", 0), ("2026-01", 1), ("2026-02", 0)]
    assert stats.mediation_success_rate is None and stats.satisfaction_rate is None
    assert stats.callback_rate is None
    with pytest.raises(InvalidValue):
        disclosure(wiring).statistics(since=date(2026, 2, 1), until=date(2026, 1, 1))


def test_the_public_sees_accepted_counts_success_rate_handling_time_and_grade(wiring, clock):
    clock.now = ten_am(date(2024, 11, 1))
    story(wiring, clock, date(2024, 11, 1), "accept", "resolve")  # more than 12 months ago
    story(wiring, clock, START, "accept", "resolve")  # closed after 2 working days
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused")  # 3
    story(wiring, clock, START, "accept", "assign", "+10", "resolve")  # Sunday the 18th: 9
    story(wiring, clock, START, "accept")  # still open
    story(wiring, clock, START, "accept", "withdraw")  # the consumer's choice: no failure
    story(wiring, clock, START, "accept", "withdraw", business=GAMMA)
    story(wiring, clock, START, "reject:outside_remit", business=BETA)  # never accepted
    as_of = date(2026, 3, 1)

    page = disclosure(wiring).public_businesses(as_of=as_of)

    assert page.total == 2
    acme, gamma = page.items
    assert (acme.key, acme.name, acme.grade) == (ACME["uscc"], ACME["name"], "B")
    assert (acme.accepted_12_months, acme.closed, acme.resolved, acme.withdrawn) == (5, 4, 2, 1)
    assert acme.mediation_success_rate == Decimal("0.6667")
    assert acme.median_handling_working_days == Decimal("2.5")
    assert (gamma.accepted_12_months, gamma.mediation_success_rate, gamma.grade) == (
        1, None, "A")
    assert gamma.median_handling_working_days == Decimal("2")
    found = disclosure(wiring).public_businesses("优选", as_of=as_of)
    assert [b.key for b in found.items] == [ACME["uscc"]]
    by_code = disclosure(wiring).public_businesses(ACME["uscc"].lower(), as_of=as_of)
    assert [b.key for b in by_code.items] == [ACME["uscc"]]
    assert disclosure(wiring).public_businesses("好物", as_of=as_of).items == []
    # Without the setting the grade is not published at all (SPEC §5).
    unpublished = disclosure(wiring, show_grade=False).public_businesses(as_of=as_of)
    assert [b.grade for b in unpublished.items] == [None, None]
    assert unpublished.show_grade is False
    paged = disclosure(wiring).public_businesses(as_of=as_of, page=2, per_page=1)
    assert [b.key for b in paged.items] == [GAMMA["uscc"]] and paged.total == 2


def test_the_public_success_rate_and_the_supervisors_success_rate_agree(wiring, clock):
    for steps in (["accept", "assign", "resolve"], ["accept", "resolve"],
                  ["accept", "assign", "terminate:business_refused"],
                  ["accept", "assign", "escalate:court"], ["accept", "withdraw"],
                  ["accept", "withdraw:settled_privately"],
                  ["accept", "assign", "resolve", "escalate:court:agreement_breached"],
                  ["reject:outside_remit"], ["withdraw"], ["accept"]):
        story(wiring, clock, START, *steps)

    public = disclosure(wiring).public_businesses(as_of=date(2026, 3, 1)).items[0]
    stats = disclosure(wiring).statistics(since=date(2026, 1, 1), until=date(2026, 3, 1))

    assert public.mediation_success_rate == stats.mediation_success_rate == Decimal("0.6")
    assert (public.withdrawn, public.settled_privately) == (
        stats.mediation.withdrawn, stats.mediation.settled_privately) == (1, 1)
    assert public.resolved == stats.mediation.resolved == 3


def serialised(answer) -> str:
    data = dataclasses.asdict(answer) if dataclasses.is_dataclass(answer) else answer
    if isinstance(answer, list):
        data = [dataclasses.asdict(item) for item in answer]
    return json.dumps(data, default=str, ensure_ascii=False)


def test_no_public_or_statistical_answer_holds_any_consumer_personal_data(wiring, clock):
    now = datetime(2026, 6, 1, 10, tzinfo=UTC)
    complaints = list(DemoFactory(seed=5, now=now).complaints(300))
    for start in range(0, len(complaints), 50):
        wiring.desk.record(*complaints[start:start + 50])
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused")
    wiring.projections.catch_up()
    personal: set[str] = set()
    for notification in wiring.desk.recorder.select_notifications(None, 100_000):
        event = wiring.desk.mapper.to_domain_event(notification)
        if isinstance(event, Complaint.Filed):
            personal |= {str(v) for v in event.consumer.values() if v}
    assert len(personal) > 300 and "张三丰" in personal and "13812345678" in personal
    as_of = date(2026, 6, 1)
    public = disclosure(wiring)

    answers = []
    page = public.public_businesses(as_of=as_of, per_page=10)
    answers.append(page)
    for n in range(2, page.total // 10 + 2):
        answers.append(public.public_businesses(as_of=as_of, page=n, per_page=10))
    answers.append(public.public_businesses("有限公司", as_of=as_of))
    answers.append(public.statistics(since=date(2025, 1, 1), until=as_of))
    answers.append(wiring.credit.grades(as_of=as_of, per_page=500))
    answers.append(wiring.credit.watch_list(as_of=as_of))
    answers.append(wiring.credit.model_candidates(as_of=as_of))
    answers.append(wiring.credit.what_if(
        b'version = "x"\n[[rule]]\nid = "a"\ntrigger = "Accepted"\npoints = 5', as_of=as_of))
    for business in wiring.credit.grades(as_of=as_of, per_page=500).items:
        answers.append(wiring.credit.business(business.key, as_of=as_of))

    text = "\n".join(serialised(a) for a in answers)
    assert sum(len(a.items) for a in answers[:page.total // 10 + 1]) == page.total > 10
    leaked = sorted(p for p in personal if p in text)
    assert leaked == []


def test_rebuilding_after_the_upgrade_drops_the_old_copy_of_suspensions(wiring):
    with wiring.engine.begin() as db:
        db.execute(text("CREATE TABLE complaint_suspensions (complaint_id VARCHAR(36))"))

    wiring.projections.rebuild(["statistics"])

    assert "complaint_suspensions" not in inspect(wiring.engine).get_table_names()
    assert "complaint_facts" in inspect(wiring.engine).get_table_names()
