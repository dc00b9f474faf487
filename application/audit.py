"""Tamper evidence: each stored event carries a hash of its own content chained to the last.

The hash covers what is stored (before any upcasting), so a history written by an
older class version still verifies. The first event of a complaint chains to a fixed
seed. Editing a stored event breaks its own hash; removing one leaves a gap in the
versions; either way verification names the first bad version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

_COMPLAINT_TOPIC = "domain.complaint:Complaint."
SEED = hashlib.sha256(b"complaint-desk/chain/v1").hexdigest()
HASH_FIELD = "hash"


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [_sorted(v) for v in value]
    return value


def chain_hash(mapper: Mapper[Any], previous: str, *, originator_id: UUID | str, version: int,
               topic: str, state: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the event's canonical stored form."""
    content = {k: v for k, v in state.items() if k != HASH_FIELD}
    envelope = {"id": str(originator_id), "version": version, "topic": topic,
                "state": _sorted(content)}
    digest = hashlib.sha256(previous.encode())
    digest.update(mapper.transcoder.encode(envelope))
    return digest.hexdigest()


def stored_state_of(event: Any) -> dict[str, Any]:
    """The dict the mapper will store for this event (class version included)."""
    state = dict(vars(event))
    state.pop("originator_id")
    state.pop("originator_version")
    class_version = getattr(type(event), "class_version", 1)
    if class_version > 1:
        state["class_version"] = class_version
    return state


def decode_stored(mapper: Mapper[Any], stored: StoredEvent) -> dict[str, Any]:
    """Decrypt and decode a stored event's state, without upcasting it."""
    state = stored.state
    if mapper.cipher:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor:
        state = mapper.compressor.decompress(state)
    return mapper.transcoder.decode(state)


@dataclass(frozen=True)
class ChainReport:
    complaint_id: str
    events: int
    first_bad_version: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_bad_version is None


class ChainChecker:
    """Follows one complaint's stored events in order and finds the first that breaks."""

    def __init__(self, mapper: Mapper[Any], complaint_id: str) -> None:
        self.mapper = mapper
        self.complaint_id = complaint_id
        self.previous = SEED
        self.expected_version = 1
        self.events = 0
        self.bad: tuple[int, str] | None = None

    def feed(self, stored: StoredEvent) -> None:
        self.events += 1
        if self.bad:
            return
        version = stored.originator_version
        if version != self.expected_version:
            self.bad = (self.expected_version, f"version {self.expected_version} is missing")
            return
        try:
            state = decode_stored(self.mapper, stored)
        except Exception:  # an edited ciphertext fails its authentication tag
            self.bad = (version, "stored event cannot be decrypted or decoded")
            return
        recorded = state.get(HASH_FIELD)
        computed = chain_hash(self.mapper, self.previous, originator_id=self.complaint_id,
                              version=version, topic=stored.topic, state=state)
        if recorded != computed:
            self.bad = (version, "content does not match its hash")
            return
        self.previous = computed
        self.expected_version += 1

    def report(self) -> ChainReport:
        if self.bad:
            return ChainReport(self.complaint_id, self.events, *self.bad)
        return ChainReport(self.complaint_id, self.events)


@dataclass(frozen=True)
class StoreReport:
    complaints: int
    events: int
    broken: list[ChainReport]

    @property
    def intact(self) -> bool:
        return not self.broken


def verify_grouped(mapper: Mapper[Any], stored: Iterable[tuple[str, StoredEvent]],
                   progress: Callable[[int], None] | None = None) -> StoreReport:
    """Check every chain in a stream grouped by complaint and ordered by version.

    Only the current complaint's checker is held, so memory stays flat.
    """
    broken: list[ChainReport] = []
    complaints = events = 0
    checker: ChainChecker | None = None
    for complaint_id, event in stored:
        if checker is None or checker.complaint_id != complaint_id:
            if checker is not None and checker.bad:
                broken.append(checker.report())
            checker = ChainChecker(mapper, complaint_id)
            # Case-number claims and credit voids have chains too, but are not complaints.
            complaints += event.topic.startswith(_COMPLAINT_TOPIC)
        checker.feed(event)
        events += 1
        if progress and events % 1000 == 0:
            progress(1000)
    if checker is not None and checker.bad:
        broken.append(checker.report())
    if progress and events % 1000:
        progress(events % 1000)
    return StoreReport(complaints=complaints, events=events, broken=broken)
