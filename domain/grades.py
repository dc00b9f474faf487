"""Credit grades from points in force, and who may be put forward as a model business (SPEC §4).

Pure: the points and a business's closed-case record come in, a grade or a list of
unmet criteria goes out. The numbers live in the rules file, so a stricter scale is
a what-if away, not a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
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
    """What a model-business (放心消费示范) candidate needs besides grade A and no escalation."""

    min_closed: int = 3
    min_resolved_share: Decimal = Decimal("0.9")
    # The satisfaction average is judged only once this many ratings exist: two
    # unhappy calls must not sink, nor two happy ones carry, a business.
    min_ratings: int = 3
    min_average_satisfaction: Decimal = Decimal("4.0")


@dataclass(frozen=True)
class ModelRecord:
    """A business's accepted complaints closed in the window, as the statistics view counts them."""

    closed: int = 0
    resolved: int = 0
    escalated: int = 0
    ratings: int = 0
    rating_total: int = 0

    @property
    def resolved_share(self) -> Decimal | None:
        return Decimal(self.resolved) / Decimal(self.closed) if self.closed else None

    @property
    def average_satisfaction(self) -> Decimal | None:
        return Decimal(self.rating_total) / Decimal(self.ratings) if self.ratings else None


def model_shortfalls(grade: Grade, record: ModelRecord, criteria: ModelCriteria) -> list[str]:
    """Why the business is not a model candidate; an empty list means it is one."""
    missing = []
    if grade is not Grade.A:
        missing.append(f"grade is {grade.value}, not A")
    if record.closed < criteria.min_closed:
        missing.append(f"{record.closed} accepted complaints closed in the window, "
                       f"fewer than {criteria.min_closed}")
    share = record.resolved_share
    if share is not None and share < criteria.min_resolved_share:
        missing.append(f"{share:.0%} resolved, below {criteria.min_resolved_share:.0%}")
    if record.escalated:
        missing.append(f"{record.escalated} escalated in the window")
    average = record.average_satisfaction
    if record.ratings >= criteria.min_ratings and average is not None \
            and average < criteria.min_average_satisfaction:
        missing.append(f"average satisfaction {average:.2f} below "
                       f"{criteria.min_average_satisfaction}")
    return missing


def is_model_candidate(grade: Grade, record: ModelRecord, criteria: ModelCriteria) -> bool:
    return not model_shortfalls(grade, record, criteria)
