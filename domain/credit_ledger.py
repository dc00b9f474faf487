"""Ledger entries: what one complaint event earns (or cancels) under a set of credit rules.

Pure and shared: the credit-ledger projection writes these entries to its table and
the what-if computes them in memory, so the two can never disagree about a rule.

An entry's id is derived from the complaint, the event version and the rule, so a
rebuild makes the same ids again and a supervisor's void stays attached. A
cancellation is an entry too: minus the cancelled points, from the day of the
cancelling event until the day the cancelled entry would have expired, so the sum
of a ledger is always the points in force and the ledger explains itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from hashlib import sha1
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.credit_rules import CreditRules

PENALTY = "penalty"
CANCELLATION = "cancellation"

_ENTRY_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaint-desk:credit-entry")
_NAMESPACE_BYTES = _ENTRY_NAMESPACE.bytes


def entry_id_for(complaint_id: UUID | str, version: int, rule_id: str,
                 cancels: UUID | str | None = None) -> str:
    """Same complaint event and rule, same id: on every rebuild and in every what-if.

    The id is the text of a name-based UUID (version 5): `uuid5(namespace, name)`,
    spelt out here because a what-if makes one per entry over the whole history and
    building UUID objects costs three times as much.
    """
    name = f"{complaint_id}/{version}/{rule_id}"
    if cancels is not None:
        name += f"/cancels/{cancels}"
    digest = bytearray(sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str  # a UUID's text, from `entry_id_for`
    complaint_id: UUID | str
    version: int
    rule: str
    kind: str  # PENALTY or CANCELLATION
    points: int  # negative for a cancellation
    effective: date
    expires: date  # the first day it no longer counts
    cancels: str | None = None  # the id of the entry a cancellation cancels

    def in_force(self, on: date) -> bool:
        return self.effective <= on < self.expires


def entries_for(rules: CreditRules, event: Any, *, on: date,
                open_entries: Sequence[Entry] = ()) -> list[Entry]:
    """The entries this complaint event makes under the rules.

    `on` is the event's local date. `open_entries` are the complaint's penalties of
    cancellable rules not yet cancelled; an entry already expired is left alone.
    """
    name = type(event).__name__
    complaint_id = event.originator_id
    version = event.originator_version
    made: list[Entry] = []
    for rule in rules.cancelled_on(name):
        for entry in open_entries:
            if entry.rule == rule.id and entry.kind == PENALTY and on < entry.expires:
                made.append(Entry(
                    id=entry_id_for(complaint_id, version, rule.id, cancels=entry.id),
                    complaint_id=complaint_id, version=version, rule=rule.id,
                    kind=CANCELLATION, points=-entry.points, effective=on,
                    expires=entry.expires, cancels=entry.id,
                ))
    for rule in rules.triggered_by(name):
        if rule.matches(event):
            made.append(Entry(
                id=entry_id_for(complaint_id, version, rule.id),
                complaint_id=complaint_id, version=version, rule=rule.id, kind=PENALTY,
                points=rule.points, effective=on,
                expires=on + timedelta(days=rules.in_force_days),
            ))
    return made


def still_open(rules: CreditRules, open_entries: Iterable[Entry], made: Iterable[Entry]) -> list[Entry]:
    """The complaint's open cancellable penalties once `made` is added to its ledger."""
    cancellable = rules.cancellable
    made = [entry for entry in made if entry.kind == CANCELLATION or entry.rule in cancellable]
    if not made:
        return list(open_entries)
    cancelled = {entry.cancels for entry in made if entry.kind == CANCELLATION}
    return [
        entry for entry in (*open_entries, *made)
        if entry.kind == PENALTY and entry.rule in cancellable and entry.id not in cancelled
    ]
