"""A complaint rebuilt from its events is the same complaint, and rebuilding it never asks
the rules again: the events are the legal record (SPEC §2, STYLE §4)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from builders import (
    NOW,
    SHANGHAI,
    STATES,
    a_complaint,
    an_intake,
    event_names,
    mediator,
    operator,
    other_mediator,
    recorded_state,
    replay,
    run,
    supervisor,
)
from domain import complaint as complaint_module
from domain import lifecycle, permissions, regulation
from domain.complaint import Complaint, complaint_id_for
from domain.errors import CommandNotAllowed
from domain.vocabulary import State


def a_long_story() -> Complaint:
    complaint = a_complaint("mediated")
    run(complaint, "notes", mediator, kind="session", text="第一次调解")
    run(complaint, "suspend", mediator, reason="appraisal")
    run(complaint, "resume", mediator)
    run(complaint, "reassign", supervisor, mediator="med2")
    run(complaint, "notes", other_mediator, kind="business_response", text="商家拒绝")
    run(complaint, "terminate", other_mediator, reason="business_refused")
    run(complaint, "notice", operator)
    run(complaint, "satisfaction", operator, score=2)
    run(complaint, "escalate", other_mediator, forum="arbitration", reason="消费者申请仲裁")
    return complaint


def test_a_complaint_rebuilt_from_its_events_has_the_same_state_and_details():
    original = a_long_story()
    events = original.collect_events()

    rebuilt = replay(events)

    assert event_names(events) == [
        "Filed", "Accepted", "MediatorAssigned", "NoteAdded", "ClockSuspended", "ClockResumed",
        "MediatorReassigned", "NoteAdded", "Terminated", "TerminationNoticeRecorded",
        "SatisfactionRecorded", "Escalated",
    ]
    assert rebuilt.state is State.ESCALATED
    assert rebuilt.mediator == "med2"
    assert rebuilt.notes_count == 2
    assert rebuilt.satisfaction == 2
    assert rebuilt.notice_recorded is True
    assert rebuilt.forum == "arbitration"
    assert rebuilt.closing_reason == "business_refused"
    assert recorded_state(rebuilt) == recorded_state(original)


@pytest.mark.parametrize("state", STATES)
def test_every_state_survives_a_replay(state):
    original = a_complaint(state)

    rebuilt = replay(original.collect_events())

    assert recorded_state(rebuilt) == recorded_state(original)


def test_replay_does_not_consult_the_lifecycle_table_permissions_or_the_calendar_of_texts(
    monkeypatch,
):
    original = a_long_story()
    events = original.collect_events()

    def must_not_be_asked(*args, **kwargs):
        raise AssertionError("replay consulted the rules")

    monkeypatch.setattr(lifecycle, "decide", must_not_be_asked)
    monkeypatch.setattr(lifecycle, "allowed_commands", must_not_be_asked)
    monkeypatch.setattr(lifecycle, "_ask", must_not_be_asked)
    monkeypatch.setattr(permissions, "check_permitted", must_not_be_asked)
    monkeypatch.setattr(complaint_module, "check_permitted", must_not_be_asked)
    monkeypatch.setattr(complaint_module, "role_may_ever", must_not_be_asked)
    monkeypatch.setattr(complaint_module, "in_force", must_not_be_asked)
    monkeypatch.setattr(regulation, "in_force", must_not_be_asked)

    rebuilt = replay(events)

    assert recorded_state(rebuilt) == recorded_state(original)


def test_an_old_history_replays_as_recorded_even_if_the_rules_would_now_refuse_it(monkeypatch):
    original = a_complaint("resolved")
    run(original, "escalate", mediator, forum="court", reason="agreement_breached")
    events = original.collect_events()

    def tomorrows_rules(complaint, command, **args):  # nothing may be escalated any more
        raise CommandNotAllowed(complaint.state.value, command, [])

    monkeypatch.setattr(lifecycle, "decide", tomorrows_rules)
    with pytest.raises(CommandNotAllowed):
        run(a_complaint("mediated"), "escalate", mediator)

    assert replay(events).state is State.ESCALATED


def test_each_event_stores_the_state_it_moved_to_and_when():
    complaint = a_complaint("terminated (notice recorded)")

    events = complaint.collect_events()

    assert [getattr(event, "state", "filed") for event in events] == [
        "filed", "accepted", "mediated", "terminated", "terminated"
    ]
    assert all(event.at == NOW for event in events)


def test_the_filing_records_what_was_received_and_the_governing_text():
    intake = an_intake(received_at=NOW - timedelta(hours=2))

    complaint = Complaint.file(intake, actor=operator, at=NOW, tz=SHANGHAI)
    filed = complaint.collect_events()[0]

    assert filed.received_at == NOW - timedelta(hours=2)
    assert filed.channel == "phone"
    assert filed.consumer["phone"] == "13812345678"
    assert filed.business["uscc"] == intake.business.uscc
    assert filed.amount == intake.amount
    assert filed.incident_date == "2026-05-01"
    assert filed.regulation == "samr-121"
    assert filed.actor == {"username": "op1", "role": "operator"}


def test_the_same_idempotency_key_from_the_same_operator_files_under_the_same_id():
    first = complaint_id_for("call-0001", "op1")

    assert complaint_id_for("call-0001", "op1") == first
    assert complaint_id_for("call-0001", "op2") != first
    assert complaint_id_for("call-0002", "op1") != first
    assert isinstance(complaint_id_for(None, "op1"), UUID)
    assert complaint_id_for(None, "op1") != complaint_id_for(None, "op1")

    complaint = Complaint.file(an_intake(), actor=operator, at=NOW, tz=SHANGHAI,
                               idempotency_key="call-0001")
    assert complaint.id == first
