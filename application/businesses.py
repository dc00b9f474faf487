"""Pledges and model businesses (SPEC §14): rewards for honest businesses beside the
penalties of the credit ledger. A supervisor designates a model business (放心消费示范)
only among the model candidates, which need a pledge in force; designation is revocable,
and each decision keeps its written reason."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from domain.errors import DomainError, InvalidValue, NotPermitted
from domain.identifiers import CreditCode, business_key
from domain.intake import bounded_text
from domain.permissions import Actor
from domain.pledges import Pledge, pledge_kind
from domain.vocabulary import Role


class NotModelCandidate(DomainError):
    """Only a model candidate (grade A, record, a pledge in force) can be designated."""

    def __init__(self, key: str) -> None:
        super().__init__(f"{key} is not a model-business candidate now: it needs grade A, "
                         "no penalty in force, the closed-case record, and a pledge in force")
        self.key = key


class Records(Protocol):
    def add_pledge(self, pledge: Pledge, *, actor: str) -> None: ...
    def pledges(self, credit_code: str) -> list[Pledge]: ...
    def decide_model(self, credit_code: str, *, name: str, designated: bool, reason: str,
                     actor: str) -> Any: ...
    def model(self, credit_code: str) -> Any: ...
    def models(self) -> list[Any]: ...
    def decide_disclosure(self, business_key: str, *, withheld: bool, reason: str,
                          actor: str) -> None: ...


class Businesses:
    def __init__(self, records: Records, credit: Any) -> None:
        self.records = records
        self.credit = credit

    def record_pledge(self, *, actor: Actor, own_code: str | None, key: str, kind: object,
                      start: date, end: date) -> Pledge:
        code = _code(key)
        if not (actor.role is Role.SUPERVISOR
                or (actor.role is Role.BUSINESS and own_code == code)):
            raise NotPermitted("pledge", "a supervisor, or the business itself, records pledges")
        pledge = Pledge(code, pledge_kind(kind), start, end)
        self.records.add_pledge(pledge, actor=actor.username)
        return pledge

    def pledges(self, key: str) -> list[Pledge]:
        return self.records.pledges(_code(key))

    def decide_model(self, *, actor: Actor, key: str, designated: bool, reason: str,
                     as_of: date) -> Any:
        if actor.role is not Role.SUPERVISOR:
            raise NotPermitted("model", "only a supervisor designates model businesses")
        code = _code(key)
        reason = bounded_text(reason, "reason", 1000)
        if designated:
            found = {c.key: c for c in self.credit.model_candidates(as_of=as_of)}.get(code)
            if found is None:
                raise NotModelCandidate(code)
            name = found.name
        else:
            current = self.records.model(code)
            if current is None or not current.designated:
                raise InvalidValue("designated", "this business is not a model business")
            name = current.name
        return self.records.decide_model(code, name=name, designated=designated,
                                         reason=reason, actor=actor.username)

    def models(self) -> list[Any]:
        return self.records.models()

    def decide_disclosure(self, *, actor: Actor, key: str, withheld: bool,
                          reason: str) -> None:
        """Withhold a business from public disclosure, or disclose it again, with a
        written reason (Order 121 Art. 39: trade secrets, privacy, public order)."""
        if actor.role is not Role.SUPERVISOR:
            raise NotPermitted("withhold", "only a supervisor withholds from disclosure")
        found = key.strip().upper() if _is_code(key) else business_key(key, None)
        if not found:
            raise InvalidValue("key", "a credit code or a business name")
        reason = bounded_text(reason, "reason", 1000)
        self.records.decide_disclosure(found, withheld=withheld, reason=reason,
                                       actor=actor.username)


def _code(key: str) -> str:
    return CreditCode.parse(key).value


def _is_code(key: str) -> bool:
    try:
        _code(key)
    except InvalidValue:
        return False
    return True
