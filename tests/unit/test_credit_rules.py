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
    "accepted_complaint": ("Accepted", 1),
    "refused_mediation": ("Terminated", 5),
    "unreachable": ("Terminated", 3),
    "no_agreement": ("Terminated", 3),
    "escalated": ("Escalated", 3),
    "judicial_transfer": ("Escalated", 10),
    "agreement_breached": ("Escalated", 10),
}


def event(name: str, **fields: object) -> object:
    return type(name, (SimpleNamespace,), {})(**fields)


def test_the_shipped_file_holds_the_spec_defaults():
    rules = load_credit_rules()

    assert {r.id: (r.trigger, r.points) for r in rules.rules} == SPEC_RULES
    assert rules.rule("accepted_complaint").cancelled_by == {"Resolved", "Withdrawn"}
    assert rules.in_force_days == 365
    assert (rules.grades.b, rules.grades.c, rules.grades.d) == (3, 10, 20)
    assert rules.grades.watch is Grade.D
    assert rules.model.min_closed == 3
    assert rules.model.min_resolved_share == Decimal("0.9")
    assert rules.model.min_average_satisfaction == Decimal("4.0")
    assert rules.version


def test_a_terminated_complaint_earns_points_only_for_the_reasons_its_rules_name():
    rules = load_credit_rules()
    earned = {
        reason: [r.id for r in rules.triggered_by("Terminated")
                 if r.matches(event("Terminated", reason=reason))]
        for reason in ("business_refused", "business_unreachable", "no_agreement_in_time",
                       "consumer_refused_or_absent")
    }
    assert earned == {
        "business_refused": ["refused_mediation"],
        "business_unreachable": ["unreachable"],
        "no_agreement_in_time": ["no_agreement"],
        "consumer_refused_or_absent": [],
    }


@pytest.mark.parametrize(("forum", "from_state", "expected"), [
    ("court", "mediated", ["escalated"]),
    ("arbitration", "terminated", ["escalated"]),
    ("judicial_transfer", "mediated", ["judicial_transfer"]),
    # A breached agreement is its own penalty, not an escalation counted twice.
    ("court", "resolved", ["agreement_breached"]),
    ("judicial_transfer", "resolved", ["judicial_transfer", "agreement_breached"]),
])
def test_an_escalation_earns_points_by_forum_and_where_it_came_from(forum, from_state, expected):
    rules = load_credit_rules()
    escalation = event("Escalated", forum=forum, from_state=from_state, reason="x")
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
    ('version = "x"\n[model]\nmin_average_satisfaction = "high"',
     "model.min_average_satisfaction"),
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
