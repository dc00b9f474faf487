"""Reads the offices file (`adapters/data/offices.toml`, or COMPLAINTS_OFFICES)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from domain.offices import Office, Offices

DEFAULT_OFFICES = Path(__file__).resolve().parent / "data" / "offices.toml"


class OfficesFileError(ValueError):
    """The offices file cannot be read as a directory of offices."""


def load_offices(path: Path | str | None = None) -> Offices:
    path = Path(path or DEFAULT_OFFICES)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OfficesFileError(f"{path}: offices file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise OfficesFileError(f"{path}: not valid TOML: {error}") from None
    offices = []
    for number, entry in enumerate(data.get("office", []), start=1):
        code, name = entry.get("code"), entry.get("name")
        if not isinstance(code, str) or not code or not isinstance(name, str) or not name:
            raise OfficesFileError(f"{path}: office #{number} needs a code and a name")
        offices.append(Office(code=code, name=name, parent=entry.get("parent"),
                              intake=bool(entry.get("intake", False))))
    codes = {office.code for office in offices}
    for office in offices:
        if office.parent and office.parent not in codes:
            raise OfficesFileError(f"{path}: {office.code}'s parent {office.parent} is not listed")
    if not offices:
        raise OfficesFileError(f"{path}: lists no office")
    return Offices(offices)
