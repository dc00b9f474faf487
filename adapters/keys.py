"""The keys: the event cipher's, the hash chain's and the checkpoint signer's.

Each comes from configuration, or is kept beside the embedded SQLite file.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from collections.abc import Callable
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


def key_file_for(settings: Settings) -> Path:
    return settings.sqlite_path.with_name(settings.sqlite_path.name + ".key")


def with_cipher_key(settings: Settings) -> Settings:
    """Settings that carry a cipher key.

    PostgreSQL is production: its key must come from COMPLAINTS_CIPHER_KEY (a secret
    store), never from a file the service writes. The embedded SQLite default makes
    one on first start and keeps it beside the database, readable by the owner only.
    """
    if settings.cipher_key:
        return settings
    if settings.is_postgres:
        raise MissingCipherKey(
            "COMPLAINTS_CIPHER_KEY is required with PostgreSQL: personal data is encrypted "
            "at rest. Create one with: python -c \"from eventsourcing.cryptography import AESCipher; "
            "print(AESCipher.create_key(32))\""
        )
    path = key_file_for(settings)
    if path.exists():
        key = path.read_text().strip()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = AESCipher.create_key(num_bytes=32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(key + "\n")
        log.warning("created the event cipher key %s (back it up: without it the "
                    "consumers' personal data in this store cannot be read)", path.resolve())
    return settings.model_copy(update={"cipher_key": key})


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
