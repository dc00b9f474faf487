"""The credit ledger, from complaint events through the projection to grades (SPEC §4),
on SQLite and PostgreSQL: every default rule, expiry, cancellation, credit repair,
the watch list, model candidates, and a changed rules file rebuilt over the history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.event_table import stored_events_by_complaint
from adapters.settings import Settings
from adapters.views.credit_ledger import credit_entries
from api.bootstrap import wire
from domain.permissions import Actor
from domain.vocabulary import Role
from application.credit import BusinessNotFound, CreditEntryNotFound
from domain.credit_repair import AlreadyVoided
from domain.errors import InvalidValue, NotPermitted
from tests.integration.credit_story import (
    ACME, BETA, GAMMA, mediator, operator, story, supervisor,
)

START = date(2026, 1, 5)  # a Monday
ACME_KEY = ACME["uscc"]


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def credit(wiring, key=ACME_KEY, *, on: date):
    wiring.projections.catch_up()
    return wiring.credit.business(key, as_of=on)


def penalties(answer):
    return [(e.rule, e.kind, e.points, e.voided) for e in answer.entries]


def days_of(steps) -> int:
    """How many days after filing the last step happens (see credit_story)."""
    return sum(int(step[1:]) if step.startswith("+") else 1 for step in steps)


@pytest.mark.parametrize(("steps", "rule", "points", "grade"), [
    (["accept", "assign", "terminate:business_refused"], "refused_mediation", 5, "B"),
    (["accept", "assign", "terminate:business_unreachable"], "unreachable", 3, "B"),
    # Refused while the 45 working days run; 70 days later the period is over.
    (["accept", "assign", "+70", "terminate:no_agreement_in_time"], "no_agreement", 1, "A"),
    (["accept", "assign", "terminate:no_agreement_possible"], "no_agreement", 1, "A"),
    (["accept", "assign", "escalate:judicial_transfer"], "judicial_transfer", 10, "C"),
    (["accept", "assign", "resolve", "escalate:court:agreement_breached"],
     "agreement_breached", 10, "C"),
])
def test_each_default_rule_turns_its_event_into_a_ledger_entry_and_a_grade(
        wiring, clock, steps, rule, points, grade):
    complaint_id = story(wiring, clock, START, *steps)
    last = wiring.desk.history(complaint_id)[-1]

    answer = credit(wiring, on=START + timedelta(days=days_of(steps) + 1))

    (entry,) = answer.entries
    assert (entry.rule, entry.kind) == (rule, "penalty")
    assert entry.complaint_id == str(complaint_id)
    assert entry.version == last.version  # the event that caused it
    assert entry.effective == START + timedelta(days=days_of(steps))
    assert entry.expires == entry.effective + timedelta(days=365)
    assert (answer.points, answer.grade) == (points, grade)
    assert answer.key == ACME_KEY and answer.name == ACME["name"]


ORDER_121 = date(2026, 5, 4)  # a Monday under Order 121


@pytest.mark.parametrize(("start", "steps"), [
    (START, ["accept"]),
    (START, ["accept", "assign"]),
    (START, ["accept", "resolve"]),
    (START, ["accept", "withdraw"]),
    (START, ["accept", "assign", "escalate:court"]),
    (START, ["accept", "assign", "escalate:arbitration"]),
    (START, ["accept", "assign", "terminate:consumer_refused_or_absent"]),
    (START, ["accept", "assign", "terminate:inadmissible_found"]),
    (START, ["accept", "assign", "terminate:other"]),
    # The complainant suspected of fraud, referred to the police (Order 121 Art. 42).
    (ORDER_121, ["accept", "assign", "terminate:fraud_suspected", "escalate:police"]),
    (ORDER_121, ["accept", "assign", "escalate:police"]),
    (ORDER_121, ["accept", "assign", "terminate:party_ceased"]),
    (ORDER_121, ["accept", "assign", "terminate:testing_fee_disagreement"]),
    (ORDER_121, ["accept", "withdraw:settled_privately"]),
])
def test_the_consumer_s_choices_and_conduct_never_charge_the_business(wiring, clock, start,
                                                                       steps):
    story(wiring, clock, start, *steps)

    answer = credit(wiring, on=start + timedelta(days=days_of(steps) + 1))

    assert (answer.points, answer.grade, answer.entries) == (0, "A", [])


def test_twenty_open_accepted_complaints_leave_a_large_business_at_grade_a(wiring, clock):
    for _ in range(20):
        story(wiring, clock, START, "accept", "assign")

    answer = credit(wiring, on=START + timedelta(days=5))

    assert (answer.points, answer.grade, answer.watched) == (0, "A", False)
    assert wiring.credit.watch_list(as_of=START + timedelta(days=5)) == []


def test_points_count_for_365_days_and_then_expire(wiring, clock):
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused")
    story(wiring, clock, START, "accept", "assign", "escalate:judicial_transfer")
    effective = START + timedelta(days=3)

    assert credit(wiring, on=effective - timedelta(days=1)).points == 0
    assert credit(wiring, on=effective).points == 15
    last_day = credit(wiring, on=effective + timedelta(days=364))
    assert (last_day.points, last_day.grade) == (15, "C")
    after = credit(wiring, on=effective + timedelta(days=365))
    assert (after.points, after.grade, after.entries) == (0, "A", [])


# The defaults cancel nothing; a rules file may still make a point that a later event
# cancels, and the ledger keeps explaining itself.
CANCELLABLE = '''
version = "cancellable-1"

[[rule]]
id = "accepted_complaint"
trigger = "Accepted"
points = 1
cancelled_by = ["Resolved", "Withdrawn"]
'''


@pytest.fixture
def cancellable(database_url, clock, tmp_path):
    rules_file = tmp_path / "cancellable.toml"
    rules_file.write_text(CANCELLABLE, encoding="utf-8")
    wiring = wire(Settings(database_url=database_url, credit_rules=rules_file), clock=clock)
    yield wiring
    wiring.close()


@pytest.mark.parametrize("ending", ["resolve", "withdraw"])
def test_a_file_s_accepted_complaint_point_is_cancelled_by_resolution_or_withdrawal(
        cancellable, clock, ending):
    wiring = cancellable
    story(wiring, clock, START, "accept", "+9", ending)
    accepted_on, ended_on = START + timedelta(days=1), START + timedelta(days=11)

    before = credit(wiring, on=ended_on - timedelta(days=1))
    after = credit(wiring, on=ended_on)

    assert (before.points, penalties(before)) == (1, [("accepted_complaint", "penalty", 1, False)])
    assert after.points == 0
    assert penalties(after) == [("accepted_complaint", "penalty", 1, False),
                                ("accepted_complaint", "cancellation", -1, False)]
    point, cancellation = after.entries
    assert cancellation.cancels == point.id
    assert (point.effective, cancellation.effective) == (accepted_on, ended_on)
    assert cancellation.expires == point.expires
    assert credit(wiring, on=point.expires).entries == []


def test_a_supervisor_voids_an_entry_with_a_reason_and_the_ledger_shows_it(wiring, clock):
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused")
    on = START + timedelta(days=10)
    refused = next(e for e in credit(wiring, on=on).entries if e.rule == "refused_mediation")

    for not_a_supervisor in (operator, mediator):
        with pytest.raises(NotPermitted):
            wiring.credit.void(refused.id, actor=not_a_supervisor, reason="商家申诉")
    wiring.credit.void(refused.id, actor=supervisor, reason="复核：商家未收到调解通知")

    answer = credit(wiring, on=on)
    voided = next(e for e in answer.entries if e.id == refused.id)
    assert voided.voided and voided.void_reason == "复核：商家未收到调解通知"
    assert voided.voided_by == "sup01"
    assert (answer.points, answer.grade) == (0, "A")
    # The void is itself an event in the record, never a deletion.
    (recorded,) = [e for e, _ in _log(wiring) if type(e).__name__ == "EntryVoided"]
    assert recorded.entry_id == refused.id
    assert recorded.actor == {"username": "sup01", "role": "supervisor"}
    assert recorded.reason == "复核：商家未收到调解通知"
    # It is hash-chained like every complaint event, so the whole-store audit stays clean.
    table = wiring.desk.recorder.events_table_name
    assert wiring.desk.verify_store(stored_events_by_complaint(wiring.engine, table)).intact
    with pytest.raises(AlreadyVoided):
        wiring.credit.void(refused.id, actor=supervisor, reason="again")
    with pytest.raises(AlreadyVoided):  # even if the view has not caught up yet
        wiring.desk.void_credit_entry(refused.id, actor=supervisor, reason="again")
    # A rebuild replays the void onto the same (deterministic) entry id.
    wiring.projections.rebuild(["credit_ledger"])
    answer = credit(wiring, on=on)
    assert answer.points == 0 and [e.voided for e in answer.entries] == [True]


def test_voiding_an_accepted_point_voids_its_cancellation_too(cancellable, clock):
    wiring = cancellable
    complaint_id = story(wiring, clock, START, "accept")
    point = credit(wiring, on=START + timedelta(days=2)).entries[0]
    wiring.credit.void(point.id, actor=supervisor, reason="受理有误")
    clock.advance(days=5)
    wiring.desk.resolve(complaint_id, actor=operator, outcome="refund",
                        amount_recovered="1.00", terms="退款")

    answer = credit(wiring, on=START + timedelta(days=20))

    assert answer.points == 0  # not -1: a cancelled nothing cancels nothing
    assert [(e.kind, e.voided) for e in answer.entries] == [("penalty", True),
                                                             ("cancellation", True)]
    assert answer.entries[1].void_reason == "the entry it cancels was voided"
    with pytest.raises(InvalidValue, match="cancellation"):
        wiring.credit.void(answer.entries[1].id, actor=supervisor, reason="no")


def test_voiding_an_unknown_entry_is_refused(wiring):
    with pytest.raises(CreditEntryNotFound):
        wiring.credit.void("3f2a1c1e-0000-4000-8000-000000000000", actor=supervisor, reason="x")
    with pytest.raises(InvalidValue):
        wiring.credit.void("bogus", actor=supervisor, reason="x")


def test_a_business_is_found_by_credit_code_or_by_its_name_in_any_spelling(wiring, clock):
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused", business=BETA)
    on = START + timedelta(days=3)
    wiring.projections.catch_up()

    for spelling in ("申城好物网络科技有限公司", " 申城 好物网络科技有限公司", "申城　好物网络科技有限公司"):
        assert wiring.credit.business(spelling, as_of=on).points == 5
    story(wiring, clock, START, "accept")
    assert credit(wiring, ACME_KEY.lower(), on=on).key == ACME_KEY
    with pytest.raises(BusinessNotFound):
        wiring.credit.business("无此商家", as_of=on)


def test_grade_d_puts_a_business_on_the_watch_list(wiring, clock):
    for _ in range(2):
        story(wiring, clock, START, "accept", "assign", "escalate:judicial_transfer")
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused", business=GAMMA)
    story(wiring, clock, START, "accept", business=BETA)
    on = START + timedelta(days=10)
    wiring.projections.catch_up()

    watch = wiring.credit.watch_list(as_of=on)
    assert [(b.key, b.points, b.grade) for b in watch] == [(ACME_KEY, 20, "D")]
    listed = wiring.credit.grades(as_of=on)
    assert [(b.name, b.grade) for b in listed.items] == [
        (ACME["name"], "D"), (GAMMA["name"], "B"), (BETA["name"], "A")]
    only_b = wiring.credit.grades(as_of=on, grade="b")
    assert [b.key for b in only_b.items] == [GAMMA["uscc"]] and only_b.total == 1
    assert wiring.credit.watch_list(as_of=on + timedelta(days=370)) == []
    with pytest.raises(InvalidValue):
        wiring.credit.grades(as_of=on, grade="E")


def test_model_candidates_resolve_nearly_all_their_cases_and_please_consumers(wiring, clock):
    for score in (5, 4, 5):
        story(wiring, clock, START, "accept", "assign", "resolve", f"rate:{score}")
    story(wiring, clock, START, "accept", "withdraw", "rate:basically_satisfied")  # no failure
    # Gamma resolves as often, but broke an agreement: a penalty in force.
    for _ in range(3):
        story(wiring, clock, START, "accept", "resolve", "rate:5", business=GAMMA)
    story(wiring, clock, START, "accept", "assign", "resolve", "escalate:court:agreement_breached",
          business=GAMMA)
    # Beta settles everything but its consumers are unhappy: one in three satisfied.
    for level in ("dissatisfied", "basically_satisfied", "dissatisfied"):
        story(wiring, clock, START, "accept", "resolve", f"rate:{level}", business=BETA)
    wiring.projections.catch_up()
    # A candidate also needs an integrity pledge in force (SPEC §14).
    assert wiring.credit.model_candidates(as_of=START + timedelta(days=30)) == []
    supervisor = Actor("sup1", Role.SUPERVISOR)
    for business in (ACME, GAMMA):
        wiring.businesses.record_pledge(actor=supervisor, own_code=None, key=business["uscc"],
                                        kind="compensation_first", start=START,
                                        end=START + timedelta(days=364))

    candidates = wiring.credit.model_candidates(as_of=START + timedelta(days=30))

    assert [(c.key, c.closed, c.resolved, c.callbacks) for c in candidates] == [
        (ACME_KEY, 4, 3, 4)]
    assert candidates[0].mediation_success_rate == Decimal("1")
    assert candidates[0].satisfaction_rate == Decimal("1")
    assert wiring.credit.model_candidates(as_of=START + timedelta(days=400)) == []


def test_upgrading_to_the_2026_2_defaults_changes_existing_ledgers_after_a_rebuild(
        database_url, clock):
    old_file = Path(__file__).with_name("rules_2026_1.toml")
    settings = Settings(database_url=database_url, credit_rules=old_file)
    before = wire(settings, clock=clock)
    try:
        for _ in range(3):
            story(before, clock, START, "accept", "assign")
        story(before, clock, START, "accept", "assign", "escalate:court")
        on = START + timedelta(days=10)
        assert credit(before, on=on).points == 7  # a point per acceptance, 3 for court
        assert before.credit_ledger.rules_versions() == {"spec4-default-2026.1": 5}
    finally:
        before.close()

    after = wire(settings.model_copy(update={"credit_rules": None}), clock=clock)
    try:
        after.projections.rebuild(["credit_ledger"])

        assert after.credit_ledger.rules_versions() == {}
        assert (credit(after, on=on).points, credit(after, on=on).grade) == (0, "A")
    finally:
        after.close()


STRICTER = '''
version = "stricter-2027"
in_force_days = 730

[grades]
B = 2
C = 5
D = 8

[[rule]]
id = "accepted_complaint"
trigger = "Accepted"
points = 2
cancelled_by = ["Resolved"]

[[rule]]
id = "refused_mediation"
trigger = "Terminated"
when = { reason = ["business_refused", "business_unreachable"] }
points = 6
'''


def test_changing_the_rules_file_and_rebuilding_recomputes_every_ledger(
        database_url, clock, tmp_path):
    settings = Settings(database_url=database_url)
    first = wire(settings, clock=clock)
    try:
        story(first, clock, START, "accept", "assign", "terminate:business_unreachable")
        story(first, clock, START, "accept", "withdraw", business=BETA)
        refused = story(first, clock, START, "accept", "assign", "terminate:business_refused",
                        business=GAMMA)
        on = START + timedelta(days=400)  # past 365 days, within 730
        first.projections.catch_up()
        gamma_entries = first.credit.business(GAMMA["uscc"], as_of=START + timedelta(days=5))
        voided = next(e for e in gamma_entries.entries if e.rule == "refused_mediation")
        first.credit.void(voided.id, actor=supervisor, reason="申诉成立")
        first.projections.catch_up()
        assert first.credit.grades(as_of=on).items[0].points == 0
        old_rows = _entry_rows(first)
    finally:
        first.close()

    rules_file = tmp_path / "stricter.toml"
    rules_file.write_text(STRICTER, encoding="utf-8")
    second = wire(settings.model_copy(update={"credit_rules": rules_file}), clock=clock)
    try:
        assert _entry_rows(second) == old_rows  # nothing changes until the rebuild
        second.projections.rebuild(["credit_ledger"])

        assert second.credit_ledger.rules_versions() == {"stricter-2027": 5}
        acme = second.credit.business(ACME_KEY, as_of=on)
        assert [(e.rule, e.points) for e in acme.entries] == [
            ("accepted_complaint", 2), ("refused_mediation", 6)]
        assert (acme.points, acme.grade) == (8, "D")
        beta = second.credit.business(BETA["name"], as_of=on)
        assert (beta.points, beta.grade) == (2, "B")  # withdrawal no longer cancels
        gamma = second.credit.business(GAMMA["uscc"], as_of=on)
        # Same complaint, version and rule: the same entry id, so the void still holds.
        assert [(e.rule, e.voided) for e in gamma.entries] == [
            ("accepted_complaint", False), ("refused_mediation", True)]
        assert gamma.entries[1].id == voided.id
        assert gamma.entries[1].complaint_id == str(refused)
        assert (gamma.points, gamma.grade) == (2, "B")
    finally:
        second.close()


def _entry_rows(wiring):
    with wiring.engine.connect() as db:
        return [tuple(r) for r in db.execute(select(credit_entries).order_by(credit_entries.c.id))]


def _log(wiring):
    recorder, mapper = wiring.desk.recorder, wiring.desk.mapper
    return [(mapper.to_domain_event(n), n.id) for n in recorder.select_notifications(None, 10_000)]
