"""Credit penalty rules as data: a versioned TOML file parsed once into frozen rules (SPEC §4).

A rule names the complaint event that triggers it, optional conditions on that
event's fields (`when` must all hold, `unless` must not), the points, and the events
that cancel it later. A bad file is refused whole with `InvalidValue` naming the bad
key, so a half-understood rules file never reaches the ledger.

    version = "2026.1"
    in_force_days = 365

    [grades]            # the fewest points for B, C and D
    B = 3
    C = 10
    D = 20

    [[rule]]
    id = "refused_mediation"
    trigger = "Terminated"
    when = { reason = "business_refused" }
    points = 5
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from domain.errors import InvalidValue
from domain.grades import Grade, GradeScale, ModelCriteria
from domain.report_lifecycle import CloseOutcome
from domain.vocabulary import (
    AgreementRecord, Category, Channel, Forum, Industry, MediationMode, NotifyChannel, Outcome,
    RejectReason, SatisfactionLevel, State, TerminateReason, WithdrawKind,
)

FREE_TEXT = None  # a condition field whose values are not a closed vocabulary

# The complaint events a rule may name, and the fields of each a condition may test.
TRIGGERS: dict[str, dict[str, Any]] = {
    "Filed": {"channel": Channel, "category": Category, "industry": Industry},
    "Accepted": {},
    "Rejected": {"reason": RejectReason},
    "DecisionNotified": {"channel": NotifyChannel},
    "Resolved": {"outcome": Outcome, "mode": MediationMode, "record": AgreementRecord},
    "Terminated": {"reason": TerminateReason},
    "TerminationNoticeRecorded": {},
    "Escalated": {
        "forum": Forum,
        "from_state": (State.MEDIATED, State.TERMINATED, State.RESOLVED),
        "reason": FREE_TEXT,
    },
    "Withdrawn": {"kind": WithdrawKind},
    "SatisfactionRecorded": {"score": (1, 2, 3, 4, 5), "level": SatisfactionLevel},
    # A report closed after a case (SPEC §13): `penalised` when a penalty was decided.
    "ReportClosed": {"outcome": CloseOutcome},
    # Pre-settlement (SPEC §14): the business's answer and a window that lapsed. A
    # settlement the business made itself (SettlementConfirmed) is deliberately no
    # trigger: a pre-settled complaint never charges the business.
    "BusinessReplied": {"settled": (True, False)},
    "ReturnedFromNegotiation": {"lapsed": (True, False)},
}

_TOP_KEYS = {"version", "description", "in_force_days", "grades", "model", "rule"}
_RULE_KEYS = {"id", "trigger", "when", "unless", "points", "cancelled_by", "description"}
_MODEL_KEYS = {"min_closed", "min_success_rate", "min_callbacks", "min_satisfaction_rate",
               # the names of rules files before 2026.2, read as their successors
               "min_resolved_share", "min_ratings", "min_average_satisfaction"}
_RULE_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_POINTS = 1000


@dataclass(frozen=True)
class Rule:
    id: str
    trigger: str
    points: int
    when: tuple[tuple[str, frozenset[Any]], ...] = ()
    unless: tuple[tuple[str, frozenset[Any]], ...] = ()
    cancelled_by: frozenset[str] = frozenset()

    def matches(self, event: Any) -> bool:
        """Whether this event (already known to be of the trigger type) earns the points."""
        if not self.when and not self.unless:
            return True
        return all(getattr(event, name, None) in allowed for name, allowed in self.when) and \
            not any(getattr(event, name, None) in barred for name, barred in self.unless)


@dataclass(frozen=True)
class CreditRules:
    version: str
    rules: tuple[Rule, ...]
    in_force_days: int = 365
    grades: GradeScale = field(default_factory=GradeScale)
    model: ModelCriteria = field(default_factory=ModelCriteria)

    def __post_init__(self) -> None:
        triggered: dict[str, tuple[Rule, ...]] = {}
        cancelling: dict[str, tuple[Rule, ...]] = {}
        for rule in self.rules:
            triggered[rule.trigger] = (*triggered.get(rule.trigger, ()), rule)
            for name in rule.cancelled_by:
                cancelling[name] = (*cancelling.get(name, ()), rule)
        object.__setattr__(self, "_triggered", triggered)
        object.__setattr__(self, "_cancelling", cancelling)
        object.__setattr__(self, "_names", frozenset(triggered) | frozenset(cancelling))
        object.__setattr__(self, "_cancellable",
                           frozenset(rule.id for rule in self.rules if rule.cancelled_by))

    def triggered_by(self, event_name: str) -> tuple[Rule, ...]:
        return self._triggered.get(event_name, ())  # type: ignore[attr-defined, no-any-return]

    def cancelled_on(self, event_name: str) -> tuple[Rule, ...]:
        """The rules whose entries this kind of event cancels."""
        return self._cancelling.get(event_name, ())  # type: ignore[attr-defined, no-any-return]

    @property
    def event_names(self) -> frozenset[str]:
        """Every complaint event type that can make or cancel an entry under these rules."""
        return self._names  # type: ignore[attr-defined, no-any-return]

    @property
    def cancellable(self) -> frozenset[str]:
        """The ids of rules whose entries a later event can cancel."""
        return self._cancellable  # type: ignore[attr-defined, no-any-return]

    def grade_for(self, points: int) -> Grade:
        return self.grades.grade_for(points)

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


MAX_RULES_TEXT = 256 * 1024


def parse_rules(text: str | bytes) -> CreditRules:
    """A rules file's text to frozen rules, or `InvalidValue` naming the first bad key."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidValue("rules", "must be UTF-8 text") from None
    if len(text) > MAX_RULES_TEXT:
        raise InvalidValue("rules", f"a rules file is at most {MAX_RULES_TEXT} characters")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidValue("rules", f"not a valid TOML file: {error}") from None
    except RecursionError:  # arrays nested thousands deep
        raise InvalidValue("rules", "nested too deeply to be a rules file") from None
    except ValueError:  # an integer of thousands of digits
        raise InvalidValue("rules", "holds a number far too long to be a rules value") from None
    _no_unknown(data, _TOP_KEYS, "")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip() or len(version) > 64:
        raise InvalidValue("version", "a rules file needs a version string of 1-64 characters")
    days = _whole(data.get("in_force_days", 365), "in_force_days", 1, 3650)
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        raise InvalidValue("rule", "write each rule as a [[rule]] table")
    rules = tuple(_rule(raw, f"rule[{i}]") for i, raw in enumerate(raw_rules))
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise InvalidValue(f"rule[{i}].id", f"'{rule.id}' is used by an earlier rule")
        seen.add(rule.id)
    return CreditRules(
        version=version.strip(),
        rules=rules,
        in_force_days=days,
        grades=_grades(data.get("grades", {})),
        model=_model(data.get("model", {})),
    )


