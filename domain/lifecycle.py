"""The one table of allowed moves (SPEC §2), asked through the `transitions` library.

Rows are data; guards are pure functions of the complaint and the command's
arguments; there are no callbacks, because side effects belong elsewhere and
replaying history must never run them. Command names are the API's names.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from transitions import Machine, MachineError

from domain.errors import CommandNotAllowed
from domain.vocabulary import AGREEMENT_BREACHED, State


class HasLifecycle(Protocol):
    state: State
    suspended: bool
    notice_recorded: bool
    satisfaction: int | None


def is_suspended(complaint: HasLifecycle, **_: Any) -> bool:
    return complaint.suspended


def is_running(complaint: HasLifecycle, **_: Any) -> bool:
    return not complaint.suspended


def notice_pending(complaint: HasLifecycle, **_: Any) -> bool:
    return not complaint.notice_recorded


def not_yet_rated(complaint: HasLifecycle, **_: Any) -> bool:
    return complaint.satisfaction is None


def breach_claimed(complaint: HasLifecycle, reason: str = "", **_: Any) -> bool:
    return reason == AGREEMENT_BREACHED


F, A, R, M = State.FILED, State.ACCEPTED, State.REJECTED, State.MEDIATED
RS, T, E, W = State.RESOLVED, State.TERMINATED, State.ESCALATED, State.WITHDRAWN
CLOSED = [R, RS, T, E, W]

TABLE: list[dict[str, Any]] = [
    {"trigger": "transfer", "source": F, "dest": None},
    {"trigger": "accept", "source": F, "dest": A},
    {"trigger": "reject", "source": F, "dest": R},
    {"trigger": "assign", "source": A, "dest": M},
    {"trigger": "reassign", "source": M, "dest": None},
    {"trigger": "notes", "source": [A, M], "dest": None},
    {"trigger": "suspend", "source": M, "dest": None, "conditions": is_running},
    {"trigger": "resume", "source": M, "dest": None, "conditions": is_suspended},
    {"trigger": "resolve", "source": [A, M], "dest": RS},
    {"trigger": "terminate", "source": M, "dest": T},
    {"trigger": "notice", "source": T, "dest": None, "conditions": notice_pending},
    {"trigger": "escalate", "source": [M, T], "dest": E},
    {"trigger": "escalate", "source": RS, "dest": E, "conditions": breach_claimed},
    {"trigger": "withdraw", "source": [F, A, M], "dest": W},
    {"trigger": "satisfaction", "source": CLOSED, "dest": None, "conditions": not_yet_rated},
]

COMMANDS: tuple[str, ...] = tuple(dict.fromkeys(row["trigger"] for row in TABLE))


class _Probe:
    """A stand-in model: the table is asked, the aggregate is never bound to a machine."""

    state: State


# One machine holds the table. Each thread keeps one probe bound to it and sets the
# probe to the complaint's state before each question: binding a fresh probe per
# question cost ~50 µs, a third of a command's CPU; this costs a few.
_MACHINE = Machine(
    model=None, states=State, transitions=TABLE, auto_transitions=False, initial=None
)
_BINDING = threading.Lock()
_local = threading.local()


def _probe() -> _Probe:
    probe = getattr(_local, "probe", None)
    if probe is None:
        probe = _local.probe = _Probe()
        with _BINDING:  # the machine's model list is shared between threads
            _MACHINE.add_model(probe, initial=State.FILED)
    return probe


def _ask(complaint: HasLifecycle, command: str, args: dict[str, Any]) -> State | None:
    probe = _probe()
    _MACHINE.set_state(complaint.state, model=probe)
    try:
        moved = probe.trigger(command, complaint, **args)  # type: ignore[attr-defined]
    except (MachineError, AttributeError):
        moved = False
    return probe.state if moved else None


def decide(complaint: HasLifecycle, command: str, **args: Any) -> State:
    """The state the command leads to, or `CommandNotAllowed` naming state and options."""
    state = _ask(complaint, command, args)
    if state is None:
        raise CommandNotAllowed(complaint.state.value, command, allowed_commands(complaint))
    return state


def allowed_commands(complaint: HasLifecycle) -> list[str]:
    """Commands the table allows now; a guard that needs an argument is asked for the
    argument that would satisfy it (escalating a resolved case needs a breach)."""
    return list(_allowed(_Snapshot(complaint.state, complaint.suspended,
                                   complaint.notice_recorded, complaint.satisfaction)))


class _Snapshot(NamedTuple):
    """All the guards can see of a complaint, so answers can be cached per snapshot."""

    state: State
    suspended: bool
    notice_recorded: bool
    satisfaction: int | None


@lru_cache(maxsize=256)
def _allowed(snapshot: _Snapshot) -> tuple[str, ...]:
    allowed = []
    from_here = set(_MACHINE.get_triggers(snapshot.state))
    for command in (c for c in COMMANDS if c in from_here):
        args = {"reason": AGREEMENT_BREACHED} if command == "escalate" else {}
        if _ask(snapshot, command, args) is not None:
            allowed.append(command)
    return tuple(allowed)
