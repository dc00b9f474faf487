"""Every command from every state: the SPEC §2 transitions table, written out by hand.

The expectations below are typed from the SPEC, not read from `domain.lifecycle.TABLE`,
so a wrong row in the table makes these tests fail.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from builders import (
    STATES,
    a_complaint,
    business,
    event_names,
    last_event,
    mediator,
    operator,
    run,
    supervisor,
)
from domain import lifecycle
from domain.errors import CommandNotAllowed, InvalidValue
from domain.vocabulary import State

COMMANDS = (
    "transfer", "return-to-intake", "accept", "reject", "notify", "assign", "reassign", "notes",
    "suspend", "resume", "recusal-request", "recusal-decision", "resolve", "terminate",
    "notice", "escalate", "withdraw", "satisfaction",
    # Order 121 Art. 10-12: identity checks, consents of a joint case, a changed request.
    "request-identity", "identity-verified", "consent", "change-request",
    # Order 121 Art. 19: entrusted mediation.
    "entrust",
    "forward", "business-reply", "confirm-settlement", "return",
)

# The moves that mediation allows while no recusal request is pending (Order 121 Art. 21).
_MEDIATING = {
    "notify": ("mediated", "DecisionNotified"),
    "reassign": ("mediated", "MediatorReassigned"),
    "notes": ("mediated", "NoteAdded"),
    "recusal-request": ("mediated", "RecusalRequested"),
    "resolve": ("resolved", "Resolved"),
    "terminate": ("terminated", "Terminated"),
    "escalate": ("escalated", "Escalated"),
    "withdraw": ("withdrawn", "Withdrawn"),
    "change-request": ("mediated", "RequestChanged"),
}

# (state before, command) -> (state after, event recorded). Anything absent is refused.
ALLOWED: dict[tuple[str, str], tuple[str, str]] = {
    # Filed at a handling office: it may go back to the intake centre, never sideways.
    ("filed", "return-to-intake"): ("filed", "ReturnedToIntake"),
    ("filed", "accept"): ("accepted", "Accepted"),
    ("filed", "reject"): ("rejected", "Rejected"),
    ("filed", "withdraw"): ("withdrawn", "Withdrawn"),
    ("filed", "request-identity"): ("filed", "IdentityRequested"),
    ("filed", "change-request"): ("filed", "RequestChanged"),

    # The intake centre dispatches (Order 121 Art. 41).
    ("filed (at the intake centre)", "transfer"): ("filed", "Transferred"),
    ("filed (at the intake centre)", "accept"): ("accepted", "Accepted"),
    ("filed (at the intake centre)", "reject"): ("rejected", "Rejected"),
    ("filed (at the intake centre)", "withdraw"): ("withdrawn", "Withdrawn"),
    ("filed (at the intake centre)", "request-identity"): ("filed", "IdentityRequested"),
    ("filed (at the intake centre)", "change-request"): ("filed", "RequestChanged"),

    ("accepted", "notify"): ("accepted", "DecisionNotified"),
    ("accepted", "assign"): ("mediated", "MediatorAssigned"),
    ("accepted", "notes"): ("accepted", "NoteAdded"),
    ("accepted", "resolve"): ("resolved", "Resolved"),
    ("accepted", "withdraw"): ("withdrawn", "Withdrawn"),
    ("accepted", "change-request"): ("accepted", "RequestChanged"),
    ("accepted", "entrust"): ("accepted", "Entrusted"),

    ("rejected", "notify"): ("rejected", "DecisionNotified"),
    ("rejected", "satisfaction"): ("rejected", "SatisfactionRecorded"),

    **{("mediated", command): moved for command, moved in _MEDIATING.items()},
    ("mediated", "suspend"): ("mediated", "ClockSuspended"),

    **{("mediated (suspended)", command): moved for command, moved in _MEDIATING.items()},
    ("mediated (suspended)", "resume"): ("mediated", "ClockResumed"),

    # While a recusal request is pending only notes, withdraw and the decision.
    ("mediated (recusal pending)", "notes"): ("mediated", "NoteAdded"),
    ("mediated (recusal pending)", "recusal-decision"): ("mediated", "RecusalDecided"),
    ("mediated (recusal pending)", "withdraw"): ("withdrawn", "Withdrawn"),

    ("resolved", "escalate"): ("escalated", "Escalated"),  # only for a breached agreement
    ("resolved", "satisfaction"): ("resolved", "SatisfactionRecorded"),

    ("terminated", "notice"): ("terminated", "TerminationNoticeRecorded"),
    ("terminated", "escalate"): ("escalated", "Escalated"),
    ("terminated", "satisfaction"): ("terminated", "SatisfactionRecorded"),

    ("terminated (notice recorded)", "escalate"): ("escalated", "Escalated"),
    ("terminated (notice recorded)", "satisfaction"): ("terminated", "SatisfactionRecorded"),

    ("escalated", "satisfaction"): ("escalated", "SatisfactionRecorded"),

    ("withdrawn", "satisfaction"): ("withdrawn", "SatisfactionRecorded"),

    # A withdrawal after acceptance ends mediation: both parties are told (Art. 23).
    ("withdrawn (after acceptance)", "notice"): ("withdrawn", "TerminationNoticeRecorded"),
    ("withdrawn (after acceptance)", "satisfaction"): ("withdrawn", "SatisfactionRecorded"),

    # Online pre-settlement (SPEC §14): forwarded with consent, answered once, confirmed
    # only when the business says it settled, else back to the office for its decision.
    ("filed", "forward"): ("negotiating", "Forwarded"),
    ("filed (at the intake centre)", "forward"): ("negotiating", "Forwarded"),
    ("negotiating", "business-reply"): ("negotiating", "BusinessReplied"),
    ("negotiating", "return"): ("filed", "ReturnedFromNegotiation"),
    ("negotiating", "withdraw"): ("withdrawn", "Withdrawn"),
    ("negotiating (settled)", "confirm-settlement"): ("resolved", "SettlementConfirmed"),
    ("negotiating (settled)", "return"): ("filed", "ReturnedFromNegotiation"),
    ("negotiating (settled)", "withdraw"): ("withdrawn", "Withdrawn"),
    ("negotiating (not settled)", "return"): ("filed", "ReturnedFromNegotiation"),
    ("negotiating (not settled)", "withdraw"): ("withdrawn", "Withdrawn"),
}

# What `allowed_commands()` lists in each state, in the table's order.
ALLOWED_NOW: dict[str, list[str]] = {
    "filed": ["return-to-intake", "accept", "reject", "withdraw", "request-identity",
              "change-request", "forward"],
    "filed (at the intake centre)": ["transfer", "accept", "reject", "withdraw",
                                     "request-identity", "change-request", "forward"],
    "accepted": ["notify", "assign", "notes", "resolve", "withdraw", "change-request",
                 "entrust"],
    "rejected": ["notify", "satisfaction"],
    "mediated": ["notify", "reassign", "notes", "suspend", "recusal-request", "resolve",
                 "terminate", "escalate", "withdraw", "change-request"],
    "mediated (suspended)": ["notify", "reassign", "notes", "resume", "recusal-request",
                             "resolve", "terminate", "escalate", "withdraw", "change-request"],
    "mediated (recusal pending)": ["notes", "recusal-decision", "withdraw"],
    "resolved": ["escalate", "satisfaction"],
    "terminated": ["notice", "escalate", "satisfaction"],
    "terminated (notice recorded)": ["escalate", "satisfaction"],
    "escalated": ["satisfaction"],
    "withdrawn": ["satisfaction"],
    "withdrawn (after acceptance)": ["notice", "satisfaction"],
    "negotiating": ["withdraw", "business-reply", "return"],
    "negotiating (settled)": ["withdraw", "confirm-settlement", "return"],
    "negotiating (not settled)": ["withdraw", "return"],
}


def permitted_actor(command: str, state: str):
    """Someone the SPEC's "who" column lets run the command (the builders assign med1)."""
    if command in ("transfer", "return-to-intake", "accept", "reject", "notify", "assign",
                   "withdraw", "satisfaction", "request-identity", "identity-verified",
                   "consent", "entrust", "forward", "confirm-settlement",
                   "return"):
        return operator
    if command == "business-reply":
        return business
    if command in ("reassign", "recusal-decision"):
        return supervisor
    if command in ("notes", "resolve", "change-request") and (
            state == "accepted" or state.startswith("filed")):
        return operator
    if command == "notice" and state.startswith("withdrawn"):
        return operator
    return mediator


