"""One `transitions` machine over a declarative table, asked from any thread.

The aggregates are never bound to a machine: each thread keeps one stand-in model (a
probe) bound to it and sets the probe to the aggregate's state before each question.
Binding a fresh probe per question cost ~50 µs, a third of a command's CPU; this costs a
few.
"""

from __future__ import annotations

import threading
from enum import Enum
from typing import Any, Generic, TypeVar

from transitions import Machine, MachineError

S = TypeVar("S", bound=Enum)


class _Probe:
    state: Any


class TableMachine(Generic[S]):
    def __init__(self, states: type[S], table: list[dict[str, Any]], initial: S) -> None:
        self.machine = Machine(model=None, states=states, transitions=table,
                               auto_transitions=False, initial=None)
        self._initial = initial
        self._binding = threading.Lock()  # the machine's model list is shared by threads
        self._local = threading.local()

    def _probe(self) -> _Probe:
        probe = getattr(self._local, "probe", None)
        if probe is None:
            probe = self._local.probe = _Probe()
            with self._binding:
                self.machine.add_model(probe, initial=self._initial)
        return probe

    def ask(self, subject: Any, command: str, args: dict[str, Any]) -> S | None:
        """The state `command` leads `subject` to, with `args` for the guards; None when
        the table does not allow it."""
        probe = self._probe()
        self.machine.set_state(subject.state, model=probe)
        try:
            moved = probe.trigger(command, subject, **args)  # type: ignore[attr-defined]
        except (MachineError, AttributeError):
            moved = False
        return probe.state if moved else None  # type: ignore[no-any-return]

    def triggers(self, state: S) -> list[str]:
        return list(self.machine.get_triggers(state))
