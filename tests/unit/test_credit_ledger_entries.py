"""From complaint events to ledger entries, with no database: the same function the
projection and the what-if both use, fed by complaints driven through real commands."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from adapters.credit_rules_file import load_credit_rules
from domain.complaint import Complaint
from domain.credit_ledger import CANCELLATION, PENALTY, Entry, entries_for, entry_id_for, still_open
from domain.credit_rules import CreditRules, parse_rules
from tests.unit.builders import SHANGHAI, an_intake, mediator, operator

RULES = load_credit_rules()
FILED = date(2026, 1, 5)
ORDER_121_CASE = date(2026, 5, 4)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def story(*steps: str, start: date = FILED) -> Complaint:
    """A complaint filed on `start`; each step one day after the last ("+N" waits N more days)."""
    day = start
    intake = an_intake(now=at(day), received_at=at(day), incident_date=None)
    complaint = Complaint.file(intake, actor=operator,
                               at=at(day), tz=SHANGHAI)
    for step in steps:
        if step.startswith("+"):
            day += timedelta(days=int(step[1:]))
            continue
        day += timedelta(days=1)
        command, _, arg = step.partition(":")
        if command == "accept":
            complaint.accept(actor=operator, at=at(day), tz=SHANGHAI)
        elif command == "assign":
            complaint.assign(actor=operator, at=at(day), mediator=mediator.username)
        elif command == "resolve":
            by = mediator if complaint.mediator else operator  # direct settlement: operator
            complaint.resolve(actor=by, at=at(day), outcome="refund",
                              amount_recovered="10", terms="退款")
        elif command == "terminate":
            # Whether the period has run out is the application's question (and the
            # lifecycle tests'); these stories are about the ledger.
            complaint.terminate(actor=mediator, at=at(day), reason=arg, period_over=True)
        elif command == "escalate":
            forum, _, reason = arg.partition(":")
            complaint.escalate(actor=mediator, at=at(day), forum=forum,
                               reason=reason or "consumer chose to go on")
        elif command == "withdraw":
            complaint.withdraw(actor=operator, at=at(day), note="撤回", kind=arg or None)
        else:
            raise ValueError(step)
    return complaint


def ledger(complaint: Complaint | list[Any], rules: CreditRules = RULES) -> list[Entry]:
    """Every entry the complaint's events make, carrying open penalties as the projection does."""
    made: list[Entry] = []
    open_: list[Entry] = []
    events = complaint if isinstance(complaint, list) else complaint.collect_events()
    for event in events:
        new = entries_for(rules, event, on=event.at.astimezone(SHANGHAI).date(), open_entries=open_)
        open_ = still_open(rules, open_, new)
        made.extend(new)
    return made


def summary(entries: list[Entry]) -> list[tuple[str, str, int, int]]:
    return [(e.rule, e.kind, e.points, e.version) for e in entries]


@pytest.mark.parametrize(("steps", "expected"), [
    # Filing and accepting a complaint charge nothing (SPEC §4).
    (["accept"], []),
    (["accept", "assign", "terminate:business_refused"], [("refused_mediation", PENALTY, 5, 4)]),
    (["accept", "assign", "terminate:business_unreachable"], [("unreachable", PENALTY, 3, 4)]),
    (["accept", "assign", "terminate:no_agreement_in_time"], [("no_agreement", PENALTY, 1, 4)]),
    (["accept", "assign", "terminate:no_agreement_possible"], [("no_agreement", PENALTY, 1, 4)]),
    # The consumer's side, or nobody's conduct.
    (["accept", "assign", "terminate:consumer_refused_or_absent"], []),
    (["accept", "assign", "terminate:inadmissible_found"], []),
    (["accept", "assign", "terminate:other"], []),
    # The consumer going to court or arbitration; the complainant referred to the police.
    (["accept", "assign", "escalate:court"], []),
    (["accept", "assign", "terminate:no_agreement_possible", "escalate:arbitration"],
     [("no_agreement", PENALTY, 1, 4)]),
    (["accept", "assign", "escalate:police"], []),
    (["accept", "assign", "escalate:judicial_transfer"], [("judicial_transfer", PENALTY, 10, 4)]),
    (["accept", "assign", "resolve", "escalate:court:agreement_breached"],
     [("agreement_breached", PENALTY, 10, 5)]),
    (["accept", "resolve"], []),
    (["accept", "withdraw"], []),
    (["accept", "withdraw:settled_privately"], []),
    (["withdraw"], []),
])
def test_each_default_rule_makes_its_entry_from_the_event_that_triggers_it(steps, expected):
    assert summary(ledger(story(*steps))) == expected


