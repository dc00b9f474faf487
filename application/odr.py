"""Online dispute resolution (ODR) and pre-settlement (先行和解; SPEC §14, Order 121 Art. 6):
the register, forwarding with the register checked, and the window sweep.

The sweep returns to `filed` every forwarded complaint whose window ran out without the
business's answer. It is idempotent and safe to run from several workers at once: each
complaint is decided again from its own events before it is returned, and a worker
that loses the race for a complaint (its save conflicts, or the complaint has moved on)
leaves it to the winner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from application.desk import ComplaintDesk
from application.errors import ConcurrentUpdate
from domain.clocks import ClockName
from domain.errors import CommandNotAllowed, InvalidValue, NotPermitted
from domain.identifiers import CreditCode
from domain.intake import bounded_text
from domain.permissions import Actor
from domain.vocabulary import Role

# Who returns a complaint whose window lapsed: the desk itself, on the supervisors' behalf.
ODR_WINDOW = Actor("odr-window", Role.SUPERVISOR)


class Member(Protocol):
    credit_code: str
    business_name: str
    start_date: date
    end_date: date | None


class Register(Protocol):
    def join(self, credit_code: str, *, name: str, start: date, actor: str) -> Member: ...
    def leave(self, credit_code: str, *, last_day: date, actor: str) -> Member | None: ...
    def get(self, credit_code: str | None) -> Member | None: ...
    def on_register(self, credit_code: str | None, day: date) -> bool: ...
    def all(self) -> list[Member]: ...


class Cases(Protocol):
    def negotiating_ids(self) -> list[str]: ...


@dataclass(frozen=True)
class SweepResult:
    looked_at: int
    returned: list[str]


class Odr:
    def __init__(self, desk: ComplaintDesk, register: Register, cases: Cases) -> None:
        self.desk = desk
        self.register = register
        self.cases = cases

    # ----- the register -----------------------------------------------------------

    def join(self, *, actor: Actor, own_code: str | None, credit_code: str, name: str,
             start: date) -> Member:
        """A supervisor puts any business on the register; a business only itself."""
        code = CreditCode.parse(credit_code).value
        _may_keep(actor, own_code, code, "join the ODR register")
        name = bounded_text(name, "name", 200)
        return self.register.join(code, name=name, start=start, actor=actor.username)

    def leave(self, *, actor: Actor, own_code: str | None, credit_code: str,
              last_day: date) -> Member:
        code = CreditCode.parse(credit_code).value
        _may_keep(actor, own_code, code, "leave the ODR register")
        member = self.register.get(code)
        if member is None:
            raise InvalidValue("credit_code", "this business is not on the ODR register")
        if last_day < member.start_date:
            raise InvalidValue("last_day", "before the business joined the register")
        left = self.register.leave(code, last_day=last_day, actor=actor.username)
        assert left is not None
        return left

    def forward(self, complaint_id: UUID, *, actor: Actor, consent: object, note: str = "",
                expected_version: int | None = None) -> None:
        self.desk.forward(complaint_id, actor=actor, consent=consent, note=note,
                          on_register=self.register.on_register,
                          expected_version=expected_version)

    # ----- the window -------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepResult:
        """Return every forwarded complaint whose window ended before `now` unanswered."""
        now = now or self.desk.clock()
        keeper = self.desk.timekeeper
        if keeper is None:
            raise RuntimeError("the ODR sweep needs the desk's timekeeper")
        returned: list[str] = []
        candidates = self.cases.negotiating_ids()
        for key in candidates:
            clocks = self.desk.clocks_of(UUID(key))
            window = clocks.running(ClockName.ODR) if clocks else None
            if window is None or now < keeper.end_of(window.due_day):
                continue
            try:
                self.desk.return_from_negotiation(
                    UUID(key), actor=ODR_WINDOW, lapsed=True, expected_version=None,
                    note="在线和解期限届满，经营者未答复")
            except (CommandNotAllowed, ConcurrentUpdate):
                continue  # answered, returned or withdrawn meanwhile, or another worker won
            returned.append(key)
        return SweepResult(looked_at=len(candidates), returned=returned)


def _may_keep(actor: Actor, own_code: str | None, code: str, what: str) -> None:
    if actor.role is Role.SUPERVISOR:
        return
    if actor.role is Role.BUSINESS and own_code == code:
        return
    if actor.role is Role.BUSINESS:
        raise NotPermitted(what, "a business keeps only its own entries")
    raise NotPermitted(what, f"the {actor.role.value} role may not do this")
