"""Who may do what (SPEC §2, column "who"): the right person moves the case, anyone else
is refused with `NotPermitted` and nothing is recorded."""

from __future__ import annotations

import pytest

from builders import (
    NOW,
    SHANGHAI,
    a_complaint,
    admin,
    an_intake,
    event_names,
    mediator,
    operator,
    other_mediator,
    run,
    supervisor,
)
from domain.complaint import Complaint
from domain.errors import CommandNotAllowed, NotPermitted
from domain.permissions import Actor
from domain.vocabulary import Role, State

CAST = {
    "operator": operator,
    "assigned mediator": mediator,
    "another mediator": other_mediator,
    "supervisor": supervisor,
    "admin": admin,
}

# (command, a state where the lifecycle allows it) -> who may run it there.
WHO: dict[tuple[str, str], set[str]] = {
    ("transfer", "filed (at the intake centre)"): {"operator", "supervisor"},
    ("return-to-intake", "filed"): {"operator"},
    ("notify", "accepted"): {"operator"},
    ("notify", "rejected"): {"operator"},
    ("recusal-request", "mediated"): {"assigned mediator", "operator", "supervisor"},
    ("recusal-decision", "mediated (recusal pending)"): {"supervisor"},
    ("notice", "withdrawn (after acceptance)"): {"operator"},
    ("accept", "filed"): {"operator"},
    ("reject", "filed"): {"operator"},
    ("assign", "accepted"): {"operator", "supervisor"},
    ("reassign", "mediated"): {"supervisor"},
    ("notes", "accepted"): {"operator"},
    ("notes", "mediated"): {"assigned mediator"},
    ("suspend", "mediated"): {"assigned mediator"},
    ("resume", "mediated (suspended)"): {"assigned mediator"},
    ("resolve", "accepted"): {"operator"},
    ("resolve", "mediated"): {"assigned mediator"},
    ("terminate", "mediated"): {"assigned mediator"},
    ("notice", "terminated"): {"assigned mediator", "operator"},
    ("escalate", "mediated"): {"assigned mediator", "supervisor"},
    ("escalate", "terminated"): {"assigned mediator", "supervisor"},
    ("escalate", "resolved"): {"assigned mediator", "supervisor"},
    ("withdraw", "filed"): {"operator"},
    ("withdraw", "accepted"): {"operator"},
    ("withdraw", "mediated"): {"operator", "assigned mediator"},
    ("satisfaction", "rejected"): {"operator"},
    ("satisfaction", "resolved"): {"operator"},
    ("satisfaction", "withdrawn"): {"operator"},
}


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("command", "state"), WHO)
def test_only_the_people_the_spec_names_may_run_each_command(command, state, who):
    complaint = a_complaint(state, collected=True)
    version = complaint.version

    if who in WHO[(command, state)]:
        run(complaint, command, CAST[who])
        assert len(complaint.collect_events()) == 1
        assert complaint.version == version + 1
    else:
        with pytest.raises(NotPermitted) as refusal:
            run(complaint, command, CAST[who])
        assert refusal.value.command == command
        assert complaint.collect_events() == []
        assert complaint.version == version
        assert complaint.state is State(state.split(" ")[0])


@pytest.mark.parametrize("command", ["notes", "suspend", "resolve", "terminate", "escalate",
                                     "withdraw"])
def test_a_mediator_who_is_not_assigned_to_the_case_is_told_so(command):
    complaint = a_complaint("mediated", collected=True)

    with pytest.raises(NotPermitted, match="only the mediator assigned to this case"):
        run(complaint, command, other_mediator)

    assert complaint.collect_events() == []


def test_after_a_reassignment_the_previous_mediator_may_no_longer_work_the_case():
    complaint = a_complaint("mediated")
    run(complaint, "reassign", supervisor, mediator="med2")
    complaint.collect_events()

    with pytest.raises(NotPermitted):
        run(complaint, "resolve", mediator)
    run(complaint, "resolve", other_mediator)

    assert event_names(complaint.collect_events()) == ["Resolved"]


