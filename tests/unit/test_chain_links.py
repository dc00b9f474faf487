"""How links and checkpoints are made, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent

from application.audit import SEED, ChainChecker, Head, chain_hash, verify_grouped
from application.checkpoints import Checkpoint, fold

KEY = b"k" * 32
mapper = Mapper(transcoder=JSONTranscoder())
CHAIN = "0b6e8c4e-9a53-4f7e-8f3b-1d2c3e4f5a6b"


def link(previous, version, state, key=KEY):
    return chain_hash(mapper, previous, originator_id=CHAIN, version=version, topic="t:E",
                      state=state, key=key)


def stored_chain(*texts, chain_version=2):
    previous, events = SEED, []
    for version, text in enumerate(texts, start=1):
        state = {"text": text, "chain_version": chain_version}
        if chain_version == 1:
            state.pop("chain_version")
        previous = link(previous, version, state)
        events.append(StoredEvent(CHAIN, version, "t:E",
                                  mapper.transcoder.encode({**state, "hash": previous})))
    return events, previous


def test_a_keyed_link_depends_on_the_key_and_an_unkeyed_one_does_not():
    keyed = {"text": "a", "chain_version": 2}
    unkeyed = {"text": "a"}

    assert link(SEED, 1, keyed) != link(SEED, 1, keyed, key=b"x" * 32)
    assert link(SEED, 1, unkeyed) == link(SEED, 1, unkeyed, key=b"x" * 32)
    assert link(SEED, 1, keyed) != link(SEED, 1, unkeyed)


def test_a_keyed_link_cannot_be_checked_without_the_key():
    events, _ = stored_chain("a", "b")
    checker = ChainChecker(mapper, CHAIN, key=None)
    for event in events:
        checker.feed(event)

    assert checker.report().first_bad_version == 1
    assert "chain key" in checker.report().problem


def test_a_chain_checked_against_its_checkpoint_head():
    events, last = stored_chain("a", "b", "c")

    def check(head):
        checker = ChainChecker(mapper, CHAIN, key=KEY, checkpoint=7, head=head)
        for event in events:
            checker.feed(event)
        return checker.report()

    assert check(Head(CHAIN, 3, last)).intact
    assert check(Head(CHAIN, 3, "0" * 64)).problem == (
        "differs from checkpoint 7 (the chain was rewritten)")
    assert check(Head(CHAIN, 5, last)).problem == (
        "versions 4 to 5 were removed after checkpoint 7")


def test_chains_the_checkpoint_names_but_the_store_lacks_are_reported():
    events, last = stored_chain("a")
    heads = [Head("00000000-0000-0000-0000-000000000001", 2, "f" * 64), Head(CHAIN, 1, last),
             Head("ffffffff-0000-0000-0000-000000000000", 4, "e" * 64)]

    report = verify_grouped(mapper, [(CHAIN, e) for e in events], key=KEY, checkpoint=3,
                            heads=heads)

    assert [(b.complaint_id, b.problem) for b in report.broken] == [
        ("00000000-0000-0000-0000-000000000001", "all 2 events were removed after checkpoint 3"),
        ("ffffffff-0000-0000-0000-000000000000", "all 4 events were removed after checkpoint 3")]


def test_the_fold_covers_every_head_and_its_order():
    a, b = Head("a", 1, "1" * 64), Head("b", 2, "2" * 64)

    assert fold([a, b]) != fold([b, a])
    assert fold([a, b]) != fold([a, Head("b", 3, "2" * 64)])
    assert fold([a, b]) == fold([Head("a", 1, "1" * 64), Head("b", 2, "2" * 64)])


def test_a_checkpoint_verifies_from_what_is_stored_and_nothing_else():
    key = Ed25519PrivateKey.generate()
    made = Checkpoint.signed(key, seq=3, created=datetime(2026, 5, 11, tzinfo=UTC), chains=2,
                             events=9, digest="d" * 64, previous="c" * 64)

    again = Checkpoint.stored(made.payload, made.signature)
    forged = Checkpoint.stored(made.payload.replace('"events":9', '"events":8'), made.signature)

    assert again == made and again.signature_problem(key.public_key()) is None
    assert forged.signature_problem(key.public_key()) == (
        "checkpoint 3 has a bad signature (its record was altered)")
    assert "another key" in again.signature_problem(Ed25519PrivateKey.generate().public_key())


@pytest.mark.parametrize("version", [0, 3])
def test_an_unknown_chain_version_is_refused(version):
    with pytest.raises(ValueError, match="unknown chain version"):
        link(SEED, 1, {"chain_version": version})
