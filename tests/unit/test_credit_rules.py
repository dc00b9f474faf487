"""The credit rules file: the SPEC §4 defaults ship with the service; a bad file names its bad key."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from adapters.credit_rules_file import DEFAULT_RULES_FILE, load_credit_rules
from domain.credit_rules import parse_rules
from domain.errors import InvalidValue
from domain.grades import Grade

SPEC_RULES = {
    # id: (trigger, points)
    "refused_mediation": ("Terminated", 5),
    "unreachable": ("Terminated", 3),
    "no_agreement": ("Terminated", 1),
    "judicial_transfer": ("Escalated", 10),
    "agreement_breached": ("Escalated", 10),
    # SPEC §13: a report closed with a penalty decided.
    "violation_confirmed": ("ReportClosed", 10),
}


def event(name: str, **fields: object) -> object:
    return type(name, (SimpleNamespace,), {})(**fields)


def test_the_shipped_file_holds_the_spec_defaults():
    rules = load_credit_rules()

    assert {r.id: (r.trigger, r.points) for r in rules.rules} == SPEC_RULES
    assert rules.cancellable == frozenset()
    assert rules.in_force_days == 365
    assert (rules.grades.b, rules.grades.c, rules.grades.d) == (3, 10, 20)
    assert rules.grades.watch is Grade.D
    assert rules.model.min_closed == 3
    assert rules.model.min_success_rate == Decimal("0.9")
    assert rules.model.min_callbacks == 3
    assert rules.model.min_satisfaction_rate == Decimal("0.9")
    assert rules.version == "spec4-default-2026.3"


def test_nothing_in_the_shipped_file_charges_a_filed_or_accepted_complaint():
    rules = load_credit_rules()
    assert rules.triggered_by("Filed") == () and rules.triggered_by("Accepted") == ()
    assert rules.triggered_by("Withdrawn") == () and rules.triggered_by("Rejected") == ()


def test_a_terminated_complaint_earns_points_only_for_the_reasons_its_rules_name():
    rules = load_credit_rules()
    earned = {
        reason: [r.id for r in rules.triggered_by("Terminated")
                 if r.matches(event("Terminated", reason=reason))]
        for reason in ("business_refused", "business_unreachable", "no_agreement_in_time",
                       "no_agreement_possible", "consumer_refused_or_absent",
                       "inadmissible_found", "fraud_suspected", "party_ceased",
                       "testing_fee_disagreement", "testing_disagreement", "other")
    }
    assert earned == {
        "business_refused": ["refused_mediation"],
        "business_unreachable": ["unreachable"],
        "no_agreement_in_time": ["no_agreement"],
        "no_agreement_possible": ["no_agreement"],
        # The consumer's side, or nobody's conduct: the business is not charged.
        "consumer_refused_or_absent": [],
        "inadmissible_found": [],
        "fraud_suspected": [],
        "party_ceased": [],
        "testing_fee_disagreement": [],
        "testing_disagreement": [],
        "other": [],
    }


@pytest.mark.parametrize(("forum", "from_state", "reason", "expected"), [
    # The consumer going on to court or arbitration is the consumer's choice.
    ("court", "mediated", "x", []),
    ("arbitration", "terminated", "x", []),
    # The complainant suspected of fraud (Order 121 Art. 42) is no fault of the business.
    ("police", "mediated", "x", []),
    ("police", "terminated", "x", []),
    ("judicial_transfer", "mediated", "x", ["judicial_transfer"]),
    ("court", "resolved", "agreement_breached", ["agreement_breached"]),
    ("judicial_transfer", "resolved", "agreement_breached",
     ["agreement_breached", "judicial_transfer"]),
])
def test_an_escalation_earns_points_only_for_the_business_s_own_conduct(forum, from_state,
                                                                        reason, expected):
    rules = load_credit_rules()
    escalation = event("Escalated", forum=forum, from_state=from_state, reason=reason)
    assert [r.id for r in rules.triggered_by("Escalated") if r.matches(escalation)] == expected


GOOD = '''
version = "test-1"

[[rule]]
id = "refused"
trigger = "Terminated"
when = { reason = "business_refused" }
points = 5
'''


@pytest.mark.parametrize(("text", "field"), [
    ("version = [", "rules"),
    ('points = 3\nversion = "x"', "points"),
    ("[[rule]]\nid = 'a'\ntrigger = 'Accepted'\npoints = 1", "version"),
    ('version = ""', "version"),
    ('version = "x"\nin_force_days = 0', "in_force_days"),
    ('version = "x"\nrule = 3', "rule"),
    ('version = "x"\n[[rule]]\nid = "A b"\ntrigger = "Accepted"\npoints = 1', "rule[0].id"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Sued"\npoints = 1', "rule[0].trigger"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Accepted"', "rule[0].points"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Accepted"\npoints = "1"', "rule[0].points"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Accepted"\npoints = true', "rule[0].points"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Accepted"\npoints = 0', "rule[0].points"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Accepted"\npoints = 1\ncolour = "red"',
     "rule[0].colour"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Terminated"\npoints = 1\n'
     'when = { forum = "court" }', "rule[0].when.forum"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Terminated"\npoints = 1\n'
     'when = { reason = "business_rude" }', "rule[0].when.reason"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Escalated"\npoints = 1\n'
     'unless = { from_state = "filed" }', "rule[0].unless.from_state"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Terminated"\npoints = 1\n'
     'when = { reason = [] }', "rule[0].when.reason"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Accepted"\npoints = 1\n'
     'cancelled_by = ["Forgiven"]', "rule[0].cancelled_by"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Accepted"\npoints = 1\n'
     '[[rule]]\nid = "a"\ntrigger = "Withdrawn"\npoints = 1', "rule[1].id"),
    ('version = "x"\n[grades]\nB = 3\nC = 3\nD = 20', "grades.C"),
    ('version = "x"\n[grades]\nB = 3\nC = 10\nD = 5', "grades.D"),
    ('version = "x"\n[grades]\nE = 30', "grades.E"),
    ('version = "x"\n[grades]\nwatch = "A"', "grades.watch"),
    ('version = "x"\n[model]\nmin_resolved_share = 1.5', "model.min_resolved_share"),
    ('version = "x"\n[model]\nmin_success_rate = 1.5', "model.min_success_rate"),
    ('version = "x"\n[model]\nmin_satisfaction_rate = "high"', "model.min_satisfaction_rate"),
    ('version = "x"\n[model]\nmin_callbacks = 0', "model.min_callbacks"),
    # An average score is no longer a criterion; the file says what replaced it.
    ('version = "x"\n[model]\nmin_average_satisfaction = 4.0',
     "model.min_average_satisfaction"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Withdrawn"\npoints = 1\n'
     'when = { kind = "gave_up" }', "rule[0].when.kind"),
    ('version = "x"\n[[rule]]\nid = "a"\ntrigger = "SatisfactionRecorded"\npoints = 1\n'
     'when = { level = "thrilled" }', "rule[0].when.level"),
])
def test_a_bad_rules_file_is_refused_naming_the_bad_key(text, field):
    with pytest.raises(InvalidValue) as refused:
        parse_rules(text)
    assert refused.value.field == field


def test_a_small_file_takes_the_spec_scale_and_criteria_by_default():
    rules = parse_rules(GOOD)

    assert [r.id for r in rules.rules] == ["refused"]
    assert rules.in_force_days == 365
    assert rules.grade_for(2) is Grade.A and rules.grade_for(3) is Grade.B
    assert rules.event_names == {"Terminated"}
    assert rules.cancellable == frozenset()


def test_the_shipped_file_is_plain_utf8_toml_that_parses_from_bytes_too():
    assert parse_rules(DEFAULT_RULES_FILE.read_bytes()) == load_credit_rules()
    with pytest.raises(InvalidValue, match="UTF-8"):
        parse_rules(b"\xff\xfe")


def test_a_bad_configured_file_names_the_file_and_the_key(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text(GOOD.replace("points = 5", "points = -5"), encoding="utf-8")

    with pytest.raises(InvalidValue) as refused:
        load_credit_rules(bad)
    assert refused.value.field == "rule[0].points"
    assert str(bad) in str(refused.value)


def test_a_rules_file_may_still_charge_an_acceptance_or_a_kind_of_withdrawal():
    rules = parse_rules('''
version = "strict-1"
[[rule]]
id = "accepted"
trigger = "Accepted"
points = 1
cancelled_by = ["Resolved"]
[[rule]]
id = "settled_aside"
trigger = "Withdrawn"
when = { kind = "settled_privately" }
points = 2
[[rule]]
id = "displeased"
trigger = "SatisfactionRecorded"
when = { level = "dissatisfied" }
points = 1
''')
    assert [r.id for r in rules.triggered_by("Accepted")] == ["accepted"]
    settled = event("Withdrawn", kind="settled_privately")
    withdrawn = event("Withdrawn", kind="withdrawn")
    assert [r.matches(settled) for r in rules.triggered_by("Withdrawn")] == [True]
    assert [r.matches(withdrawn) for r in rules.triggered_by("Withdrawn")] == [False]
    rated = event("SatisfactionRecorded", level="dissatisfied", score=None)
    assert [r.matches(rated) for r in rules.triggered_by("SatisfactionRecorded")] == [True]


def test_a_rules_file_written_before_2026_2_keeps_its_model_thresholds():
    rules = parse_rules('version = "old"\n[model]\nmin_resolved_share = 0.8\nmin_ratings = 5')
    assert rules.model.min_success_rate == Decimal("0.8")
    assert rules.model.min_callbacks == 5
