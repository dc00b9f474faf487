"""The event cipher's key: from configuration, or kept beside the embedded SQLite file."""

from __future__ import annotations

import logging
import os
from pathlib import Path

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
