"""Keyed search indexes of the complaint list: nothing in them reads back as text.

- `consumer_lookup`, the blind index: one row per consumer phone, name and ID number,
  holding an HMAC of its normal form, so a search for the full value finds the case
  and the table alone tells nobody any value.
- `complaint_terms`: one row per pair of neighbouring characters of the description
  and the request (domain/search_terms.py), each an HMAC under a key of its own.

On SQLite the tables are clustered on their key (WITHOUT ROWID): a row lives in one
B-tree instead of two, which a rebuild writing a hundred rows per complaint feels.
Rows hold 64 bits of the HMAC as an integer: small to index, and a chance collision
across millions of distinct values stays below one in a million. Searches try every
key of a keyring, newest first, so rows written under an older key keep being found
while a rotation moves them to the newest.
"""

from __future__ import annotations

import hashlib
import hmac
from base64 import b64decode
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import BigInteger, Column, Index, String, Table

from adapters.projections import metadata
from domain.personal_data import ERASED
from domain.search_terms import lookup_form, query_words, text_pairs

consumer_lookup = Table(
    "consumer_lookup",
    metadata,
    Column("token", BigInteger, primary_key=True),
    Column("complaint_id", String(36), primary_key=True),
    Index("ix_consumer_lookup_complaint", "complaint_id"),
    sqlite_with_rowid=False,
)

complaint_terms = Table(
    "complaint_terms",
    metadata,
    Column("token", BigInteger, primary_key=True),
    Column("complaint_id", String(36), primary_key=True),
    Index("ix_complaint_terms_complaint", "complaint_id"),
    sqlite_with_rowid=False,
)

# Which fields of a filing go into which index.
LOOKUP_FIELDS = ("name", "phone", "id_number")
TEXT_FIELDS = ("description", "request")


def _keys(value: str) -> list[bytes]:
    keys = [b64decode(k.strip()) for k in value.replace("\n", ",").split(",") if k.strip()]
    if not keys:
        raise ValueError("an index key is required")
    return keys


def _token(key: bytes, domain: bytes, value: str) -> int:
    # The keyed state after the domain prefix is worked out once per key and copied:
    # a rebuild makes about a hundred tokens per complaint.
    prefix = _prefixes.get((key, domain))
    if prefix is None:
        prefix = _prefixes[(key, domain)] = hmac.new(key, domain + b"\x1f", hashlib.sha256)
    mac = prefix.copy()
    mac.update(value.encode())
    return int.from_bytes(mac.digest()[:8], "big", signed=True)


_prefixes: dict[tuple[bytes, bytes], hmac.HMAC] = {}


class _Keys:
    def __init__(self, source: str | Callable[[], str]) -> None:
        self.source = source if callable(source) else (lambda: source)
        self._value = ""
        self._keys: list[bytes] = []

    def __call__(self) -> list[bytes]:
        value = self.source()
        if value != self._value:
            self._keys, self._value = _keys(value), value
        return self._keys


class SearchIndex:
    """Computes the keyed tokens; the list view stores and queries them.

    Each key setting is a string or a callable giving the current one, so a rotated
    key file is picked up without a restart.
    """

    def __init__(self, *, lookup_keys: str | Callable[[], str],
                 term_keys: str | Callable[[], str]) -> None:
        self._lookup_keys = _Keys(lookup_keys)
        self._term_keys = _Keys(term_keys)
        self._lookup_keys()
        self._term_keys()

    @property
    def lookup_keys(self) -> list[bytes]:
        return self._lookup_keys()

    @property
    def term_keys(self) -> list[bytes]:
        return self._term_keys()

    # ----- writing: always under the newest key ----------------------------------

    def lookup_rows(self, complaint_id: str, consumer: dict[str, Any]) -> list[dict[str, Any]]:
        forms = {lookup_form(v) for f in LOOKUP_FIELDS
                 if isinstance(v := consumer.get(f), str) and v and v != ERASED}
        key = self.lookup_keys[0]
        return [{"token": _token(key, b"lookup", form), "complaint_id": complaint_id}
                for form in forms if form]

    def term_rows(self, complaint_id: str, texts: Iterable[str | None]) -> list[dict[str, Any]]:
        pairs: set[str] = set()
        for text in texts:
            if text and text != ERASED:
                pairs |= text_pairs(text)
        key = self.term_keys[0]
        tokens = {_token(key, b"term", pair) for pair in pairs}
        return [{"token": token, "complaint_id": complaint_id} for token in tokens]

    # ----- searching: under every key of the ring ----------------------------------

    def lookup_tokens(self, query: str) -> list[int]:
        form = lookup_form(query)
        return [_token(key, b"lookup", form) for key in self.lookup_keys] if form else []

    def term_tokens(self, pair: str) -> list[int]:
        return [_token(key, b"term", pair) for key in self.term_keys]

    def word_tokens(self, query: str) -> list[list[list[int]]]:
        """Per word of the query, per pair of that word, its token under every key."""
        keys = self.term_keys
        return [[[_token(key, b"term", pair) for key in keys] for pair in sorted(pairs)]
                for pairs in query_words(query) if pairs]