@pytest.mark.parametrize("steps", [
    # Grounds Order 121 added, none of them the business's conduct.
    ["accept", "assign", "terminate:fraud_suspected"],
    ["accept", "assign", "terminate:fraud_suspected", "escalate:police"],
    ["accept", "assign", "terminate:party_ceased"],
    ["accept", "assign", "terminate:testing_fee_disagreement"],
    ["accept", "withdraw:settled_privately"],
])
def test_an_order_121_case_ended_on_the_consumer_s_side_charges_the_business_nothing(steps):
    assert ledger(story(*steps, start=ORDER_121_CASE)) == []


# The defaults cancel nothing any more; a rules file may still make a point that a
# later event cancels, and the ledger must keep explaining itself.
CANCELLABLE = parse_rules('''
    version = "cancellable-1"
    [[rule]]
    id = "accepted_complaint"
    trigger = "Accepted"
    points = 1
    cancelled_by = ["Resolved", "Withdrawn"]
    [[rule]]
    id = "refused_mediation"
    trigger = "Terminated"
    when = { reason = "business_refused" }
    points = 5
''')


@pytest.mark.parametrize(("steps", "expected"), [
    (["accept"], [("accepted_complaint", PENALTY, 1, 2)]),
    (["accept", "resolve"],
     [("accepted_complaint", PENALTY, 1, 2), ("accepted_complaint", CANCELLATION, -1, 3)]),
    (["accept", "withdraw"],
     [("accepted_complaint", PENALTY, 1, 2), ("accepted_complaint", CANCELLATION, -1, 3)]),
    (["accept", "assign", "terminate:business_refused"],
     [("accepted_complaint", PENALTY, 1, 2), ("refused_mediation", PENALTY, 5, 4)]),
])
def test_a_file_s_cancellable_rule_is_cancelled_by_the_events_it_names(steps, expected):
    assert summary(ledger(story(*steps), CANCELLABLE)) == expected


def test_an_entry_counts_for_365_days_from_the_day_of_its_event():
    (entry,) = ledger(story("accept", "assign", "terminate:business_refused"))

    assert entry.effective == FILED + timedelta(days=3)
    assert entry.expires == entry.effective + timedelta(days=365)
    assert entry.in_force(entry.effective + timedelta(days=364))
    assert not entry.in_force(entry.expires)
    assert not entry.in_force(entry.effective - timedelta(days=1))


def test_a_cancellation_runs_from_the_resolution_until_the_cancelled_point_would_expire():
    point, cancellation = ledger(story("accept", "+30", "resolve"), CANCELLABLE)

    assert cancellation.cancels == point.id
    assert cancellation.effective == point.effective + timedelta(days=31)
    assert cancellation.expires == point.expires
    for day in (point.effective, cancellation.effective, point.expires - timedelta(days=1),
                point.expires):
        in_force = sum(e.points for e in (point, cancellation) if e.in_force(day))
        assert in_force == (1 if day < cancellation.effective and day < point.expires else 0)


def test_a_resolution_after_the_point_expired_cancels_nothing():
    assert summary(ledger(story("accept", "+400", "resolve"), CANCELLABLE)) == [
        ("accepted_complaint", PENALTY, 1, 2)]


def test_entry_ids_come_from_complaint_version_and_rule_so_every_rebuild_makes_the_same():
    complaint = story("accept", "assign", "terminate:business_refused")
    events = complaint.collect_events()
    first = ledger(events, CANCELLABLE)
    again = ledger(list(events), CANCELLABLE)

    assert [e.id for e in first] == [e.id for e in again]
    assert first[1].id == entry_id_for(complaint.id, 4, "refused_mediation")
    assert len({e.id for e in ledger(story("accept"), CANCELLABLE) + first}) == 3


def test_an_entry_id_is_the_text_of_a_standard_name_based_uuid():
    from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

    complaint_id = uuid4()
    namespace = uuid5(NAMESPACE_URL, "urn:complaint-desk:credit-entry")
    made = entry_id_for(complaint_id, 7, "escalated", cancels="x")

    assert made == str(uuid5(namespace, f"{complaint_id}/7/escalated/cancels/x"))
    assert UUID(made).version == 5


def test_a_stricter_file_makes_more_points_from_the_same_events():
    stricter = parse_rules('''
        version = "strict"
        [[rule]]
        id = "accepted_complaint"
        trigger = "Accepted"
        points = 4
        [[rule]]
        id = "any_termination"
        trigger = "Terminated"
        points = 8
    ''')
    complaint = story("accept", "assign", "terminate:consumer_refused_or_absent")
    events: list[Any] = list(complaint.collect_events())
    entries = [e for event in events
               for e in entries_for(stricter, event, on=event.at.astimezone(SHANGHAI).date())]

    assert [(e.rule, e.points) for e in entries] == [("accepted_complaint", 4),
                                                     ("any_termination", 8)]
