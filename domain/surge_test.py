"""Whether a week's complaints rise well above their own recent baseline (Order 121 Art. 38:
消费预警). The test, documented so that a flag can be explained:

- the subject's complaints are counted per week (Monday to Sunday, local dates);
- its baseline is the mean weekly count over the `baseline_weeks` weeks before the
  week tested, floored at `min_baseline` so a subject new to the desk is not judged
  against zero;
- if nothing had changed, the week's count X would be Poisson with that mean λ; the
  p-value is the one-sided exact tail P(X ≥ observed) = 1 − Σ_{i<observed} e^(−λ) λ^i / i!;
- the week is flagged when the p-value is below `alpha`, AND the count is at least
  `min_count` (no flag from tiny counts: three complaints are never a trend), AND at
  least `min_ratio` times the baseline (a large business's statistically significant
  wobble of a few percent is no warning).

Many subjects are tested each week, so `alpha` is kept small (see the thresholds
file); the counts themselves come from the statistics view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class SurgeRule:
    baseline_weeks: int = 8
    alpha: float = 0.001
    min_count: int = 5
    min_ratio: float = 2.0
    min_baseline: float = 0.5

    def as_data(self) -> dict[str, object]:
        return {"baseline_weeks": self.baseline_weeks, "alpha": self.alpha,
                "min_count": self.min_count, "min_ratio": self.min_ratio,
                "min_baseline": self.min_baseline}


@dataclass(frozen=True)
class Surge:
    observed: int
    baseline: Decimal  # mean complaints a week before, rounded to 0.01
    p_value: float


def poisson_upper_tail(observed: int, mean: float) -> float:
    """P(X ≥ observed) for X ~ Poisson(mean), summed exactly below `observed`."""
    if observed <= 0:
        return 1.0
    term = math.exp(-mean)
    below = 0.0
    for i in range(observed):
        if i:
            term *= mean / i
        below += term
    return max(0.0, 1.0 - below)


def assess(weekly_counts: list[int], rule: SurgeRule) -> Surge | None:
    """`weekly_counts`: the baseline weeks, oldest first, then the week tested."""
    if len(weekly_counts) != rule.baseline_weeks + 1:
        raise ValueError(f"need {rule.baseline_weeks} baseline weeks and the week tested")
    *before, observed = weekly_counts
    mean = max(sum(before) / len(before), rule.min_baseline)
    if observed < rule.min_count or observed < rule.min_ratio * mean:
        return None
    p = poisson_upper_tail(observed, mean)
    if p >= rule.alpha:
        return None
    return Surge(observed=observed, baseline=Decimal(str(round(mean, 2))), p_value=p)