def test_the_lifecycle_knows_exactly_the_commands_of_the_spec():
    assert tuple(lifecycle.COMMANDS) == COMMANDS


def test_the_expected_table_only_names_known_states_and_commands():
    for state, command in ALLOWED:
        assert state in STATES and command in COMMANDS
    assert set(ALLOWED_NOW) == set(STATES)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("state", STATES)
def test_each_command_from_each_state_moves_as_the_spec_says_or_is_refused(state, command):
    complaint = a_complaint(state, collected=True)
    version = complaint.version

    if (state, command) in ALLOWED:
        expected_state, expected_event = ALLOWED[(state, command)]
        run(complaint, command, permitted_actor(command, state))

        assert complaint.state is State(expected_state)
        events = complaint.collect_events()
        assert event_names(events) == [expected_event]
        assert events[0].state == expected_state
        assert complaint.version == version + 1
    else:
        with pytest.raises(CommandNotAllowed) as refusal:
            run(complaint, command, permitted_actor(command, state))

        current = state.split(" ")[0]
        message = str(refusal.value)
        assert f"while the complaint is {current};" in message
        assert f"'{command}'" in message
        assert refusal.value.allowed == sorted(ALLOWED_NOW[state])
        for allowed in ALLOWED_NOW[state]:
            assert allowed in message
        assert complaint.collect_events() == []
        assert complaint.version == version
        assert complaint.state is State(current)


