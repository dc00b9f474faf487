"""Several AES keys, newest first: encrypt under the newest, decrypt under whichever fits.

AES-GCM authenticates, so a ciphertext tried under the wrong key fails its tag and the
next key is tried; nothing needs to be stored beside a ciphertext to say which key it
was written under. This is what lets the cipher key rotate without downtime: every
process is given "new,old", writes under the new key and still reads the old.
"""

from __future__ import annotations

import os
from base64 import b64decode
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Cipher
from eventsourcing.utils import Environment

from adapters.keys import KeySource

NONCE = 12
TAG = 16


def decode_keys(value: str) -> list[bytes]:
    keys = [b64decode(k.strip()) for k in value.replace("\n", ",").split(",") if k.strip()]
    if not keys:
        raise ValueError("no key given")
    for key in keys:
        if len(key) not in (16, 24, 32):
            raise ValueError("an AES key is 16, 24 or 32 bytes (base64)")
    return keys


class Keyring:
    """Keys from a source that may change (a rotation): re-read before each use."""

    def __init__(self, source: Callable[..., str]) -> None:
        self.source = source
        self._value = ""
        self._aes: list[AESGCM] = []
        self._refresh()

    @classmethod
    def of(cls, value: str) -> Keyring:
        return cls(lambda **_: value)

    @property
    def keys(self) -> list[bytes]:
        self._refresh()
        return list(self._keys)

    def _refresh(self, *, now: bool = False) -> None:
        value = self.source(now=now) if now else self.source()
        if value != self._value:
            self._keys = decode_keys(value)
            self._aes = [AESGCM(k) for k in self._keys]
            self._value = value

    def encrypt(self, plaintext: bytes, associated: bytes | None = None) -> bytes:
        # Always under the newest key there is: what is written now must outlive the
        # older keys, which a rotation may drop right after it finishes.
        self._refresh(now=True)
        # Laid out as eventsourcing's AESCipher lays it out (nonce, tag, body), so
        # every event stored before the keyring still decrypts.
        nonce = os.urandom(NONCE)
        sealed = self._aes[0].encrypt(nonce, plaintext, associated)
        return nonce + sealed[-TAG:] + sealed[:-TAG]

    def decrypt(self, ciphertext: bytes, associated: bytes | None = None) -> bytes:
        return self.decrypt_with_index(ciphertext, associated)[0]

    def decrypt_with_index(self, ciphertext: bytes, associated: bytes | None = None
                           ) -> tuple[bytes, int]:
        """The plaintext, and which key opened it (0: the newest)."""
        if len(ciphertext) < NONCE + TAG:
            raise ValueError("damaged ciphertext: too short")
        self._refresh()
        found = self._try(ciphertext, associated)
        if found is None:
            # Written by a process that already knows a newer key: look again now.
            self._refresh(now=True)
            found = self._try(ciphertext, associated)
        if found is None:
            raise ValueError("ciphertext opens under none of the keys (damaged, or its key is gone)")
        return found

    def _try(self, ciphertext: bytes, associated: bytes | None) -> tuple[bytes, int] | None:
        nonce, tag, body = ciphertext[:NONCE], ciphertext[NONCE:NONCE + TAG], ciphertext[NONCE + TAG:]
        for index, aes in enumerate(self._aes):
            try:
                return aes.decrypt(nonce, body + tag, associated), index
            except InvalidTag:
                continue
        return None


class KeyringCipher(Cipher):
    """eventsourcing's cipher strategy over a keyring (CIPHER_KEY: "newest,older,...")."""

    CIPHER_KEY = "CIPHER_KEY"

    def __init__(self, environment: Environment) -> None:
        value = environment.get(self.CIPHER_KEY)
        if not value:
            raise OSError(f"'{self.CIPHER_KEY}' not in env")
        path = environment.get("CIPHER_KEY_FILE")
        if path:
            self.keyring = Keyring(KeySource(value, Path(path)).current)
        else:
            self.keyring = Keyring.of(value)

    def encrypt(self, plaintext: bytes) -> bytes:
        return self.keyring.encrypt(plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        return self.keyring.decrypt(ciphertext)
