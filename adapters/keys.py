"""Keys from configuration, or kept beside the embedded SQLite file.

Five keys, each for one purpose: the cipher key (events at rest, and the wrapping of
every complaint's data key), the blind-index key (exact lookups of phone, name and ID
number), the search-token key (words of descriptions and requests), the hash chain's
HMAC key and the checkpoint signing key. The first three settings may list several
keys separated by commas, newest first, while a rotation moves everything to the
newest (`complaints keys rotate`).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from eventsourcing.cryptography import AESCipher

from adapters.settings import Settings

log = logging.getLogger(__name__)


class MissingCipherKey(RuntimeError):
    pass


@dataclass(frozen=True)
class KeyKind:
    setting: str    # the Settings field, and COMPLAINTS_<SETTING> in the environment
    suffix: str     # the file beside the SQLite database
    purpose: str    # said in the log and the error, so an operator knows what is at stake


CIPHER = KeyKind("cipher_key", ".key", "the event cipher key: without it the consumers' "
                 "personal data in this store cannot be read")
BLIND_INDEX = KeyKind("blind_index_key", ".blind-index.key", "the blind-index key: searches "
                      "by phone, name and ID number need it")
SEARCH_TOKENS = KeyKind("search_token_key", ".search-token.key", "the search-token key: "
                        "searches of descriptions need it")
KINDS = {"cipher": CIPHER, "blind-index": BLIND_INDEX, "search-tokens": SEARCH_TOKENS}


def key_file_for(settings: Settings, kind: KeyKind = CIPHER) -> Path:
    return settings.sqlite_path.with_name(settings.sqlite_path.name + kind.suffix)


def new_key() -> str:
    return AESCipher.create_key(num_bytes=32)


def parse_keys(value: str) -> list[str]:
    """A setting or key file: keys separated by commas or lines, newest first."""
    return [k.strip() for k in value.replace("\n", ",").split(",") if k.strip()]


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace the key file in one rename, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write("\n".join(keys) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def with_key(settings: Settings, kind: KeyKind) -> Settings:
    """Settings that carry this key.

    PostgreSQL is production: its keys must come from the environment (a secret
    store), never from a file the service writes. The embedded SQLite default makes
    one on first start and keeps it beside the database, readable by the owner only.
    """
    if getattr(settings, kind.setting) and kind.setting not in settings.key_files:
        return settings
    variable = "COMPLAINTS_" + kind.setting.upper()
    if settings.is_postgres:
        raise MissingCipherKey(
            f"{variable} is required with PostgreSQL ({kind.purpose}). Create one with: "
            "python -c \"from eventsourcing.cryptography import AESCipher; "
            "print(AESCipher.create_key(32))\""
        )
    path = key_file_for(settings, kind)
    if path.exists():
        keys = parse_keys(path.read_text())
    else:
        keys = [new_key()]
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(keys[0] + "\n")
        log.warning("created %s (back it up: %s)", path.resolve(), kind.purpose)
    return settings.model_copy(update={kind.setting: ",".join(keys),
                                       "key_files": {**settings.key_files, kind.setting: path}})


class KeySource:
    """The current keys of one kind: fixed from the environment, or re-read from the
    key file when it changes, so processes pick up a rotation without a restart.

    The file's stamp is looked at no more often than `interval` seconds unless the
    caller asks `now` (before encrypting, and when a ciphertext opens under no key).
    """

    def __init__(self, value: str, path: Path | None = None, *, interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.value = value
        self.path = path
        self.interval = interval
        self.clock = clock
        self._checked = clock()
        self._stamp = _stamp(path)

    @classmethod
    def of(cls, settings: Settings, kind: KeyKind, *, interval: float = 1.0) -> KeySource:
        return cls(getattr(settings, kind.setting) or "", settings.key_files.get(kind.setting),
                   interval=interval)

    def current(self, *, now: bool = False) -> str:
        if self.path is not None and (now or self.clock() - self._checked >= self.interval):
            self._checked = self.clock()
            stamp = _stamp(self.path)
            if stamp != self._stamp:
                self._stamp = stamp
                keys = parse_keys(self.path.read_text()) if stamp else []
                if keys:
                    self.value = ",".join(keys)
        return self.value


def _stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        info = path.stat() if path else None
    except FileNotFoundError:
        return None
    return (info.st_mtime_ns, info.st_size) if info else None


def with_cipher_key(settings: Settings) -> Settings:
    return with_key(settings, CIPHER)


def with_keys(settings: Settings) -> Settings:
    """Settings that carry every key the desk needs."""
    for kind in KINDS.values():
        settings = with_key(settings, kind)
    return settings


# ----- the audit keys: the chain's HMAC key and the checkpoint signing key ------------

class MissingAuditKey(RuntimeError):
    pass


def chain_key_file_for(settings: Settings) -> Path:
    return settings.sqlite_path.with_name(settings.sqlite_path.name + ".chain-key")


def signing_key_file_for(settings: Settings) -> Path:
    return settings.sqlite_path.with_name(settings.sqlite_path.name + ".signing-key")


def new_chain_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def new_signing_key() -> str:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode()


def chain_key_bytes(encoded: str) -> bytes:
    key = _decode(encoded, "COMPLAINTS_CHAIN_KEY")
    if len(key) < 32:
        raise MissingAuditKey("COMPLAINTS_CHAIN_KEY must be base64 of at least 32 bytes")
    return key


def signing_key_of(encoded: str) -> Ed25519PrivateKey:
    key = _decode(encoded, "COMPLAINTS_SIGNING_KEY")
    if len(key) != 32:
        raise MissingAuditKey("COMPLAINTS_SIGNING_KEY must be base64 of a 32-byte Ed25519 key")
    return Ed25519PrivateKey.from_private_bytes(key)


def _decode(encoded: str, variable: str) -> bytes:
    try:
        return base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MissingAuditKey(f"{variable} is not valid base64") from None


def with_audit_keys(settings: Settings) -> Settings:
    """Settings that carry the chain key and the checkpoint signing key.

    Kept like the cipher key: whoever can write the database must not also hold the
    keys that prove it was not rewritten. PostgreSQL takes them from the environment
    only; the SQLite default makes them on first start, beside the file, owner-only.
    """
    kinds = (("chain_key", "COMPLAINTS_CHAIN_KEY", new_chain_key, chain_key_file_for),
             ("signing_key", "COMPLAINTS_SIGNING_KEY", new_signing_key, signing_key_file_for))
    found: dict[str, str] = {}
    for name, variable, make, file_for in kinds:
        given = getattr(settings, name)
        if given:
            found[name] = given
        elif settings.is_postgres:
            raise MissingAuditKey(
                f"{variable} is required with PostgreSQL: the audit keys are kept apart from "
                "the database. Create them with: complaints audit keys")
        else:
            found[name] = _key_beside_database(file_for(settings), make, what=variable)
    chain_key_bytes(found["chain_key"])
    signing_key_of(found["signing_key"])
    return settings.model_copy(update=found)


def _key_beside_database(path: Path, make: Callable[[], str], *, what: str) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = make()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(key + "\n")
    log.warning("created %s in %s (back it up apart from the database: without it the "
                "store's tamper evidence cannot be checked)", what, path.resolve())
    return key
