"""The thresholds of the surge test, per kind of subject, from a data file."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path

from domain.surge_test import SurgeRule
from domain.warnings import SCOPES

DEFAULT = files("adapters") / "data" / "warning_thresholds.toml"


def load_thresholds(path: Path | None = None) -> dict[str, SurgeRule]:
    raw = tomllib.loads(path.read_text("utf-8") if path else DEFAULT.read_text("utf-8"))
    rules = {}
    for kind in SCOPES:
        given = raw.get(kind, {})
        rules[kind] = SurgeRule(
            baseline_weeks=int(given.get("baseline_weeks", 8)), alpha=float(given.get("alpha", 0.001)),
            min_count=int(given.get("min_count", 5)), min_ratio=float(given.get("min_ratio", 2.0)),
            min_baseline=float(given.get("min_baseline", 0.5)))
        if rules[kind].baseline_weeks < 2 or rules[kind].min_count < 3:
            raise ValueError(f"{kind}: at least 2 baseline weeks and a min_count of 3")
    return rules