def test_an_operator_may_resolve_only_a_case_settled_directly_after_acceptance():
    settled_directly = a_complaint("accepted")
    run(settled_directly, "resolve", operator)
    assert settled_directly.state is State.RESOLVED

    in_mediation = a_complaint("mediated", collected=True)
    with pytest.raises(NotPermitted, match="operator role may not do this while mediated"):
        run(in_mediation, "resolve", operator)
    assert in_mediation.collect_events() == []


def test_a_case_an_operator_settled_can_be_escalated_for_breach_by_a_supervisor():
    complaint = a_complaint("accepted")
    run(complaint, "resolve", operator)

    run(complaint, "escalate", supervisor, forum="court", reason="agreement_breached")

    assert complaint.state is State.ESCALATED


@pytest.mark.parametrize("who", ["operator", "assigned mediator", "another mediator"])
def test_only_a_supervisor_reassigns_a_case(who):
    complaint = a_complaint("mediated", collected=True)

    with pytest.raises(NotPermitted):
        run(complaint, "reassign", CAST[who])

    assert complaint.mediator == "med1"
    assert complaint.collect_events() == []


@pytest.mark.parametrize("command", ["accept", "reject", "transfer"])
def test_a_mediator_cannot_decide_acceptance_or_transfer(command):
    complaint = a_complaint("filed", collected=True)

    with pytest.raises(NotPermitted, match="mediator role may not do this"):
        run(complaint, command, mediator)

    assert complaint.collect_events() == []


# A state where each command is allowed, so only the admin's role can be the reason.
WHERE_ALLOWED = {
    "transfer": "filed", "accept": "filed", "reject": "filed", "assign": "accepted",
    "reassign": "mediated", "notes": "mediated", "suspend": "mediated",
    "resume": "mediated (suspended)", "resolve": "mediated", "terminate": "mediated",
    "notice": "terminated", "escalate": "mediated", "withdraw": "filed",
    "satisfaction": "resolved",
}


@pytest.mark.parametrize(("command", "state"), WHERE_ALLOWED.items())
def test_an_admin_manages_accounts_and_can_do_nothing_on_a_complaint(command, state):
    complaint = a_complaint(state, collected=True)

    with pytest.raises(NotPermitted, match="admin role may not do this"):
        run(complaint, command, admin)

    assert complaint.collect_events() == []


@pytest.mark.parametrize("command", ["notes", "suspend", "terminate", "notice", "satisfaction"])
def test_an_admin_is_refused_for_the_role_even_where_the_state_would_also_refuse(command):
    complaint = a_complaint("filed", collected=True)

    with pytest.raises(NotPermitted):
        run(complaint, command, admin)

    assert complaint.collect_events() == []


@pytest.mark.parametrize("actor", [mediator, supervisor, admin], ids=lambda a: a.role.value)
def test_only_an_operator_files_a_complaint(actor):
    with pytest.raises(NotPermitted, match="'file' refused"):
        Complaint.file(an_intake(), actor=actor, at=NOW, tz=SHANGHAI)


def test_a_command_not_allowed_now_is_refused_as_such_even_for_someone_who_may_never_do_it():
    # The role check comes first only when the role can never run the command; a mediator
    # (who may suspend) on a filed case hears that suspending is not possible yet.
    complaint = a_complaint("filed", collected=True)

    with pytest.raises(CommandNotAllowed, match="filed"):
        run(complaint, "suspend", other_mediator)

    assert complaint.collect_events() == []


def test_every_event_names_the_acting_user_and_role():
    complaint = a_complaint("mediated")
    run(complaint, "reassign", supervisor, mediator="med2")
    run(complaint, "resolve", other_mediator)
    run(complaint, "satisfaction", operator)

    actors = [event.actor for event in complaint.collect_events()]

    assert actors == [
        {"username": "op1", "role": "operator"},     # filed
        {"username": "op1", "role": "operator"},     # accepted
        {"username": "op1", "role": "operator"},     # mediator assigned
        {"username": "sup1", "role": "supervisor"},  # reassigned
        {"username": "med2", "role": "mediator"},    # resolved
        {"username": "op1", "role": "operator"},     # satisfaction
    ]
    assert Actor.of(actors[3]) == Actor("sup1", Role.SUPERVISOR)
