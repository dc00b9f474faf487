"""Statistics for supervisors and the public disclosure (SPEC §5), with a weekends-only
calendar so the working-day counts can be checked by hand; and no personal data, ever."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.demo_data import DemoFactory
from adapters.settings import Settings
from adapters.views.statistics import StatisticsView
from api.bootstrap import wire
from application.statistics import Disclosure
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


def disclosure(wiring) -> Disclosure:
    """The wired view's data, read with a calendar of weekends only."""
    wiring.projections.catch_up()
    facts = StatisticsView(wiring.engine, working_days=WeekendsOnly(), tz=wiring.settings.tz)
    return Disclosure(facts=facts, ledger=wiring.credit_ledger, rules=wiring.credit.rules)


def test_statistics_count_rate_and_sum_the_complaints_received_in_the_range(wiring, clock):
    story(wiring, clock, START, "accept", "assign", "resolve:200.00", "rate:5")
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused", "rate:2",
          industry="catering", category="services")
    story(wiring, clock, START, "reject:outside_remit", channel="web")
    story(wiring, clock, START, "+10", "accept")  # decided after 9 working days: late
    # Suspended for 15 working days, which extend the 45: on time though 54 days long.
    story(wiring, clock, FEB, "accept", "assign", "suspend", "+20", "resume", "+50",
          "resolve:50.50")
    story(wiring, clock, FEB, "accept", "assign", "+70", "escalate:court")  # mediation late
    # The acceptance clock restarts at a transfer: 7 working days from there is on time.
    story(wiring, clock, FEB + timedelta(days=1), "transfer:SH-HP", "+8", "accept")
    story(wiring, clock, FEB + timedelta(days=1), "withdraw", channel="wechat")
    story(wiring, clock, date(2026, 3, 10), "accept")  # received after the range

    stats = disclosure(wiring).statistics(since=date(2026, 1, 1), until=date(2026, 2, 28))

    assert stats.received == 8
    assert stats.by_state == {"accepted": 2, "escalated": 1, "rejected": 1, "resolved": 2,
                              "terminated": 1, "withdrawn": 1}
    assert stats.by_channel == {"phone": 6, "web": 1, "wechat": 1}
    assert stats.by_category == {"goods": 7, "services": 1}
    assert stats.by_industry == {"catering": 1, "online_shopping": 7}
    assert stats.by_office == {"SH-HP": 1, "SH-PD": 7}
    assert stats.accepted == 6
    assert (stats.mediation_resolved, stats.mediation_finished) == (2, 4)
    assert stats.mediation_success_rate == Decimal("0.5")
    assert stats.amount_recovered == Decimal("250.50")
    assert (stats.satisfaction_ratings, stats.average_satisfaction) == (2, Decimal("3.5"))
    assert (stats.acceptance_on_time, stats.acceptance_decided) == (7, 8)
    assert stats.acceptance_on_time_rate == Decimal("0.875")
    assert (stats.mediation_on_time, stats.mediation_closed) == (3, 4)
    assert stats.mediation_on_time_rate == Decimal("0.75")
    jan, feb = stats.months
    assert (jan.month, jan.received, jan.accepted, jan.closed, jan.resolved) == (
        "2026-01", 4, 3, 2, 1)
    assert (jan.amount_recovered, jan.acceptance_on_time_rate) == (Decimal("200.00"),
                                                                   Decimal("0.75"))
    assert (feb.month, feb.received, feb.accepted, feb.resolved) == ("2026-02", 4, 3, 1)
    assert feb.mediation_on_time_rate == Decimal("0.5")


def test_a_month_without_complaints_still_has_its_place_in_the_series(wiring, clock):
    story(wiring, clock, START, "accept")

    stats = disclosure(wiring).statistics(since=date(2025, 12, 1), until=date(2026, 2, 10))

    assert [(m.month, m.received) for m in stats.months] == [
        ("2025-12", 0), ("2026-01", 1), ("2026-02", 0)]
    assert stats.mediation_success_rate is None and stats.average_satisfaction is None
    with pytest.raises(InvalidValue):
        disclosure(wiring).statistics(since=date(2026, 2, 1), until=date(2026, 1, 1))


def test_the_public_sees_accepted_counts_share_resolved_handling_time_and_grade(wiring, clock):
    clock.now = ten_am(date(2024, 11, 1))
    story(wiring, clock, date(2024, 11, 1), "accept", "resolve")  # more than 12 months ago
    story(wiring, clock, START, "accept", "resolve")  # closed after 2 working days
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused")  # 3
    story(wiring, clock, START, "accept", "assign", "+10", "resolve")  # Sunday the 18th: 9
    story(wiring, clock, START, "accept")  # still open
    story(wiring, clock, START, "accept", "withdraw", business=GAMMA)
    story(wiring, clock, START, "reject:outside_remit", business=BETA)  # never accepted
    as_of = date(2026, 3, 1)

    page = disclosure(wiring).public_businesses(as_of=as_of)

    assert page.total == 2
    acme, gamma = page.items
    assert (acme.key, acme.name, acme.grade) == (ACME["uscc"], ACME["name"], "B")
    assert (acme.accepted_12_months, acme.closed, acme.resolved) == (4, 3, 2)
    assert acme.resolved_share == Decimal("0.6667")
    assert acme.median_handling_working_days == Decimal("3")
    assert (gamma.accepted_12_months, gamma.resolved_share, gamma.grade) == (1, Decimal("0"), "A")
    assert gamma.median_handling_working_days == Decimal("2")
    found = disclosure(wiring).public_businesses("优选", as_of=as_of)
    assert [b.key for b in found.items] == [ACME["uscc"]]
    by_code = disclosure(wiring).public_businesses(ACME["uscc"].lower(), as_of=as_of)
    assert [b.key for b in by_code.items] == [ACME["uscc"]]
    assert disclosure(wiring).public_businesses("好物", as_of=as_of).items == []
    paged = disclosure(wiring).public_businesses(as_of=as_of, page=2, per_page=1)
    assert [b.key for b in paged.items] == [GAMMA["uscc"]] and paged.total == 2


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