@pytest.mark.parametrize("state", STATES)
def test_allowed_commands_lists_what_may_happen_next_in_each_state(state):
    assert a_complaint(state).allowed_commands() == ALLOWED_NOW[state]


# ----- guards ------------------------------------------------------------------------------

def test_a_resolved_complaint_can_be_escalated_only_for_a_breached_agreement():
    complaint = a_complaint("resolved", collected=True)

    with pytest.raises(CommandNotAllowed, match="resolved") as refusal:
        complaint.escalate(actor=mediator, at=complaint.received_at, forum="court",
                           reason="consumer is unhappy")
    assert "conditions are not met" in str(refusal.value)
    assert complaint.collect_events() == []

    complaint.escalate(actor=mediator, at=complaint.received_at, forum="court",
                       reason="agreement_breached")
    assert complaint.state is State.ESCALATED
    assert last_event(complaint).forum == "court"
    assert last_event(complaint).from_state == "resolved"


@pytest.mark.parametrize("state", ["mediated", "mediated (suspended)", "terminated"])
def test_mediation_in_progress_or_ended_may_be_escalated_for_any_stated_reason(state):
    complaint = a_complaint(state)

    run(complaint, "escalate", mediator, forum="judicial_transfer", reason="疑似诈骗，移送公安")

    assert complaint.state is State.ESCALATED
    assert complaint.forum == "judicial_transfer"
    assert complaint.suspended is False


def test_the_clock_cannot_be_suspended_twice():
    complaint = a_complaint("mediated (suspended)", collected=True)

    with pytest.raises(CommandNotAllowed, match="mediated"):
        run(complaint, "suspend", mediator, reason="appraisal")

    assert complaint.suspended is True
    assert complaint.collect_events() == []


def test_a_running_clock_cannot_be_resumed():
    complaint = a_complaint("mediated", collected=True)

    with pytest.raises(CommandNotAllowed, match="mediated"):
        run(complaint, "resume", mediator)

    assert complaint.suspended is False
    assert complaint.collect_events() == []


def test_a_suspended_clock_can_be_resumed_and_suspended_again():
    complaint = a_complaint("mediated (suspended)")

    run(complaint, "resume", mediator)
    assert complaint.suspended is False
    run(complaint, "suspend", mediator, reason="appraisal")
    assert complaint.suspended is True
    assert last_event(complaint).reason == "appraisal"


