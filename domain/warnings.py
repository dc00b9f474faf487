"""Consumer warnings (消费预警、风险提示; Order 121 Art. 38): flags raised by the surge
test, and the warnings a supervisor publishes on the public page.

A flag is an aggregate whose id is derived from what it is about (kind, subject,
week), so detecting the same week twice raises it once. A published warning is its
own aggregate. Both are events in the same hash-chained log as the complaints.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, NotPermitted
from domain.intake import bounded_text
from domain.permissions import Actor
from domain.vocabulary import Role

_FLAG_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaint-desk:risk-flag")
# What a flag or a warning may be about: one business (its key), one industry, or one
# kind of problem (the category within an industry, `goods:online_shopping`).
SCOPES = ("business", "industry", "problem")
# The longest a warning stays up without being published again.
LONGEST_WARNING_DAYS = 366


def flag_id_for(kind: str, key: str, week_start: date) -> UUID:
    return uuid5(_FLAG_NAMESPACE, f"{kind}\x1f{key}\x1f{week_start.isoformat()}")


def _check_supervisor(actor: Actor, what: str) -> None:
    if actor.role is not Role.SUPERVISOR:
        raise NotPermitted(what, f"only a supervisor may do this, not the {actor.role.value} role")


class RiskFlag(Aggregate):
    """One subject's week that the surge test found well above its baseline."""

    @classmethod
    def raise_flag(cls, *, actor: Actor, at: datetime, kind: str, key: str, label: str,
                   week_start: date, observed: int, baseline: Decimal, p_value: float,
                   complaint_ids: list[str], rule: dict[str, Any]) -> RiskFlag:
        _check_supervisor(actor, "flag")
        if kind not in SCOPES:
            raise InvalidValue("kind", f"must be one of: {', '.join(SCOPES)}")
        return cls._create(
            cls.Raised, id=flag_id_for(kind, key, week_start), actor=actor.as_data(), at=at,
            kind=kind, key=key, label=label, week_start=week_start.isoformat(),
            observed=observed, baseline=baseline, p_value=f"{p_value:.3g}",
            complaint_ids=list(complaint_ids), rule=dict(rule))

    class Raised(Aggregate.Created):
        actor: dict[str, str]
        at: datetime
        kind: str
        key: str
        label: str
        week_start: str
        observed: int
        baseline: Decimal
        p_value: str  # as printed, so a replay never depends on float formatting
        complaint_ids: list[str]
        rule: dict[str, Any]  # the thresholds it was tested with

    @event(Raised)
    def __init__(self, actor: dict[str, str], at: datetime, kind: str, key: str, label: str,
                 week_start: str, observed: int, baseline: Decimal, p_value: str,
                 complaint_ids: list[str], rule: dict[str, Any]) -> None:
        self.kind = kind
        self.key = key
        self.week_start = week_start
        self.observed = observed


class ConsumerWarning(Aggregate):
    """A warning published for the public: its text, what it is about, when it holds."""

    @classmethod
    def publish(cls, *, actor: Actor, at: datetime, title: object, message: object, scope: object,
                key: object, label: object, valid_from: date, valid_until: date,
                flag_ids: list[str]) -> ConsumerWarning:
        _check_supervisor(actor, "publish a warning")
        title = bounded_text(title, "title", 100)
        message = bounded_text(message, "message", 2000)
        if scope not in SCOPES:
            raise InvalidValue("scope", f"must be one of: {', '.join(SCOPES)}")
        key = bounded_text(key, "key", 200)
        label = bounded_text(label, "label", 200)
        if valid_until < valid_from:
            raise InvalidValue("valid_until", "must not be before valid_from")
        if (valid_until - valid_from).days > LONGEST_WARNING_DAYS:
            raise InvalidValue("valid_until", f"a warning holds at most {LONGEST_WARNING_DAYS} days")
        return cls._create(
            cls.Published, id=uuid4(), actor=actor.as_data(), at=at, title=title, message=message,
            scope=scope, key=key, label=label, valid_from=valid_from.isoformat(),
            valid_until=valid_until.isoformat(), flag_ids=list(flag_ids))

    class Published(Aggregate.Created):
        actor: dict[str, str]
        at: datetime
        title: str
        # Not `text`: that name is sealed as personal data in every event; a warning's
        # words are written for the public.
        message: str
        scope: str
        key: str
        label: str
        valid_from: str
        valid_until: str
        flag_ids: list[str]

    @event(Published)
    def __init__(self, actor: dict[str, str], at: datetime, title: str, message: str, scope: str,
                 key: str, label: str, valid_from: str, valid_until: str,
                 flag_ids: list[str]) -> None:
        self.title = title
        self.scope = scope
        self.valid_from = valid_from
        self.valid_until = valid_until
