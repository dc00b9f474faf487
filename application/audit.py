"""Tamper evidence: each stored event carries a hash of its own content chained to the last.

The hash covers what is stored (before any upcasting), so a history written by an
older class version still verifies. The first event of a complaint chains to a fixed
seed. Editing a stored event breaks its own hash; removing one leaves a gap in the
versions; either way verification names the first bad version.

The chain is versioned, and each event records the version that linked it:
1. SHA-256, unkeyed: the histories written before the chain key existed. They stay
   verifiable exactly as they are; nothing is ever rewritten.
2. HMAC-SHA256 under the chain key, which is kept apart from the database: whoever
   can write the database but not read the key cannot forge a link.
An event's chain version is inside what its hash covers, and a keyed chain never
goes back to unkeyed links, so a forger cannot downgrade the tail of a history.
Whole-chain rewrites and removed last events are found against a signed checkpoint
(`application.checkpoints`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

if TYPE_CHECKING:
    from application.checkpoints import CheckpointReport

_COMPLAINT_TOPIC = "domain.complaint:Complaint."
SEED = hashlib.sha256(b"complaint-desk/chain/v1").hexdigest()
HASH_FIELD = "hash"
CHAIN_VERSION_FIELD = "chain_version"
UNKEYED = 1
KEYED = 2


class MissingChainKey(RuntimeError):
    """A keyed link cannot be made or checked without the chain key."""


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [_sorted(v) for v in value]
    return value


def _canonical(mapper: Mapper[Any], originator_id: UUID | str, version: int, topic: str,
               state: Mapping[str, Any]) -> bytes:
    content = {k: v for k, v in state.items() if k != HASH_FIELD}
    envelope = {"id": str(originator_id), "version": version, "topic": topic,
                "state": _sorted(content)}
    return mapper.transcoder.encode(envelope)


def chain_hash(mapper: Mapper[Any], previous: str, *, originator_id: UUID | str, version: int,
               topic: str, state: Mapping[str, Any], key: bytes | None = None) -> str:
    """The link over the previous hash and the event's canonical stored form.

    The event's own `chain_version` (absent: 1) says how the link is made.
    """
    content = _canonical(mapper, originator_id, version, topic, state)
    chain_version = state.get(CHAIN_VERSION_FIELD, UNKEYED)
    if chain_version == UNKEYED:
        digest = hashlib.sha256(previous.encode())
        digest.update(content)
        return digest.hexdigest()
    if chain_version == KEYED:
        if key is None:
            raise MissingChainKey("this event is linked with the chain key, which is not configured")
        link = _keyed(key).copy()
        link.update(previous.encode())
        link.update(content)
        return link.hexdigest()
    raise ValueError(f"unknown chain version {chain_version!r}")


@lru_cache(maxsize=4)
def _keyed(key: bytes) -> hmac.HMAC:
    """The key's HMAC state, prepared once; each link starts from a copy of it."""
    return hmac.new(key, digestmod=hashlib.sha256)


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
class Head:
    """Where one chain stood when a checkpoint was signed."""

    chain_id: str
    version: int
    hash: str


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
    """Follows one complaint's stored events in order and finds the first that breaks.

    With a checkpoint, `head` is where the chain stood then (None: it did not exist
    yet) and every event after that point must be keyed.
    """

    def __init__(self, mapper: Mapper[Any], complaint_id: str, *, key: bytes | None = None,
                 checkpoint: int | None = None, head: Head | None = None) -> None:
        self.mapper = mapper
        self.complaint_id = complaint_id
        self.key = key
        self.checkpoint = checkpoint
        self.head = head
        self.previous = SEED
        self.expected_version = 1
        self.chain_version = UNKEYED
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
        chain_version = state.get(CHAIN_VERSION_FIELD, UNKEYED)
        if chain_version < self.chain_version:
            self.bad = (version, "unkeyed link after keyed ones (a rewritten tail)")
            return
        if chain_version == UNKEYED and self._after_checkpoint(version):
            self.bad = (version, f"unkeyed link recorded after checkpoint {self.checkpoint}")
            return
        try:
            computed = chain_hash(self.mapper, self.previous, originator_id=self.complaint_id,
                                  version=version, topic=stored.topic, state=state, key=self.key)
        except (MissingChainKey, ValueError) as error:
            self.bad = (version, str(error))
            return
        if state.get(HASH_FIELD) != computed:
            self.bad = (version, "content does not match its hash")
            return
        if self.head and version == self.head.version and computed != self.head.hash:
            self.bad = (version, f"differs from checkpoint {self.checkpoint} (the chain was "
                                 "rewritten)")
            return
        self.chain_version = chain_version
        self.previous = computed
        self.expected_version += 1

    def _after_checkpoint(self, version: int) -> bool:
        if self.checkpoint is None:
            return False
        return self.head is None or version > self.head.version

    def report(self) -> ChainReport:
        if self.bad:
            return ChainReport(self.complaint_id, self.events, *self.bad)
        last = self.expected_version - 1
        if self.head and last < self.head.version:
            removed = (f"version {last + 1} was" if last + 1 == self.head.version
                       else f"versions {last + 1} to {self.head.version} were")
            return ChainReport(self.complaint_id, self.events, last + 1,
                               f"{removed} removed after checkpoint {self.checkpoint}")
        return ChainReport(self.complaint_id, self.events)


