"""Signed checkpoints: the head of every chain in the store, folded into one signed digest.

A chain alone cannot show that its last events were deleted, or that someone holding
the chain key rewrote it from the start. A checkpoint can: it records where every
chain stood (complaints, credit voids, any hash-chained aggregate in the log), folds
those heads into one SHA-256 digest and signs it with an Ed25519 key kept apart from
the database. The public key can be published, and with it the digest, so anyone can
later check the store against what it was. Checkpoints are themselves chained: each
payload names the digest of the one before.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from eventsourcing.persistence import Mapper, StoredEvent

from application.audit import ChainChecker, ChainReport, Head, StoreReport, verify_grouped

_FOLD_SEED = b"complaint-desk/checkpoint/v1\n"


def fold(heads: Iterable[Head]) -> str:
    """One digest over every head, in chain-id order."""
    digest = hashlib.sha256(_FOLD_SEED)
    for head in heads:
        digest.update(f"{head.chain_id} {head.version} {head.hash}\n".encode())
    return digest.hexdigest()


def public_key_text(public: Ed25519PublicKey) -> str:
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def key_id_of(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


@dataclass(frozen=True)
class Checkpoint:
    """What is signed is `payload`, byte for byte; the other fields are read from it."""

    seq: int
    created: str
    chains: int
    events: int
    digest: str
    previous: str | None
    key_id: str
    payload: str
    signature: str

    @classmethod
    def signed(cls, key: Ed25519PrivateKey, *, seq: int, created: datetime, chains: int,
               events: int, digest: str, previous: str | None) -> Checkpoint:
        fields = {"seq": seq, "created": created.isoformat(), "chains": chains,
                  "events": events, "digest": digest, "previous": previous,
                  "key_id": key_id_of(key.public_key())}
        payload = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        signature = base64.b64encode(key.sign(payload.encode())).decode()
        return cls(**fields, payload=payload, signature=signature)  # type: ignore[arg-type]

    @classmethod
    def stored(cls, payload: str, signature: str, *, seq: int | None = None) -> Checkpoint:
        """Rebuild from what is stored; the fields come from the signed payload only
        (`seq` names a record whose payload is not even readable)."""
        try:
            fields = json.loads(payload)
        except ValueError:
            fields = {}
        if not isinstance(fields, dict):
            fields = {}
        fields.setdefault("seq", seq)
        return cls(**{k: fields.get(k) for k in (
            "seq", "created", "chains", "events", "digest", "previous", "key_id")},
            payload=payload, signature=signature)

    def signature_problem(self, public: Ed25519PublicKey) -> str | None:
        try:
            public.verify(base64.b64decode(self.signature), self.payload.encode())
            return None
        except (InvalidSignature, ValueError):
            pass
        if self.key_id and self.key_id != key_id_of(public):
            return f"checkpoint {self.seq} was signed with another key ({self.key_id})"
        return f"checkpoint {self.seq} has a bad signature (its record was altered)"

    def as_published(self) -> dict[str, Any]:
        return {"payload": self.payload, "signature": self.signature}


@dataclass(frozen=True)
class CheckpointReport:
    seq: int | None
    created: str | None
    digest: str | None
    problem: str | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None


class CheckpointStore(Protocol):
    def latest(self) -> Checkpoint | None: ...

    def heads(self, seq: int) -> Iterator[Head]: ...

    def head_of(self, seq: int, chain_id: str) -> Head | None: ...

    def payload_of(self, seq: int) -> str | None: ...

    def save(self, checkpoint: Checkpoint, heads: list[Head]) -> None: ...


class StoreNotIntact(Exception):
    """A checkpoint is never signed over a store whose chains are broken."""

    def __init__(self, report: StoreReport) -> None:
        first = report.broken[0] if report.broken else None
        named = (f"{first.complaint_id} at version {first.first_bad_version}: {first.problem}"
                 if first else (report.checkpoint.problem if report.checkpoint else "unknown"))
        super().__init__(f"not signing a checkpoint over a store that fails verification: {named}")
        self.report = report


class Auditor:
    """Verifies chains against the latest checkpoint, and makes new checkpoints."""

    def __init__(self, *, mapper: Mapper[Any], chain_key: bytes | None,
                 signing_key: Ed25519PrivateKey, checkpoints: CheckpointStore,
                 stored_events: Callable[[], Iterable[tuple[str, StoredEvent]]],
                 events_of: Callable[[UUID], Iterable[StoredEvent]],
                 clock: Callable[[], datetime]) -> None:
        self.mapper = mapper
        self.chain_key = chain_key
        self.signing_key = signing_key
        self.public_key = signing_key.public_key()
        self.checkpoints = checkpoints
        self.stored_events = stored_events
        self.events_of = events_of
        self.clock = clock

    def verify_store(self, progress: Callable[[int], None] | None = None, *,
                     collect_heads: bool = False) -> StoreReport:
        """Every chain, and the store against the latest checkpoint."""
        latest = self.checkpoints.latest()
        if latest is None:
            return verify_grouped(self.mapper, self.stored_events(), progress, key=self.chain_key,
                                  collect_heads=collect_heads)
        problem = latest.signature_problem(self.public_key)
        folding = _Folding(self.checkpoints.heads(latest.seq) if problem is None else ())
        report = verify_grouped(self.mapper, self.stored_events(), progress, key=self.chain_key,
                                checkpoint=latest.seq if problem is None else None,
                                heads=folding, collect_heads=collect_heads)
        if problem is None and folding.count == 0 and latest.chains:
            problem = (f"checkpoint {latest.seq} has no list of chain heads; only the latest "
                       "checkpoint keeps one (was a later checkpoint deleted?)")
        elif problem is None and folding.digest() != latest.digest:
            problem = (f"checkpoint {latest.seq}'s list of chain heads no longer folds into "
                       "its signed digest (the list was altered)")
        return replace(report, checkpoint=CheckpointReport(
            latest.seq, latest.created, latest.digest, problem))

    def verify(self, chain_id: UUID) -> tuple[ChainReport, CheckpointReport | None]:
        """One chain, against its head in the latest checkpoint (signature checked)."""
        latest = self.checkpoints.latest()
        problem = latest.signature_problem(self.public_key) if latest else None
        head = (self.checkpoints.head_of(latest.seq, str(chain_id))
                if latest and problem is None else None)
        checker = ChainChecker(self.mapper, str(chain_id), key=self.chain_key,
                               checkpoint=latest.seq if latest and problem is None else None,
                               head=head)
        for stored in self.events_of(chain_id):
            checker.feed(stored)
        checkpoint = (CheckpointReport(latest.seq, latest.created, latest.digest, problem)
                      if latest else None)
        return checker.report(), checkpoint

    def published_problem(self, published: Checkpoint) -> str | None:
        """Whether the store still holds a checkpoint that was published (kept elsewhere):
        only a copy outside the database shows that its checkpoints were deleted."""
        problem = published.signature_problem(self.public_key)
        if problem:
            return f"the published {problem}"
        stored = self.checkpoints.payload_of(published.seq)
        if stored is None:
            return (f"published checkpoint {published.seq} is missing from the store "
                    "(checkpoints were deleted)")
        if stored != published.payload:
            return f"checkpoint {published.seq} in the store differs from the published one"
        return None

    def checkpoint(self, progress: Callable[[int], None] | None = None) -> Checkpoint:
        """Verify the whole store against the last checkpoint, then sign where every chain
        stands now (one pass over the store)."""
        latest = self.checkpoints.latest()
        report = self.verify_store(progress, collect_heads=True)
        if not report.intact:
            raise StoreNotIntact(report)
        heads = report.heads or []
        checkpoint = Checkpoint.signed(
            self.signing_key, seq=(latest.seq + 1) if latest else 1, created=self.clock(),
            chains=len(heads), events=report.events, digest=fold(heads),
            previous=latest.digest if latest else None)
        self.checkpoints.save(checkpoint, heads)
        return checkpoint


class _Folding:
    """Passes the checkpoint's heads on while folding them, so memory stays flat."""

    def __init__(self, heads: Iterable[Head]) -> None:
        self._heads = iter(heads)
        self._digest = hashlib.sha256(_FOLD_SEED)
        self.count = 0

    def __iter__(self) -> Iterator[Head]:
        for head in self._heads:
            self.count += 1
            self._digest.update(f"{head.chain_id} {head.version} {head.hash}\n".encode())
            yield head

    def digest(self) -> str:
        return self._digest.hexdigest()
