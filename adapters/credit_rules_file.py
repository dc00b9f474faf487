"""Where the credit rules come from: the shipped defaults, or the file the settings name."""

from __future__ import annotations

from pathlib import Path

from domain.credit_rules import CreditRules, parse_rules

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "data" / "credit_rules.toml"


def load_credit_rules(path: Path | str | None = None) -> CreditRules:
    """Parse the rules file (the shipped defaults when no path is given); a bad file refuses to start."""
    return parse_rules(Path(path or DEFAULT_RULES_FILE).read_bytes())
