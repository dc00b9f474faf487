"""Personal fields sealed inside each event with the complaint's own data key.

The event as a whole is still encrypted under the cipher key; inside it, the personal
fields (domain/personal_data.py) hold ciphertext under a key that belongs to that
complaint alone. The hash chain covers the stored form, ciphertext included, so
destroying a data key (erasure) leaves every chain intact while the fields become
unreadable and show as 已删除. Histories stored before sealing carry clear fields
inside the encrypted event; they keep loading as they are.
"""

from __future__ import annotations

import os
from base64 import b64decode, b64encode
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent, Transcoding

from domain.personal_data import ERASED, personal_fields

NONCE = 12


@dataclass(frozen=True)
class Sealed:
    """A personal value as stored: AES-GCM under the complaint's data key."""

    ciphertext: bytes


class SealedAsBase64(Transcoding):
    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> str:
        return b64encode(obj.ciphertext).decode("ascii")

    def decode(self, data: str) -> Sealed:
        return Sealed(b64decode(data))


class DataKeyStore(Protocol):
    def key_for(self, complaint_id: UUID, *, first: bool = False) -> bytes:
        """The complaint's data key, made on first use (`first`: its first event)."""

    def find(self, complaint_id: UUID) -> bytes | None:
        """The complaint's data key, or None once it has been destroyed."""

    def destroy(self, complaint_id: UUID) -> None:
        """Crypto-shred: no copy of the complaint's key stays readable."""


class Sealer:
    def __init__(self, keys: DataKeyStore) -> None:
        self.keys = keys

    # ----- writing ------------------------------------------------------------

    def prepare(self, new_complaints: list[UUID]) -> None:
        """Make the keys of these new complaints together, when the store can: a batch
        of imported complaints costs one write, not one each."""
        make_many = getattr(self.keys, "make_many", None)
        if make_many is not None and len(new_complaints) > 1:
            make_many(new_complaints)

    def seal(self, event: Any) -> None:
        """Replace the event's personal fields by their sealed form, before it is hashed."""
        state = vars(event)
        fields = [f for f in personal_fields(type(event).__name__, state) if _has_text(state[f])]
        if not fields:
            return
        complaint_id = event.originator_id
        aes = AESGCM(self.keys.key_for(complaint_id, first=event.originator_version == 1))
        associated = str(complaint_id).encode()
        for field in fields:
            # A new value, never the same object: the aggregate keeps its clear copy.
            object.__setattr__(event, field, _seal(state[field], aes, associated))

    # ----- reading ------------------------------------------------------------

    def unseal(self, event: Any) -> None:
        state = vars(event)
        sealed = [f for f, v in state.items() if _holds_sealed(v)]
        if not sealed:
            return
        key = self.keys.find(event.originator_id)
        aes = AESGCM(key) if key else None
        associated = str(event.originator_id).encode()
        for field in sealed:
            state[field] = _open(state[field], aes, associated)


def _has_text(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_text(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_text(v) for v in value)
    return isinstance(value, str) and value != ""


def _holds_sealed(value: Any) -> bool:
    # Nested: a proxy's authorisation, and the list of a joint case's consumers.
    if isinstance(value, dict):
        return any(_holds_sealed(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_sealed(v) for v in value)
    return isinstance(value, Sealed)


def _seal(value: Any, aes: AESGCM, associated: bytes) -> Any:
    if isinstance(value, dict):
        return {k: _seal(v, aes, associated) for k, v in value.items()}
    if isinstance(value, list):
        return [_seal(v, aes, associated) for v in value]
    if isinstance(value, str) and value:
        nonce = os.urandom(NONCE)
        return Sealed(nonce + aes.encrypt(nonce, value.encode(), associated))
    return value


def _open(value: Any, aes: AESGCM | None, associated: bytes) -> Any:
    if isinstance(value, dict):
        return {k: _open(v, aes, associated) for k, v in value.items()}
    if isinstance(value, list):
        return [_open(v, aes, associated) for v in value]
    if not isinstance(value, Sealed):
        return value
    if aes is None:
        return ERASED
    try:
        return aes.decrypt(value.ciphertext[:NONCE], value.ciphertext[NONCE:], associated).decode()
    except InvalidTag:
        # Sealed under a key that no longer exists (erased, then new text recorded).
        return ERASED


class UnsealingMapper(Mapper[UUID]):
    """eventsourcing's mapper, opening sealed personal fields after decoding an event."""

    def __init__(self, base: Mapper[UUID], sealer: Sealer) -> None:
        super().__init__(transcoder=base.transcoder, compressor=base.compressor,
                         cipher=base.cipher)
        self.sealer = sealer

    def prefetch(self, stored_events: list[StoredEvent]) -> None:
        """Load the data keys of a page of events at once, when the store can."""
        load = getattr(self.sealer.keys, "prefetch", None)
        if load is not None:
            load({e.originator_id for e in stored_events})

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        self.sealer.unseal(event)
        return event
