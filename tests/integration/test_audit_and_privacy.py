"""Tamper evidence, encryption at rest and old event versions, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import text

from adapters.event_table import stored_events_by_complaint
from adapters.keys import MissingCipherKey, key_file_for, with_cipher_key
from adapters.settings import Settings
from api.bootstrap import wire
from tests.integration.helpers import an_intake, mediator, operator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def a_mediated_case(wiring, clock):
    desk = wiring.desk
    complaint_id = desk.file(an_intake(clock()), actor=operator)
    desk.accept(complaint_id, actor=operator)
    desk.assign(complaint_id, actor=operator, mediator="med01")
    desk.add_note(complaint_id, actor=mediator, kind="session", text="第一次调解")
    desk.add_note(complaint_id, actor=mediator, kind="business_response", text="商家同意退款")
    return complaint_id


def events_table(wiring) -> str:
    return wiring.desk.recorder.events_table_name


def whole_store(wiring):
    return wiring.desk.verify_store(stored_events_by_complaint(wiring.engine, events_table(wiring)))


def test_an_untouched_store_verifies_clean(wiring, clock):
    ids = [a_mediated_case(wiring, clock) for _ in range(3)]

    assert all(wiring.desk.verify(i).intact for i in ids)
    report = whole_store(wiring)
    assert report.intact
    # Every stored event is checked: five per case and the claim of each case number.
    assert (report.complaints, report.events) == (3, 18)


def test_every_event_carries_a_hash_chained_to_the_one_before(wiring, clock):
    complaint_id = a_mediated_case(wiring, clock)

    hashes = [item.hash for item in wiring.desk.history(complaint_id)]

    assert len(hashes) == 5 and len(set(hashes)) == 5
    assert all(h and len(h) == 64 for h in hashes)


def swap_stored_state(wiring, complaint_id, version: int, new_state: bytes) -> None:
    with wiring.engine.begin() as db:
        db.execute(
            text(f"UPDATE {events_table(wiring)} SET state = :state "
                 "WHERE originator_id = :id AND originator_version = :version"),
            {"state": new_state, "id": _stored_id(wiring, complaint_id), "version": version},
        )


def _stored_id(wiring, complaint_id):
    return str(complaint_id) if wiring.settings.is_postgres else complaint_id.hex


def test_an_edited_stored_event_is_named_by_complaint_and_version(wiring, clock):
    intact = a_mediated_case(wiring, clock)
    edited = a_mediated_case(wiring, clock)
    desk = wiring.desk
    # Someone with database access rewrites what the mediator recorded at version 4,
    # re-encrypting it properly so that only the chain can tell.
    original = desk.recorder.select_events(edited, gt=3, lte=4)[0]
    state = json.loads(desk.mapper.cipher.decrypt(original.state))
    state["text"] = "商家拒绝退款"
    swap_stored_state(wiring, edited, 4, desk.mapper.cipher.encrypt(json.dumps(state).encode()))

    report = desk.verify(edited)
    store = whole_store(wiring)

    assert (report.intact, report.first_bad_version) == (False, 4)
    assert "hash" in report.problem
    assert desk.verify(intact).intact
    assert [(b.complaint_id, b.first_bad_version) for b in store.broken] == [(str(edited), 4)]


def test_a_garbled_ciphertext_and_a_removed_event_are_both_found(wiring, clock):
    garbled = a_mediated_case(wiring, clock)
    removed = a_mediated_case(wiring, clock)
    swap_stored_state(wiring, garbled, 2, b"not what was written")
    with wiring.engine.begin() as db:
        db.execute(text(f"DELETE FROM {events_table(wiring)} "
                        "WHERE originator_id = :id AND originator_version = 3"),
                   {"id": _stored_id(wiring, removed)})

    store = whole_store(wiring)

    found = {b.complaint_id: (b.first_bad_version, b.problem) for b in store.broken}
    assert found[str(garbled)][0] == 2
    assert found[str(removed)] == (3, "version 3 is missing")


def test_the_raw_database_holds_neither_the_consumers_phone_nor_name(wiring, clock):
    a_mediated_case(wiring, clock)
    wiring.projections.catch_up()

    if wiring.settings.is_postgres:
        with wiring.engine.connect() as db:
            tables = db.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                "current_schema()")).scalars().all()
            raw = b"".join(
                str(row).encode() + b"".join(bytes(v) for v in row if isinstance(v, bytes | memoryview))
                for table in tables for row in db.execute(text(f'SELECT * FROM "{table}"'))
            )
    else:
        wiring.close()
        path = wiring.settings.sqlite_path
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))

    for secret in ("13812345678", "张三丰", "南京东路"):
        assert secret.encode() not in raw


def test_a_filed_event_stored_as_version_1_still_loads_and_verifies(wiring):
    fixture = json.loads((FIXTURES / "filed_v1.json").read_text())
    desk = wiring.desk
    plain = json.dumps(fixture["state"], ensure_ascii=False).encode()
    complaint_id = UUID(fixture["originator_id"])
    desk.recorder.insert_events([StoredEvent(
        originator_id=complaint_id, originator_version=1, topic=fixture["topic"],
        state=desk.mapper.cipher.encrypt(plain))])

    details = desk.get_complaint(complaint_id)

    assert details.state == "filed"
    assert details.external_ref is None
    assert details.regulation == "samr-2019"
    assert desk.verify(complaint_id).intact
    # And the desk goes on working on the old case, chaining new events to the old hash.
    desk.accept(complaint_id, actor=operator)
    assert desk.verify(complaint_id).intact


def test_sqlite_makes_a_cipher_key_on_first_start_readable_by_the_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("COMPLAINTS_CIPHER_KEY")
    settings = Settings(database_url=f"sqlite:///{tmp_path}/desk.db")

    first = with_cipher_key(settings)
    again = with_cipher_key(settings)

    path = key_file_for(settings)
    assert first.cipher_key == again.cipher_key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_postgres_refuses_to_start_without_a_cipher_key(monkeypatch):
    monkeypatch.delenv("COMPLAINTS_CIPHER_KEY")

    with pytest.raises(MissingCipherKey, match="COMPLAINTS_CIPHER_KEY"):
        with_cipher_key(Settings(database_url="postgresql://postgres@127.0.0.1:5432/test"))