@dataclass(frozen=True)
class StoreReport:
    complaints: int
    events: int
    broken: list[ChainReport]
    heads: list[Head] | None = None  # collected only when a checkpoint is being made
    checkpoint: CheckpointReport | None = None  # the latest, when there is one

    @property
    def intact(self) -> bool:
        return not self.broken and (self.checkpoint is None or self.checkpoint.valid)


def verify_grouped(mapper: Mapper[Any], stored: Iterable[tuple[str, StoredEvent]],
                   progress: Callable[[int], None] | None = None, *, key: bytes | None = None,
                   checkpoint: int | None = None, heads: Iterable[Head] = (),
                   collect_heads: bool = False) -> StoreReport:
    """Check every chain in a stream grouped by complaint and ordered by id and version.

    `heads` are the checkpoint's, in the same order; a chain the checkpoint names that
    is no longer stored at all is reported too. Only the current chain's checker is
    held, so memory stays flat (unless the heads are collected for a new checkpoint).
    """
    broken: list[ChainReport] = []
    collected: list[Head] = []
    complaints = events = 0
    pending = _Lookahead(iter(heads))
    checker: ChainChecker | None = None

    def close(done: ChainChecker) -> None:
        report = done.report()
        if not report.intact:
            broken.append(report)
        elif collect_heads:
            collected.append(Head(done.complaint_id, done.expected_version - 1, done.previous))

    for complaint_id, event in stored:
        if checker is None or checker.complaint_id != complaint_id:
            if checker is not None:
                close(checker)
            broken.extend(_vanished(pending.until(complaint_id), checkpoint))
            head = pending.take(complaint_id)
            checker = ChainChecker(mapper, complaint_id, key=key, checkpoint=checkpoint,
                                   head=head)
            # Case-number claims and credit voids have chains too, but are not complaints.
            complaints += event.topic.startswith(_COMPLAINT_TOPIC)
        checker.feed(event)
        events += 1
        if progress and events % 1000 == 0:
            progress(1000)
    if checker is not None:
        close(checker)
    broken.extend(_vanished(pending.rest(), checkpoint))
    if progress and events % 1000:
        progress(events % 1000)
    return StoreReport(complaints=complaints, events=events, broken=broken,
                       heads=collected if collect_heads else None)


def _vanished(heads: Iterable[Head], checkpoint: int | None) -> Iterator[ChainReport]:
    for head in heads:
        removed = "its only event was" if head.version == 1 else f"all {head.version} events were"
        yield ChainReport(head.chain_id, 0, 1, f"{removed} removed after checkpoint {checkpoint}")


class _Lookahead:
    """Walks the checkpoint's heads alongside the store's chains (both sorted by id)."""

    def __init__(self, heads: Iterator[Head]) -> None:
        self._heads = heads
        self._next: Head | None = next(heads, None)

    def until(self, chain_id: str) -> list[Head]:
        passed = []
        while self._next is not None and self._next.chain_id < chain_id:
            passed.append(self._next)
            self._next = next(self._heads, None)
        return passed

    def take(self, chain_id: str) -> Head | None:
        if self._next is not None and self._next.chain_id == chain_id:
            found, self._next = self._next, next(self._heads, None)
            return found
        return None

    def rest(self) -> list[Head]:
        left = [self._next] if self._next is not None else []
        return left + list(self._heads)
