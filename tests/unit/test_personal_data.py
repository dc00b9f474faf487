"""Sealing personal fields per complaint, erasure in the domain, and what searches compare."""

from __future__ import annotations

import os
from uuid import UUID

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    UUIDAsHex,
)

from adapters.keyring import Keyring
from adapters.keys import new_key
from application.audit import SEED, chain_hash, stored_state_of
from application.sealing import Sealed, SealedAsBase64, Sealer, UnsealingMapper
from domain.errors import ErasureRefused, NotPermitted
from domain.personal_data import ERASED
from domain.search_terms import lookup_form, query_words, text_pairs
from tests.unit.builders import NOW, a_complaint, mediator, operator, supervisor


class KeysInMemory:
    """The data-key store as a dict: destroying a key deletes the entry."""

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}

    def key_for(self, complaint_id: UUID, *, first: bool = False) -> bytes:
        return self.keys.setdefault(complaint_id, os.urandom(32))

    def find(self, complaint_id: UUID) -> bytes | None:
        return self.keys.get(complaint_id)

    def destroy(self, complaint_id: UUID) -> None:
        self.keys.pop(complaint_id, None)


def a_mapper(keys: KeysInMemory) -> UnsealingMapper:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr(), SealedAsBase64()):
        transcoder.register(transcoding)
    return UnsealingMapper(Mapper(transcoder=transcoder), Sealer(keys))


def test_personal_fields_and_free_text_are_sealed_inside_the_event_and_open_again():
    keys = KeysInMemory()
    mapper = a_mapper(keys)
    complaint = a_complaint("mediated", description="我的电话13812345678", request="退款")
    complaint.add_note(actor=mediator, at=NOW, kind="session", text="联系张三")
    events = complaint.collect_events()
    for event in events:
        mapper.sealer.seal(event)
    filed, note = events[0], events[-1]

    assert isinstance(filed.consumer["name"], Sealed) and isinstance(filed.description, Sealed)
    assert isinstance(note.text, Sealed)
    assert not isinstance(filed.business["name"], Sealed)  # a business is not a person
    assert filed.office == complaint.office  # procedure data stays as it is
    assert complaint.consumer["name"] == "张三"  # the aggregate keeps its clear copy
    stored = [mapper.to_stored_event(e) for e in events]
    assert b"13812345678" not in stored[0].state
    opened = mapper.to_domain_event(stored[0])
    assert opened.consumer["phone"] == "13812345678"
    assert opened.description == "我的电话13812345678"
    assert mapper.to_domain_event(stored[-1]).text == "联系张三"


def test_destroying_the_data_key_shows_erased_and_leaves_the_hash_unchanged():
    keys = KeysInMemory()
    mapper = a_mapper(keys)
    complaint = a_complaint("filed")
    event = complaint.collect_events()[0]
    mapper.sealer.seal(event)
    stored = mapper.to_stored_event(event)

    def hash_of(state):
        return chain_hash(mapper, SEED, originator_id=event.originator_id, version=1,
                          topic=stored.topic, state=state)

    before = hash_of(mapper.transcoder.decode(stored.state))
    keys.destroy(complaint.id)
    opened = mapper.to_domain_event(stored)

    assert set(opened.consumer.values()) - {None} == {ERASED}
    assert opened.description == ERASED and opened.request == ERASED
    assert hash_of(mapper.transcoder.decode(stored.state)) == before == hash_of(
        stored_state_of(event))


def test_a_value_sealed_for_one_complaint_does_not_open_under_another():
    keys = KeysInMemory()
    mapper = a_mapper(keys)
    first, second = a_complaint("filed"), a_complaint("filed")
    one, two = first.collect_events()[0], second.collect_events()[0]
    mapper.sealer.seal(one)
    mapper.sealer.seal(two)
    keys.keys[second.id] = keys.keys[first.id]  # even under the same key

    object.__setattr__(two, "description", one.description)
    opened = mapper.to_domain_event(mapper.to_stored_event(two))

    assert opened.description == ERASED


def test_only_a_supervisor_erases_and_only_a_closed_complaint_not_on_hold():
    open_one = a_complaint("mediated")
    closed = a_complaint("resolved")

    with pytest.raises(NotPermitted):
        closed.erase_personal_data(actor=operator, at=NOW, basis="request")
    with pytest.raises(ErasureRefused, match="still open"):
        open_one.erase_personal_data(actor=supervisor, at=NOW, basis="request")
    closed.place_legal_hold(actor=supervisor, at=NOW, reference="诉讼")
    with pytest.raises(ErasureRefused, match="legal hold"):
        closed.erase_personal_data(actor=supervisor, at=NOW, basis="request")
    closed.release_legal_hold(actor=supervisor, at=NOW, reference="结案")
    closed.erase_personal_data(actor=supervisor, at=NOW, basis="retention", reference="3年")

    assert closed.personal_data_erased
    assert closed.consumer["name"] == ERASED and closed.outcome["terms"] == ERASED
    assert closed.state.value == "resolved" and closed.outcome["outcome"] == "refund"


def test_an_unknown_erasure_basis_is_refused_naming_the_field():
    from domain.errors import InvalidValue

    with pytest.raises(InvalidValue) as refused:
        a_complaint("resolved").erase_personal_data(actor=supervisor, at=NOW, basis="because")
    assert refused.value.field == "basis"


def test_one_spelling_per_identifier_for_the_blind_index():
    assert lookup_form("+86 139-1234-5678") == lookup_form("13912345678") == "13912345678"
    assert lookup_form("００８６１３９１２３４５６７８") == "13912345678"
    assert lookup_form("11010519491231002x") == lookup_form("11010519491231002X")
    assert lookup_form("阿卜杜·热合曼") == lookup_form("阿卜杜热合曼")
    assert lookup_form("王小明") != lookup_form("王小")


def test_text_is_searched_as_pairs_of_neighbouring_characters():
    assert text_pairs("屏幕坏点") == {"屏幕", "幕坏", "坏点"}
    assert text_pairs("Ａ，坏点！") == {"a", "坏点"}
    assert query_words("坏点 屏幕") == [{"坏点"}, {"屏幕"}]


def test_a_keyring_reads_under_any_listed_key_and_writes_under_the_newest():
    old, new = new_key(), new_key()
    written_before = Keyring.of(old).encrypt(b"data key", b"id")
    both = Keyring.of(f"{new},{old}")

    assert both.decrypt_with_index(written_before, b"id") == (b"data key", 1)
    assert both.decrypt_with_index(both.encrypt(b"x", b"id"), b"id") == (b"x", 0)
    with pytest.raises(ValueError, match="none of the keys"):
        Keyring.of(new).decrypt(written_before, b"id")
