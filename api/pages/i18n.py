"""Labels for the pages: one message catalog per language (api/i18n/*.toml), nothing
hard-coded in templates.

Simplified Chinese is the default; English is chosen by a cookie that the language
switch sets, so the choice sticks from page to page. Codes (states, reasons,
industries...) are labelled from the same catalogs: `label("state", "filed")` reads
the key `state.filed`.

A missing key falls back to the other language, then to the key itself, so a page
never breaks over a label; with `strict` on (the tests) a missing key raises instead.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CATALOG_DIR = Path(__file__).resolve().parent.parent / "i18n"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANG_COOKIE = "desk_lang"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


class MissingTranslation(KeyError):
    """A label the catalog does not have (raised only in strict mode)."""


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """{"state": {"filed": "已登记"}} → {"state.filed": "已登记"}."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def load_catalog(language: str, folder: Path = CATALOG_DIR) -> dict[str, str]:
    with open(folder / f"{language}.toml", "rb") as file:
        return flatten(tomllib.load(file))


@dataclass
class Catalogs:
    messages: dict[str, dict[str, str]] = field(default_factory=dict)
    strict: bool = False

    @classmethod
    def load(cls, folder: Path = CATALOG_DIR) -> Catalogs:
        return cls({language: load_catalog(language, folder) for language in LANGUAGES})

    def has(self, language: str, key: str) -> bool:
        return key in self.messages.get(language, {})

    def text(self, language: str, key: str, **params: Any) -> str:
        found = self.messages.get(language, {}).get(key)
        if found is None:
            if self.strict:
                raise MissingTranslation(f"{language}: {key}")
            other = next((m[key] for lang, m in self.messages.items()
                          if lang != language and key in m), None)
            found = other if other is not None else key
        if params:
            try:
                return found.format_map(params)
            except (KeyError, IndexError, ValueError):
                return found
        return found


CATALOGS = Catalogs.load()


def language_of(cookie: str | None) -> str:
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


# The vocabularies whose every code must have a label: domain/vocabulary.py's enums by
# their catalog section. Other codes (offices, credit rule ids from a rules file that
# may change) fall back to the code itself.
VOCABULARY_SECTIONS = {
    "State": "state", "Role": "role", "Channel": "channel", "Category": "category",
    "Industry": "industry", "RejectReason": "reject_reason",
    "TerminateReason": "terminate_reason", "SuspendReason": "suspend_reason",
    "Forum": "forum", "Outcome": "outcome", "NoteKind": "note_kind",
    "WithdrawKind": "withdraw_kind", "NotifyChannel": "notify_channel",
    "MediationMode": "mediation_mode", "AgreementRecord": "agreement_record",
    "SatisfactionLevel": "satisfaction_level", "RecusalBy": "recusal_by",
    "ErasureBasis": "erasure_basis",
}
CHECKED_SECTIONS = frozenset({*VOCABULARY_SECTIONS.values(), "command", "clock", "event",
                              "regulation", "grade"})


class Translator:
    """`t(key, **params)` and `label(section, code)` in one language, for one page."""

    def __init__(self, language: str, catalogs: Catalogs = CATALOGS) -> None:
        self.language = language
        self.catalogs = catalogs

    def __call__(self, key: str, **params: Any) -> str:
        return self.catalogs.text(self.language, key, **params)

    def label(self, section: str, code: object) -> str:
        if code is None or code == "":
            return ""
        key = f"{section}.{code}"
        if section in CHECKED_SECTIONS or self.catalogs.has(self.language, key):
            return self.catalogs.text(self.language, key)
        return str(code)

    def first(self, *keys: str, **params: Any) -> str:
        """The first of several keys the catalog has (the last is the fallback)."""
        for key in keys[:-1]:
            if self.catalogs.has(self.language, key):
                return self.catalogs.text(self.language, key, **params)
        return self.catalogs.text(self.language, keys[-1], **params)
