"""Typed refusals raised by the domain; the API maps each to one HTTP status."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """Base class for every refusal the domain can give."""


class InvalidValue(DomainError):
    """A field of a command failed validation; nothing is recorded."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidValues(InvalidValue):
    """Several fields failed at once; named like the first, listing them all."""

    def __init__(self, problems: list[InvalidValue]) -> None:
        first = problems[0]
        super().__init__(first.field, first.message)
        self.problems = problems


class CommandNotAllowed(DomainError):
    """The command is not allowed from the complaint's current state."""

    def __init__(self, state: str, command: str, allowed: Iterable[str],
                 what: str = "complaint") -> None:
        self.state = state
        self.command = command
        self.allowed = sorted(allowed)
        listed = ", ".join(self.allowed) or "none"
        why = "is refused: its conditions are not met" if command in self.allowed else "is not allowed"
        super().__init__(
            f"'{command}' {why} while the {what} is {state}; allowed now: {listed}"
        )


class NotPermitted(DomainError):
    """The acting user's role, or person, may not run this command."""

    def __init__(self, command: str, reason: str) -> None:
        self.command = command
        self.reason = reason
        super().__init__(f"'{command}' refused: {reason}")


class MediationPeriodRunning(CommandNotAllowed):
    """'No agreement within the period' while the mediation period still runs."""

    def __init__(self, state: str, due: object) -> None:
        DomainError.__init__(
            self, f"'terminate' with no_agreement_in_time is refused: the mediation period "
                  f"runs until {due.isoformat() if hasattr(due, 'isoformat') else due}")
        self.state = state
        self.command = "terminate"
        self.allowed = ["terminate"]
        self.due = due


class IdentityCheckRunning(CommandNotAllowed):
    """`identity_unverified` before a request for proof of identity has run out."""

    def __init__(self, state: str, due: object) -> None:
        why = (f"the request for proof of identity runs until {due}" if due
               else "no proof of identity was requested (request-identity)")
        DomainError.__init__(
            self, f"'reject' with identity_unverified is refused: {why}")
        self.state = state
        self.command = "reject"
        self.allowed = ["reject"]
        self.due = due


class ErasureRefused(DomainError):
    """Personal data may not be erased now: the complaint is open, on legal hold, or erased."""

    def __init__(self, command: str, reason: str) -> None:
        self.command = command
        self.reason = reason
        super().__init__(f"'{command}' refused: {reason}")