@pytest.mark.parametrize("command", ["resolve", "terminate", "escalate", "withdraw"])
def test_closing_a_suspended_case_stops_the_suspension(command):
    complaint = a_complaint("mediated (suspended)")

    run(complaint, command, operator if command == "withdraw" else mediator)

    assert complaint.suspended is False


def test_the_termination_notice_is_recorded_once():
    complaint = a_complaint("terminated")
    run(complaint, "notice", operator)
    assert complaint.notice_recorded is True
    complaint.collect_events()

    with pytest.raises(CommandNotAllowed, match="terminated"):
        run(complaint, "notice", mediator)

    assert complaint.collect_events() == []


@pytest.mark.parametrize("state", ["rejected", "resolved", "terminated", "escalated", "withdrawn"])
def test_satisfaction_is_recorded_once_on_a_closed_case(state):
    complaint = a_complaint(state)
    run(complaint, "satisfaction", operator, score=5, comment="满意")
    assert complaint.satisfaction == 5
    assert "satisfaction" not in complaint.allowed_commands()
    complaint.collect_events()

    with pytest.raises(CommandNotAllowed, match=state):
        run(complaint, "satisfaction", operator, score=1)

    assert complaint.satisfaction == 5
    assert complaint.collect_events() == []


@pytest.mark.parametrize("state", ["filed", "accepted", "mediated", "mediated (suspended)"])
def test_satisfaction_is_not_asked_while_the_case_is_still_open(state):
    complaint = a_complaint(state, collected=True)

    with pytest.raises(CommandNotAllowed):
        run(complaint, "satisfaction", operator)

    assert complaint.collect_events() == []


def test_a_rating_given_before_escalation_is_not_asked_again_afterwards():
    complaint = a_complaint("terminated")
    run(complaint, "satisfaction", operator, score=2)
    run(complaint, "escalate", mediator, forum="arbitration", reason="消费者申请仲裁")

    assert complaint.allowed_commands() == []
    with pytest.raises(CommandNotAllowed, match="allowed now: none"):
        run(complaint, "satisfaction", operator, score=3)


@pytest.mark.parametrize("score", [0, 6, -1, "5", 4.5, True])
def test_satisfaction_is_a_whole_score_from_one_to_five(score):
    complaint = a_complaint("resolved", collected=True)

    with pytest.raises(InvalidValue) as refusal:
        run(complaint, "satisfaction", operator, score=score)

    assert refusal.value.field == "score"
    assert complaint.satisfaction is None
    assert complaint.collect_events() == []


def test_a_call_back_records_a_level_on_the_12315_scale_or_a_score_that_maps_to_one():
    complaint = a_complaint("resolved", collected=True)
    with pytest.raises(InvalidValue) as refusal:
        run(complaint, "satisfaction", operator, score=None)
    assert refusal.value.field == "level"
    with pytest.raises(InvalidValue) as refusal:
        run(complaint, "satisfaction", operator, score=None, level="thrilled")
    assert refusal.value.field == "level"
    with pytest.raises(InvalidValue) as refusal:
        run(complaint, "satisfaction", operator, score=5, level="dissatisfied")
    assert refusal.value.field == "level"
    assert complaint.collect_events() == []

    run(complaint, "satisfaction", operator, score=None, level="basically_satisfied")
    assert (last_event(complaint).level, last_event(complaint).score) == (
        "basically_satisfied", None)
    assert complaint.rated and complaint.satisfaction_level == "basically_satisfied"


@pytest.mark.parametrize(("score", "level"), [(5, "satisfied"), (4, "satisfied"),
                                              (3, "basically_satisfied"), (2, "dissatisfied"),
                                              (1, "dissatisfied")])
def test_a_score_maps_onto_the_12315_scale(score, level):
    complaint = a_complaint("withdrawn")
    run(complaint, "satisfaction", operator, score=score)
    assert (last_event(complaint).score, last_event(complaint).level) == (score, level)


