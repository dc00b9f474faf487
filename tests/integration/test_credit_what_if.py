"""What-if: another rules file's grades from the whole history, with nothing stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from adapters.credit_rules_file import DEFAULT_RULES_FILE
from adapters.projections import positions
from adapters.settings import Settings
from adapters.views.credit_ledger import CreditLedgerView
from api.bootstrap import wire
from domain.errors import InvalidValue
from tests.integration.credit_story import ACME, BETA, GAMMA, story, supervisor

START = date(2026, 1, 5)
ON = START + timedelta(days=30)

# The defaults on a tighter scale, plus a point for every acceptance until it is
# resolved: a rules file may still charge any event, and the what-if shows what it does.
STRICTER = DEFAULT_RULES_FILE.read_text(encoding="utf-8").replace(
    'version = "spec4-default-2026.3"', 'version = "stricter-draft"'
).replace("B = 3\nC = 10\nD = 20", "B = 1\nC = 4\nD = 10") + '''
[[rule]]
id = "accepted_complaint"
trigger = "Accepted"
points = 1
cancelled_by = ["Resolved"]
'''
assert 'version = "stricter-draft"' in STRICTER and "B = 1" in STRICTER


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def stored(wiring):
    """Everything the views hold, and how far the log goes: what a what-if must leave alone."""
    with wiring.engine.connect() as db:
        tables = {
            table.name: sorted(tuple(map(str, row)) for row in db.execute(select(table)))
            for view in wiring.projections.views.values() for table in view.tables
        }
        tables["positions"] = sorted(db.execute(select(positions)).all())
    return tables, wiring.desk.recorder.max_notification_id()


def a_history(wiring, clock):
    # Points now, and under STRICTER:
    story(wiring, clock, START, "accept", "assign", "terminate:business_refused")  # 5 B; 6
    story(wiring, clock, START, "accept", "assign", "escalate:court")              # 5 B; 7 C
    story(wiring, clock, START, "accept", business=GAMMA)                          # 0 A; 1 B
    story(wiring, clock, START, "accept", "resolve", business=BETA)                # 0 A; 0 A
    wiring.projections.catch_up()


def test_a_stricter_rules_file_changes_grades_in_the_answer_and_nothing_stored(wiring, clock):
    a_history(wiring, clock)
    before = stored(wiring)
    grades_before = wiring.credit.grades(as_of=ON)

    answer = wiring.credit.what_if(STRICTER, as_of=ON)

    assert answer.current_rules == wiring.credit.rules.version
    assert answer.proposed_rules == "stricter-draft"
    by_key = {b.key: b for b in answer.businesses}
    assert (by_key[ACME["uscc"]].current_grade, by_key[ACME["uscc"]].proposed_grade) == ("B", "C")
    assert (by_key[GAMMA["uscc"]].current_grade, by_key[GAMMA["uscc"]].proposed_grade) == ("A", "B")
    assert by_key[ACME["uscc"]].changed and by_key[GAMMA["uscc"]].changed
    assert answer.changed == 2
    assert answer.moves == {"A→B": 1, "B→C": 1}
    assert answer.current_grades == {"A": 2, "B": 1, "C": 0, "D": 0}
    assert answer.proposed_grades == {"A": 1, "B": 1, "C": 1, "D": 0}
    assert answer.businesses_graded == 3
    # Nothing was written: every view table, every position and the log are as they were.
    assert stored(wiring) == before
    assert wiring.credit.grades(as_of=ON) == grades_before


def test_the_current_column_of_a_what_if_agrees_with_the_stored_ledger(wiring, clock):
    a_history(wiring, clock)
    refused = next(e for e in wiring.credit.business(ACME["uscc"], as_of=ON).entries
                   if e.rule == "refused_mediation")
    wiring.credit.void(refused.id, actor=supervisor, reason="申诉成立")
    wiring.projections.catch_up()

    for on in (START, START + timedelta(days=2), ON, START + timedelta(days=366)):
        answer = wiring.credit.what_if(DEFAULT_RULES_FILE.read_bytes(), as_of=on)
        stored_points = wiring.credit_ledger.points(as_of=on)
        assert {b.key: b.current_points for b in answer.businesses if b.current_points} \
            == stored_points
        assert answer.changed == 0  # the same file proposes the same grades


def test_a_what_if_with_a_bad_rules_file_names_the_bad_key(wiring):
    with pytest.raises(InvalidValue) as refused:
        wiring.credit.what_if('version = "x"\n[[rule]]\nid = "a"\ntrigger = "Sued"\npoints = 1',
                              as_of=ON)
    assert refused.value.field == "rule[0].trigger"


def test_events_after_the_as_of_date_do_not_count(wiring, clock):
    story(wiring, clock, START, "accept", "+40", "assign", "terminate:business_refused")

    early = wiring.credit.what_if(STRICTER, as_of=ON)
    late = wiring.credit.what_if(STRICTER, as_of=ON + timedelta(days=30))

    # The acceptance counts under the proposed file only; the refusal, later, under both.
    assert [(b.current_points, b.proposed_grade) for b in early.businesses] == [(0, "B")]
    assert [(b.current_points, b.proposed_grade) for b in late.businesses] == [(5, "C")]


def test_the_view_class_reads_the_same_rules_the_what_if_compares_against(wiring):
    view = wiring.projections.views["credit_ledger"]
    assert isinstance(view, CreditLedgerView)
    assert view.rules is wiring.credit.rules
