"""The one table of allowed moves (SPEC §2), asked through the `transitions` library.

Rows are data; guards are pure functions of the complaint and the command's
arguments; there are no callbacks, because side effects belong elsewhere and
replaying history must never run them. Command names are the API's names.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from domain.errors import CommandNotAllowed
from domain.parties import consented, materials_complete
from domain.table_machine import TableMachine
from domain.vocabulary import AGREEMENT_BREACHED, RejectReason, State, TerminateReason

NO_AGREEMENT_IN_TIME = TerminateReason.NO_AGREEMENT_IN_TIME.value


class HasLifecycle(Protocol):
    state: State
    suspended: bool
    recusal_pending: bool
    notice_due: bool  # a termination (or a withdrawal after acceptance) awaits its notice
    decision_notified: bool | None  # None before a decision
    rated: bool
    at_intake: bool  # the complaint sits at the intake centre (offices are data)
    materials_complete: bool  # a proxy's authorisation meets Art. 11 (or there is no proxy)
    consents_missing: frozenset[str]  # joint cases: matters not yet agreed by everyone
    identity_open: bool  # proof of identity was asked for and has not come
    joint: object
    organisation: str | None  # the organisation an entrusted case went to
    odr_reply: bool | None  # the ODR business's answer: settled or not; None before one


def is_suspended(complaint: HasLifecycle, **_: Any) -> bool:
    return complaint.suspended


def is_running(complaint: HasLifecycle, **_: Any) -> bool:
    return not complaint.suspended


def no_recusal_pending(complaint: HasLifecycle, **_: Any) -> bool:
    # A pending request suspends mediation (Order 121 Art. 21): the challenged
    # mediator can neither settle nor end the case until the supervisor decides.
    return not complaint.recusal_pending


def recusal_pending(complaint: HasLifecycle, **_: Any) -> bool:
    return complaint.recusal_pending


def notice_pending(complaint: HasLifecycle, **_: Any) -> bool:
    return complaint.notice_due


def decision_untold(complaint: HasLifecycle, **_: Any) -> bool:
    return complaint.decision_notified is False


def not_yet_rated(complaint: HasLifecycle, **_: Any) -> bool:
    return not complaint.rated


def breach_claimed(complaint: HasLifecycle, reason: str = "", **_: Any) -> bool:
    return reason == AGREEMENT_BREACHED


def at_intake_office(complaint: HasLifecycle, by_supervisor: bool = False, **_: Any) -> bool:
    """Only the intake centre dispatches (Order 121 Art. 41); a supervisor may too."""
    return complaint.at_intake or by_supervisor


def at_handling_office(complaint: HasLifecycle, **_: Any) -> bool:
    return not complaint.at_intake


def period_allows(complaint: HasLifecycle, reason: str = "", period_over: bool = False,
                  **_: Any) -> bool:
    # "No agreement within the period" cannot be the ground while the period still runs.
    return reason != NO_AGREEMENT_IN_TIME or period_over


def no_identity_request_open(complaint: HasLifecycle, **_: Any) -> bool:
    return not complaint.identity_open


def identity_request_open(complaint: HasLifecycle, **_: Any) -> bool:
    return complaint.identity_open


def identity_ground_open(complaint: Any, reason: str = "", at: Any = None,
                         impersonation: bool = False, **_: Any) -> bool:
    # Art. 16(六): impersonation is a ground as found; refusing identity checks only
    # once a request for proof has run out.
    if reason != RejectReason.IDENTITY_UNVERIFIED.value or impersonation:
        return True
    due_at = getattr(complaint, "identity_due_at", None)
    return complaint.identity_open and due_at is not None and at is not None and at >= due_at


def not_entrusted(complaint: HasLifecycle, **_: Any) -> bool:
    # The entrusted organisation may not pass the case on (Order 121 Art. 19).
    return not complaint.organisation


def is_joint(complaint: HasLifecycle, **_: Any) -> bool:
    return bool(complaint.joint)
def consent_recorded(complaint: HasLifecycle, consent: bool = False, **_: Any) -> bool:
    # Forwarding to the business needs the consumer's recorded consent (SPEC §14).
    return consent is True


def awaiting_reply(complaint: HasLifecycle, **_: Any) -> bool:
    return complaint.odr_reply is None


def settled_by_business(complaint: HasLifecycle, **_: Any) -> bool:
    return complaint.odr_reply is True


F, A, R, M = State.FILED, State.ACCEPTED, State.REJECTED, State.MEDIATED
RS, T, E, W = State.RESOLVED, State.TERMINATED, State.ESCALATED, State.WITHDRAWN
N = State.NEGOTIATING
CLOSED = [R, RS, T, E, W]

FREE = no_recusal_pending

TABLE: list[dict[str, Any]] = [
    {"trigger": "transfer", "source": F, "dest": None, "conditions": at_intake_office},
    {"trigger": "return-to-intake", "source": F, "dest": None, "conditions": at_handling_office},
    {"trigger": "accept", "source": F, "dest": A, "conditions": materials_complete},
    {"trigger": "reject", "source": F, "dest": R, "conditions": identity_ground_open},
    {"trigger": "notify", "source": [A, M, R], "dest": None, "conditions": [decision_untold, FREE]},
    {"trigger": "assign", "source": A, "dest": M},
    {"trigger": "reassign", "source": M, "dest": None, "conditions": FREE},
    {"trigger": "notes", "source": [A, M], "dest": None},
    {"trigger": "suspend", "source": M, "dest": None, "conditions": [is_running, FREE]},
    {"trigger": "resume", "source": M, "dest": None, "conditions": [is_suspended, FREE]},
    {"trigger": "recusal-request", "source": M, "dest": None, "conditions": FREE},
    {"trigger": "recusal-decision", "source": M, "dest": None, "conditions": recusal_pending},
    {"trigger": "resolve", "source": [A, M], "dest": RS,
     "conditions": [FREE, consented("resolve")]},
    {"trigger": "terminate", "source": M, "dest": T, "conditions": [FREE, period_allows]},
    {"trigger": "notice", "source": [T, W], "dest": None, "conditions": notice_pending},
    {"trigger": "escalate", "source": [M, T], "dest": E, "conditions": FREE},
    {"trigger": "escalate", "source": RS, "dest": E, "conditions": breach_claimed},
    {"trigger": "withdraw", "source": [F, A, M, N], "dest": W,
     "conditions": consented("withdraw")},
    {"trigger": "satisfaction", "source": CLOSED, "dest": None, "conditions": not_yet_rated},
    # Identity checks (Art. 10) and joint cases (Art. 12): domain/parties.py.
    {"trigger": "request-identity", "source": F, "dest": None,
     "conditions": no_identity_request_open},
    {"trigger": "identity-verified", "source": F, "dest": None,
     "conditions": identity_request_open},
    {"trigger": "consent", "source": [F, A, M], "dest": None, "conditions": is_joint},
    {"trigger": "change-request", "source": [F, A, M], "dest": None,
     "conditions": [FREE, consented("change-request")]},
    # Entrusted mediation (Art. 19): before a mediator is assigned, and only once.
    {"trigger": "entrust", "source": A, "dest": None, "conditions": not_entrusted},
    # Online pre-settlement (先行和解) by an ODR business, before the decision (SPEC §14).
    {"trigger": "forward", "source": F, "dest": N, "conditions": consent_recorded},
    {"trigger": "business-reply", "source": N, "dest": None, "conditions": awaiting_reply},
    {"trigger": "confirm-settlement", "source": N, "dest": RS,
     "conditions": settled_by_business},
    {"trigger": "return", "source": N, "dest": F},
]

COMMANDS: tuple[str, ...] = tuple(dict.fromkeys(row["trigger"] for row in TABLE))


# One machine holds the table (domain/table_machine.py).
_MACHINE = TableMachine(State, TABLE, initial=State.FILED)


def _ask(complaint: HasLifecycle, command: str, args: dict[str, Any]) -> State | None:
    return _MACHINE.ask(complaint, command, args)


def decide(complaint: HasLifecycle, command: str, **args: Any) -> State:
    """The state the command leads to, or `CommandNotAllowed` naming state and options."""
    state = _ask(complaint, command, args)
    if state is None:
        raise CommandNotAllowed(complaint.state.value, command, allowed_commands(complaint))
    return state


def allowed_commands(complaint: HasLifecycle) -> list[str]:
    """Commands the table allows now; a guard that needs an argument is asked for the
    argument that would satisfy it (escalating a resolved case needs a breach, ending
    mediation needs a ground)."""
    return list(_allowed(_Snapshot(complaint.state, complaint.suspended,
                                   complaint.recusal_pending, complaint.notice_due,
                                   complaint.decision_notified, complaint.rated,
                                   complaint.at_intake, complaint.materials_complete,
                                   complaint.consents_missing, complaint.identity_open,
                                   bool(complaint.joint), complaint.organisation,
                                   complaint.odr_reply)))


class _Snapshot(NamedTuple):
    """All the guards can see of a complaint, so answers can be cached per snapshot."""

    state: State
    suspended: bool
    recusal_pending: bool
    notice_due: bool
    decision_notified: bool | None
    rated: bool
    at_intake: bool
    materials_complete: bool = True
    consents_missing: frozenset[str] = frozenset()
    identity_open: bool = False
    joint: bool = False
    organisation: str | None = None
    odr_reply: bool | None = None


_SATISFYING: dict[str, dict[str, Any]] = {
    "escalate": {"reason": AGREEMENT_BREACHED},
    "terminate": {"reason": "business_refused"},
    "forward": {"consent": True},
}


@lru_cache(maxsize=512)
def _allowed(snapshot: _Snapshot) -> tuple[str, ...]:
    allowed = []
    from_here = set(_MACHINE.triggers(snapshot.state))
    for command in (c for c in COMMANDS if c in from_here):
        if _ask(snapshot, command, _SATISFYING.get(command, {})) is not None:
            allowed.append(command)
    return tuple(allowed)