# ----- arguments of commands -------------------------------------------------------------

@pytest.mark.parametrize(
    ("state", "command", "actor", "overrides", "field"),
    [
        ("filed (at the intake centre)", "transfer", operator, {"to_office": "SH-12315"},
         "to_office"),
        ("filed (at the intake centre)", "transfer", operator, {"to_office": ""}, "to_office"),
        ("filed (at the intake centre)", "transfer", operator, {"to_office": "SH-XX"},
         "to_office"),
        ("filed", "reject", operator, {"reason": "too_busy"}, "reason"),
        ("accepted", "assign", operator, {"mediator": "  "}, "mediator"),
        ("mediated", "reassign", supervisor, {"mediator": "med1"}, "mediator"),
        ("mediated", "notes", mediator, {"kind": "gossip"}, "kind"),
        ("mediated", "notes", mediator, {"text": ""}, "text"),
        ("mediated", "notes", mediator, {"text": "x" * 5001}, "text"),
        ("mediated", "suspend", mediator, {"reason": "holiday"}, "reason"),
        ("mediated", "resolve", mediator, {"outcome": "bribe"}, "outcome"),
        ("mediated", "resolve", mediator, {"amount_recovered": 128.5}, "amount_recovered"),
        ("mediated", "resolve", mediator, {"amount_recovered": "-1"}, "amount_recovered"),
        ("mediated", "resolve", mediator, {"terms": ""}, "terms"),
        ("mediated", "terminate", mediator, {"reason": "bored"}, "reason"),
        ("mediated", "escalate", mediator, {"forum": "newspaper"}, "forum"),
        ("mediated", "escalate", mediator, {"reason": ""}, "reason"),
        ("filed", "withdraw", operator, {"note": "x" * 1001}, "note"),
    ],
)
def test_a_command_with_a_bad_argument_names_the_field_and_records_nothing(
    state, command, actor, overrides, field
):
    complaint = a_complaint(state, collected=True)
    version = complaint.version

    with pytest.raises(InvalidValue) as refusal:
        run(complaint, command, actor, **overrides)

    assert refusal.value.field == field
    assert complaint.collect_events() == []
    assert complaint.version == version
    assert complaint.state is State(state.split(" ")[0])


def test_a_transfer_moves_the_case_to_the_new_office_and_keeps_it_filed():
    complaint = a_complaint("filed")

    run(complaint, "transfer", supervisor, to_office="SH-PD")

    assert complaint.office == "SH-PD"
    assert complaint.state is State.FILED
    assert last_event(complaint).from_office == "SH-HP"


def test_a_case_is_transferred_only_to_a_well_formed_office_code():
    # Filing refuses an office code that is not letters, digits, - or _; so must a transfer,
    # or the case lands in an office no list can ever show.
    complaint = a_complaint("filed (at the intake centre)", collected=True)

    with pytest.raises(InvalidValue) as refusal:
        run(complaint, "transfer", operator, to_office="浦东 分局!")

    assert refusal.value.field == "to_office"
    assert complaint.office == "SH-12315"
    assert complaint.collect_events() == []


def test_a_reassignment_hands_the_case_to_the_new_mediator_and_remembers_the_old_one():
    complaint = a_complaint("mediated")

    run(complaint, "reassign", supervisor, mediator="med2")

    assert complaint.mediator == "med2"
    assert last_event(complaint).previous == "med1"


def test_a_resolution_records_the_agreed_outcome_and_amount_as_a_decimal():
    complaint = a_complaint("mediated")

    run(complaint, "resolve", mediator, outcome="compensation", amount_recovered="500.00",
        terms="商家赔偿500元")

    assert complaint.outcome == {"outcome": "compensation", "amount_recovered": Decimal("500.00"),
                                 "terms": "商家赔偿500元", "mode": "remote", "record": None}


def test_notes_are_counted_on_the_case():
    complaint = a_complaint("mediated")

    for kind in ("note", "session", "business_response", "consumer_contact"):
        run(complaint, "notes", mediator, kind=kind)

    assert complaint.notes_count == 4