def _rule(raw: object, where: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise InvalidValue(where, "must be a table")
    _no_unknown(raw, _RULE_KEYS, where)
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
        raise InvalidValue(f"{where}.id", "lowercase letters, digits and _, starting with a letter")
    trigger = raw.get("trigger")
    if trigger not in TRIGGERS:
        raise InvalidValue(f"{where}.trigger", f"must be one of: {', '.join(TRIGGERS)}")
    if "points" not in raw:
        raise InvalidValue(f"{where}.points", "is required")
    points = _whole(raw["points"], f"{where}.points", 1, MAX_POINTS)
    cancelled_by = raw.get("cancelled_by", [])
    if isinstance(cancelled_by, str):
        cancelled_by = [cancelled_by]
    if not isinstance(cancelled_by, list) or any(c not in TRIGGERS for c in cancelled_by):
        raise InvalidValue(f"{where}.cancelled_by",
                           f"a list of event types from: {', '.join(TRIGGERS)}")
    if trigger in cancelled_by:
        raise InvalidValue(f"{where}.cancelled_by", "a rule cannot be cancelled by its own trigger")
    return Rule(
        id=rule_id,
        trigger=trigger,
        points=points,
        when=_conditions(raw.get("when", {}), trigger, f"{where}.when"),
        unless=_conditions(raw.get("unless", {}), trigger, f"{where}.unless"),
        cancelled_by=frozenset(cancelled_by),
    )


def _conditions(raw: object, trigger: str, where: str) -> tuple[tuple[str, frozenset[Any]], ...]:
    if not isinstance(raw, Mapping):
        raise InvalidValue(where, "must be a table such as { reason = \"business_refused\" }")
    fields = TRIGGERS[trigger]
    found = []
    for name, value in raw.items():
        if name not in fields:
            known = ", ".join(fields) or "none"
            raise InvalidValue(f"{where}.{name}", f"{trigger} has no such field (fields: {known})")
        values = value if isinstance(value, list) else [value]
        if not values:
            raise InvalidValue(f"{where}.{name}", "give at least one value")
        found.append((name, frozenset(_allowed(v, fields[name], f"{where}.{name}") for v in values)))
    return tuple(sorted(found))


def _allowed(value: object, vocabulary: Any, where: str) -> Any:
    if isinstance(vocabulary, type) and issubclass(vocabulary, Enum):
        try:
            return vocabulary(value).value
        except ValueError:
            codes = ", ".join(str(m.value) for m in vocabulary)
            raise InvalidValue(where, f"'{value}' is not one of: {codes}") from None
    if vocabulary is FREE_TEXT:
        if not isinstance(value, str) or not value:
            raise InvalidValue(where, "must be text")
        return value
    options = [getattr(v, "value", v) for v in vocabulary]
    # true == 1 in Python: a yes/no field takes only true or false, a number field no bool.
    yes_no = all(isinstance(o, bool) for o in options)
    if isinstance(value, bool) is not yes_no or value not in options:
        raise InvalidValue(where, f"'{value}' is not one of: {', '.join(map(str, options))}")
    return value


def _grades(raw: object) -> GradeScale:
    if not isinstance(raw, Mapping):
        raise InvalidValue("grades", "must be a table with B, C and D")
    _no_unknown(raw, {"B", "C", "D", "watch"}, "grades")
    default = GradeScale()
    b = _whole(raw.get("B", default.b), "grades.B", 1, 100_000)
    c = _whole(raw.get("C", default.c), "grades.C", 1, 100_000)
    d = _whole(raw.get("D", default.d), "grades.D", 1, 100_000)
    if not b < c:
        raise InvalidValue("grades.C", f"must be above B ({b})")
    if not c < d:
        raise InvalidValue("grades.D", f"must be above C ({c})")
    watch = raw.get("watch", default.watch.value)
    if watch not in ("B", "C", "D"):
        raise InvalidValue("grades.watch", "the grade that puts a business on the watch list: B, C or D")
    return GradeScale(b=b, c=c, d=d, watch=Grade(watch))


def _model(raw: object) -> ModelCriteria:
    if not isinstance(raw, Mapping):
        raise InvalidValue("model", "must be a table")
    _no_unknown(raw, _MODEL_KEYS, "model")
    if "min_average_satisfaction" in raw:
        # An average of 1-5 scores let a business many consumers rated 2/5 through.
        raise InvalidValue("model.min_average_satisfaction",
                           "replaced by min_satisfaction_rate: the share of call-backs that "
                           "were satisfied or basically satisfied, from 0 to 1")
    default = ModelCriteria()
    success_key = "min_resolved_share" if "min_resolved_share" in raw else "min_success_rate"
    callbacks_key = "min_ratings" if "min_ratings" in raw else "min_callbacks"
    return ModelCriteria(
        min_closed=_whole(raw.get("min_closed", default.min_closed), "model.min_closed", 1, 10_000),
        min_success_rate=_number(raw.get(success_key, default.min_success_rate),
                                 f"model.{success_key}", Decimal(0), Decimal(1)),
        min_callbacks=_whole(raw.get(callbacks_key, default.min_callbacks),
                             f"model.{callbacks_key}", 1, 10_000),
        min_satisfaction_rate=_number(
            raw.get("min_satisfaction_rate", default.min_satisfaction_rate),
            "model.min_satisfaction_rate", Decimal(0), Decimal(1)),
    )


def _no_unknown(raw: Mapping[str, Any], known: set[str], where: str) -> None:
    for key in raw:
        if key not in known:
            path = f"{where}.{key}" if where else key
            raise InvalidValue(path, f"unknown key (known: {', '.join(sorted(known))})")


def _whole(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidValue(where, f"must be a whole number from {low} to {high}")
    return value


def _number(value: object, where: str, low: Decimal, high: Decimal) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidValue(where, f"must be a number from {low} to {high}")
    # TOML floats are binary; their shortest decimal spelling is what the author wrote.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not low <= number <= high:
        raise InvalidValue(where, f"must be a number from {low} to {high}")
    return number
