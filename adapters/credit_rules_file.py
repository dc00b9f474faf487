"""Where the credit rules come from: the shipped defaults, or the file the settings name."""

from __future__ import annotations

from pathlib import Path

from domain.credit_rules import CreditRules, parse_rules
from domain.errors import InvalidValue

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "data" / "credit_rules.toml"


def load_credit_rules(path: Path | str | None = None) -> CreditRules:
    """Parse the rules file (the shipped defaults when no path is given).

    A bad file stops the service from starting, naming the file and the bad key:
    a ledger built from half-understood rules would be wrong everywhere at once.
    """
    source = Path(path or DEFAULT_RULES_FILE)
    try:
        return parse_rules(source.read_bytes())
    except InvalidValue as error:
        raise InvalidValue(error.field, f"{error.message} (in {source})") from None
