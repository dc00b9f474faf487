"""Who may run each command (SPEC §2, column "who"), as data beside the lifecycle table.

A role alone allows the command in any state the lifecycle allows; a role with
states narrows it; `ASSIGNED_MEDIATOR` is the mediator the case is assigned to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.errors import NotPermitted
from domain.vocabulary import Role, State


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role

    def as_data(self) -> dict[str, str]:
        return {"username": self.username, "role": self.role.value}

    @classmethod
    def of(cls, data: dict[str, str]) -> Actor:
        return cls(username=data["username"], role=Role(data["role"]))


class HasMediator(Protocol):
    state: State
    mediator: str | None


ASSIGNED_MEDIATOR = "assigned_mediator"
OP, SUP = Role.OPERATOR, Role.SUPERVISOR

WHO: dict[str, tuple[object, ...]] = {
    "file": (OP,),
    "transfer": (OP, SUP),  # the table lets an operator dispatch only from the intake centre
    "return-to-intake": (OP,),
    "accept": (OP,),
    "reject": (OP,),
    "notify": (OP,),
    "assign": (OP, SUP),
    "reassign": (SUP,),
    "notes": (ASSIGNED_MEDIATOR, (OP, {State.ACCEPTED})),
    "suspend": (ASSIGNED_MEDIATOR,),
    "resume": (ASSIGNED_MEDIATOR,),
    "recusal-request": (ASSIGNED_MEDIATOR, OP, SUP),
    "recusal-decision": (SUP,),
    "resolve": (ASSIGNED_MEDIATOR, (OP, {State.ACCEPTED})),
    "terminate": (ASSIGNED_MEDIATOR,),
    "notice": (ASSIGNED_MEDIATOR, OP),
    "escalate": (ASSIGNED_MEDIATOR, SUP),
    "withdraw": (OP, ASSIGNED_MEDIATOR),
    "satisfaction": (OP,),
    # Retention: legal holds and erasure of personal data, outside the lifecycle table.
    "hold": (SUP,),
    "erase": (SUP,),
    # Statutory documents (SPEC §12), outside the lifecycle table: they move nothing.
    "documents": (OP, ASSIGNED_MEDIATOR, SUP),
    # A violation clue found in mediation becomes a report (Order 121 Art. 27).
    "clue": (ASSIGNED_MEDIATOR,),
    # Identity checks before the decision (Order 121 Art. 10, 16(六)).
    "request-identity": (OP,),
    "identity-verified": (OP,),
    # Joint cases (Art. 12): staff write down each represented consumer's consent, and a
    # change of request, wherever the case stands.
    "consent": (OP, ASSIGNED_MEDIATOR, SUP),
    "change-request": (OP, ASSIGNED_MEDIATOR),
    # Entrusted mediation (Art. 19): the office entrusts; the organisation never does.
    "entrust": (OP, SUP),
    # Online pre-settlement (SPEC §14); which business may answer is its credit code's
    # business, checked where the account's code is known (application/odr.py).
    "forward": (OP,),
    "business-reply": (Role.BUSINESS,),
    "confirm-settlement": (OP,),
    "return": (OP, SUP),
}


def _grants(rule: object, complaint: HasMediator | None, actor: Actor) -> bool:
    if rule == ASSIGNED_MEDIATOR:
        return (
            actor.role is Role.MEDIATOR
            and complaint is not None
            and complaint.mediator == actor.username
        )
    if isinstance(rule, tuple):
        role, states = rule
        return actor.role is role and complaint is not None and complaint.state in states
    return actor.role is rule


def may(complaint: HasMediator | None, command: str, actor: Actor) -> bool:
    return any(_grants(rule, complaint, actor) for rule in WHO.get(command, ()))


def role_may_ever(command: str, role: Role) -> bool:
    return any(_role_of(rule) is role for rule in WHO.get(command, ()))


def check_permitted(complaint: HasMediator | None, command: str, actor: Actor) -> None:
    """Refuse with `NotPermitted` unless the actor may run the command on this complaint."""
    if may(complaint, command, actor):
        return
    if not role_may_ever(command, actor.role):
        raise NotPermitted(command, f"the {actor.role.value} role may not do this")
    if actor.role is Role.MEDIATOR:
        raise NotPermitted(command, "only the mediator assigned to this case may do this")
    state = complaint.state.value if complaint else "new"
    raise NotPermitted(command, f"the {actor.role.value} role may not do this while {state}")


def _role_of(rule: object) -> object:
    if rule == ASSIGNED_MEDIATOR:
        return Role.MEDIATOR
    if isinstance(rule, tuple):
        return rule[0]
    return rule


# ----- reports (SPEC §13) ------------------------------------------------------------
# The handling inspector is the one who began verifying; before that any inspector may
# take the report. The reporter's identity is theirs and the supervisors' alone (Art. 37).

HANDLING_INSPECTOR = "handling_inspector"
INSP = Role.INSPECTOR

REPORT_WHO: dict[str, tuple[object, ...]] = {
    "receive": (OP, INSP, SUP),
    "verify": (INSP,),
    "extend": (SUP,),
    "open-case": (HANDLING_INSPECTOR, SUP),
    "decline": (HANDLING_INSPECTOR, SUP),
    "refer": (HANDLING_INSPECTOR, SUP),
    "notify-reporter": (HANDLING_INSPECTOR, SUP),
    "close": (HANDLING_INSPECTOR, SUP),
    "read": (OP, INSP, SUP),
    "see-reporter": (HANDLING_INSPECTOR, SUP),
}


class HasInspector(Protocol):
    inspector: str | None


def may_report(report: HasInspector | None, command: str, actor: Actor) -> bool:
    for rule in REPORT_WHO.get(command, ()):
        if rule == HANDLING_INSPECTOR:
            if actor.role is not INSP or report is None:
                continue
            # An unclaimed report may be worked (referred) by any inspector, but its
            # reporter is shown only to the one who took it.
            unclaimed = report.inspector is None and command != "see-reporter"
            if unclaimed or report.inspector == actor.username:
                return True
        elif actor.role is rule:
            return True
    return False


def check_report_permitted(report: HasInspector | None, command: str, actor: Actor) -> None:
    if may_report(report, command, actor):
        return
    if actor.role is INSP and any(r == HANDLING_INSPECTOR for r in REPORT_WHO.get(command, ())):
        raise NotPermitted(command, "only the inspector handling this report may do this")
    raise NotPermitted(command, f"the {actor.role.value} role may not do this")


def sees_reporter(report: HasInspector, actor: Actor) -> bool:
    return may_report(report, "see-reporter", actor)


def report_role_may_ever(command: str, role: Role) -> bool:
    return any(rule is role or (rule == HANDLING_INSPECTOR and role is INSP)
               for rule in REPORT_WHO.get(command, ()))
