"""The one table of a report's allowed moves (SPEC §13), asked through `transitions`.

The same style as the complaint's table (domain/lifecycle.py): rows are data, guards
are pure functions of the report and the command's arguments, no callbacks. Command
names are the API's names.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from domain.errors import CommandNotAllowed
from domain.table_machine import TableMachine
from domain.vocabulary import Coded


class ReportState(Coded):
    RECEIVED = "received"
    VERIFYING = "verifying"      # 核查
    CASE_OPENED = "case_opened"  # 立案
    NOT_OPENED = "not_opened"    # 不予立案
    REFERRED = "referred"        # no power here: the reporter is told where to go (Art. 34)
    CLOSED = "closed"


class ReportSource(Coded):
    PHONE = "phone"
    WEB = "web"
    APP = "app"
    WECHAT = "wechat"
    LETTER = "letter"
    VISIT = "visit"
    # A violation clue a mediator found during mediation (Order 121 Art. 27).
    MEDIATION = "mediation"


class CloseOutcome(Coded):
    PENALISED = "penalised"        # an administrative penalty was decided
    NO_VIOLATION = "no_violation"
    OTHER = "other"


DECIDED = frozenset({ReportState.CASE_OPENED, ReportState.NOT_OPENED, ReportState.REFERRED})
OPEN_STATES = frozenset({ReportState.RECEIVED, ReportState.VERIFYING})


class HasReportLifecycle(Protocol):
    state: ReportState
    extended: bool
    real_name: bool
    reporter_notified: bool


def not_extended(report: HasReportLifecycle, **_: Any) -> bool:
    # Extendable once (Order 121 Art. 27; penalty procedure rules Art. 18).
    return not report.extended


def reporter_untold(report: HasReportLifecycle, **_: Any) -> bool:
    # Only a real-name reporter can be told, and once per decision.
    return report.real_name and not report.reporter_notified


def penalty_needs_case(report: HasReportLifecycle, outcome: str = "", **_: Any) -> bool:
    # A penalty is decided in a case; a report never opened cannot end in one.
    return outcome != CloseOutcome.PENALISED.value or report.state is ReportState.CASE_OPENED


RC, V = ReportState.RECEIVED, ReportState.VERIFYING
CO, NO, RF, CL = (ReportState.CASE_OPENED, ReportState.NOT_OPENED, ReportState.REFERRED,
                  ReportState.CLOSED)

TABLE: list[dict[str, Any]] = [
    # Art. 35: the same facts again are recorded, never handled again; new facts are
    # merged while the report is still being verified.
    {"trigger": "repeat", "source": list(ReportState), "dest": None},
    {"trigger": "add-facts", "source": [RC, V], "dest": None},
    {"trigger": "verify", "source": RC, "dest": V},
    {"trigger": "extend", "source": [RC, V], "dest": None, "conditions": not_extended},
    {"trigger": "open-case", "source": V, "dest": CO},
    {"trigger": "decline", "source": V, "dest": NO},
    {"trigger": "refer", "source": [RC, V], "dest": RF},
    {"trigger": "notify-reporter", "source": [CO, NO, RF], "dest": None,
     "conditions": reporter_untold},
    {"trigger": "close", "source": [CO, NO, RF], "dest": CL, "conditions": penalty_needs_case},
]

COMMANDS: tuple[str, ...] = tuple(dict.fromkeys(row["trigger"] for row in TABLE))
# Commands that come from intake (Art. 35), not from the inspector's buttons.
INTAKE_COMMANDS = ("repeat", "add-facts")


_MACHINE = TableMachine(ReportState, TABLE, initial=ReportState.RECEIVED)


def _ask(report: HasReportLifecycle, command: str, args: dict[str, Any]) -> ReportState | None:
    return _MACHINE.ask(report, command, args)


def decide(report: HasReportLifecycle, command: str, **args: Any) -> ReportState:
    """The state the command leads to, or `CommandNotAllowed` naming state and options."""
    state = _ask(report, command, args)
    if state is None:
        raise CommandNotAllowed(report.state.value, command, allowed_commands(report), "report")
    return state


class _Snapshot(NamedTuple):
    state: ReportState
    extended: bool
    real_name: bool
    reporter_notified: bool


def allowed_commands(report: HasReportLifecycle) -> list[str]:
    return list(_allowed(_Snapshot(report.state, report.extended, report.real_name,
                                   report.reporter_notified)))


@lru_cache(maxsize=64)
def _allowed(snapshot: _Snapshot) -> tuple[str, ...]:
    from_here = set(_MACHINE.triggers(snapshot.state))
    return tuple(c for c in COMMANDS if c in from_here and c not in INTAKE_COMMANDS
                 and _ask(snapshot, c, {}) is not None)
