"""Credit grades from points in force, and who may be put forward as a model business (SPEC §4).

Pure: the points and a business's closed-case record come in, a grade or a list of
unmet criteria goes out. The numbers live in the rules file, so a stricter scale is
a what-if away, not a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import Enum

from domain.errors import InvalidValue


class Grade(str, Enum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class GradeScale:
    """The fewest points in force for grades B, C and D; fewer than `b` is A."""

    b: int = 3
    c: int = 10
    d: int = 20
    watch: Grade = Grade.D  # this grade and worse go on the watch list

    def __post_init__(self) -> None:
        if not 0 < self.b < self.c < self.d:
            raise InvalidValue("grades", "B, C and D must be rising whole numbers above 0")

    def grade_for(self, points: int) -> Grade:
        if points >= self.d:
            return Grade.D
        if points >= self.c:
            return Grade.C
        if points >= self.b:
            return Grade.B
        return Grade.A

    def watched(self, grade: Grade) -> bool:
        # Letters order the grades: A is best, D worst.
        return grade.value >= self.watch.value


@dataclass(frozen=True)
class ModelCriteria:
    """What a model-business (放心消费示范) candidate needs besides grade A and no penalty."""

    min_closed: int = 3
    min_success_rate: Decimal = Decimal("0.9")
    # The satisfaction rate is judged only once this many call-backs exist: two
    # unhappy calls must not sink, nor two happy ones carry, a business.
    min_callbacks: int = 3
    min_satisfaction_rate: Decimal = Decimal("0.9")


@dataclass(frozen=True)
class ModelRecord:
    """A business's accepted complaints closed in the window, counted by the SPEC §5 definitions.

    `resolved`, `terminated` and `escalated` are the mediation outcomes (escalated from
    mediation); withdrawals and private settlements are the consumer's choice and count
    neither way. `callbacks` are the satisfaction call-backs on those complaints,
    `satisfied` those that were satisfied or basically satisfied.
    """

    closed: int = 0
    resolved: int = 0
    terminated: int = 0
    escalated: int = 0
    callbacks: int = 0
    satisfied: int = 0

    @property
    def mediation_finished(self) -> int:
        return self.resolved + self.terminated + self.escalated

    @property
    def success_rate(self) -> Decimal | None:
        finished = self.mediation_finished
        return Decimal(self.resolved) / Decimal(finished) if finished else None

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return Decimal(self.satisfied) / Decimal(self.callbacks) if self.callbacks else None


def model_shortfalls(grade: Grade, record: ModelRecord, criteria: ModelCriteria,
                     points: int = 0) -> list[str]:
    """Why the business is not a model candidate; an empty list means it is one."""
    missing = []
    if grade is not Grade.A:
        missing.append(f"grade is {grade.value}, not A")
    if points > 0:
        missing.append(f"{points} penalty points in force")
    if record.closed < criteria.min_closed:
        missing.append(f"{record.closed} accepted complaints closed in the window, "
                       f"fewer than {criteria.min_closed}")
    success = record.success_rate
    if success is None:
        missing.append("no mediation ended in the window (only withdrawals)")
    elif success < criteria.min_success_rate:
        missing.append(f"mediation success rate {_percent(success)}, "
                       f"below {_percent(criteria.min_success_rate)}")
    satisfaction = record.satisfaction_rate
    if record.callbacks >= criteria.min_callbacks and satisfaction is not None \
            and satisfaction < criteria.min_satisfaction_rate:
        missing.append(f"satisfaction rate {_percent(satisfaction)}, "
                       f"below {_percent(criteria.min_satisfaction_rate)}")
    return missing


def is_model_candidate(grade: Grade, record: ModelRecord, criteria: ModelCriteria,
                       points: int = 0) -> bool:
    return not model_shortfalls(grade, record, criteria, points)


def _percent(share: Decimal) -> str:
    # Rounded down, so 89.9% never reads as the 90% it falls short of.
    return f"{(share * 100).quantize(Decimal('0.1'), rounding=ROUND_DOWN)}%"
