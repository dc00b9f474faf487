"""Retention and erasure: the legal record stays, the personal data goes (PIPL Art. 19, 47)."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import select, text

from adapters.data_keys import data_keys
from adapters.event_table import stored_events_by_complaint
from adapters.settings import Settings
from api.bootstrap import wire
from application.desk import ComplaintDesk
from application.listing import ListFilter
from domain.errors import ErasureRefused
from domain.personal_data import ERASED
from tests.integration.helpers import an_intake, mediator, operator, supervisor

CONSUMER = {"name": "王小明", "phone": "13912345678", "address": "上海市徐汇区漕溪北路88号",
            "id_number": "11010519491231002X"}


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def a_resolved_case(wiring, clock):
    desk = wiring.desk
    complaint_id = desk.file(an_intake(clock(), consumer=CONSUMER,
                                       description="王小明的耳机坏了，电话13912345678"),
                             actor=operator)
    desk.accept(complaint_id, actor=operator)
    desk.assign(complaint_id, actor=operator, mediator="med01")
    desk.add_note(complaint_id, actor=mediator, kind="session", text="联系王小明本人")
    desk.resolve(complaint_id, actor=mediator, outcome="refund", amount_recovered="99.00",
                 terms="退款给王小明")
    wiring.projections.catch_up()
    return complaint_id


def view_tables(wiring, *names):
    """Every row of the views, the complaint's version aside (the erasure adds one)."""
    with wiring.engine.connect() as db:
        return {name: sorted(tuple(v for k, v in row._mapping.items() if k != "version")
                             for row in db.execute(text(f"SELECT * FROM {name}")))  # noqa: S608
                for name in names}


def test_erasure_leaves_the_record_and_makes_personal_data_unreadable(wiring, clock):
    complaint_id = a_resolved_case(wiring, clock)
    desk = wiring.desk
    before = desk.get_complaint(complaint_id)
    facts = view_tables(wiring, "credit_entries", "complaint_facts", "timeliness_closed")

    desk.erase_personal_data(complaint_id, actor=supervisor, basis="request",
                             reference="PIPL-2026-0042")
    wiring.projections.catch_up()
    after = desk.get_complaint(complaint_id)

    assert set(after.consumer.values()) == {ERASED}
    assert (after.description, after.request, after.outcome["terms"]) == (ERASED,) * 3
    assert after.personal_data_erased
    assert (after.state, after.version) == ("resolved", before.version + 1)
    assert after.mediation_due == before.mediation_due
    assert after.outcome["amount_recovered"] == before.outcome["amount_recovered"]
    notes = [item.data["text"] for item in desk.history(complaint_id) if item.type == "NoteAdded"]
    assert notes == [ERASED]
    erased = desk.history(complaint_id)[-1]
    assert (erased.type, erased.actor["username"], erased.data["basis"],
            erased.data["reference"]) == ("PersonalDataErased", "sup01", "request", "PIPL-2026-0042")
    assert desk.verify(complaint_id).intact
    table = wiring.desk.recorder.events_table_name
    assert wiring.desk.verify_store(stored_events_by_complaint(wiring.engine, table)).intact
    with wiring.engine.connect() as db:
        assert db.scalar(select(data_keys.c.wrapped).where(
            data_keys.c.complaint_id == str(complaint_id))) is None
    wiring.projections.rebuild()
    assert view_tables(wiring, "credit_entries", "complaint_facts", "timeliness_closed") == facts


def test_an_erased_caller_is_no_longer_found_and_lists_read_erased(wiring, clock):
    complaint_id = a_resolved_case(wiring, clock)

    wiring.desk.erase_personal_data(complaint_id, actor=supervisor, basis="request")
    wiring.projections.catch_up()
    search = wiring.complaint_list.search

    for q in ("13912345678", "王小明", "耳机"):
        assert search(ListFilter(q=q)).total == 0
    row = search(ListFilter(state="resolved")).items[0]
    assert (row.consumer_name, row.consumer_phone) == (ERASED, ERASED)
    wiring.projections.rebuild(["complaint_list"])
    row = search(ListFilter(state="resolved")).items[0]
    assert (row.consumer_name, row.consumer_phone) == (ERASED, ERASED)
    assert search(ListFilter(q="13912345678")).total == 0


def test_an_open_complaint_or_one_on_legal_hold_cannot_be_erased(wiring, clock):
    desk = wiring.desk
    open_one = desk.file(an_intake(clock(), consumer=CONSUMER), actor=operator)
    held = a_resolved_case(wiring, clock)
    desk.place_legal_hold(held, actor=supervisor, reference="（2026）沪0104民初123号")

    with pytest.raises(ErasureRefused, match="still open"):
        desk.erase_personal_data(open_one, actor=supervisor, basis="request")
    with pytest.raises(ErasureRefused, match="legal hold"):
        desk.erase_personal_data(held, actor=supervisor, basis="request")
    assert desk.get_complaint(open_one).consumer["name"] == "王小明"
    assert desk.get_complaint(held).consumer["name"] == "王小明"
    assert desk.get_complaint(held).version == 6

    desk.release_legal_hold(held, actor=supervisor, reference="判决已生效")
    desk.erase_personal_data(held, actor=supervisor, basis="request")
    assert desk.get_complaint(held).consumer["name"] == ERASED
    with pytest.raises(ErasureRefused, match="already erased"):
        desk.erase_personal_data(held, actor=supervisor, basis="request")


def test_the_retention_run_erases_what_closed_long_enough_ago_once(wiring, clock):
    old = a_resolved_case(wiring, clock)
    held = a_resolved_case(wiring, clock)
    wiring.desk.place_legal_hold(held, actor=supervisor, reference="监管调查")
    clock.advance(days=365 * 2)
    recent = a_resolved_case(wiring, clock)
    still_open = wiring.desk.file(an_intake(clock(), consumer=CONSUMER), actor=operator)
    clock.advance(days=365 + 2)
    wiring.projections.catch_up()
    retention = wiring.retention

    first = retention.run(retention.due())
    wiring.projections.catch_up()
    second = retention.run(retention.due())

    assert first.erased == [str(old)]
    assert (first.held, second.held) == (1, 1)
    assert (second.erased, second.already_erased) == ([], 1)
    assert wiring.desk.get_complaint(old).consumer["phone"] == ERASED
    assert wiring.desk.history(old)[-1].data["basis"] == "retention"
    for kept in (held, recent, still_open):
        assert wiring.desk.get_complaint(kept).consumer["phone"] == "13912345678"
    assert wiring.desk.get_complaint(old).version == 6


def test_histories_stored_before_data_keys_keep_loading_and_can_be_erased(wiring, clock,
                                                                         database_url):
    plain = ComplaintDesk(wiring.settings.to_eventsourcing_env(), clock=clock)
    complaint_id = plain.file(an_intake(clock(), consumer=CONSUMER), actor=operator)
    plain.withdraw(complaint_id, actor=operator, note="消费者撤回")
    plain.close()

    assert wiring.desk.get_complaint(complaint_id).consumer["name"] == "王小明"
    wiring.desk.erase_personal_data(complaint_id, actor=supervisor, basis="request")

    now = wiring.desk.get_complaint(complaint_id)
    assert (now.consumer["name"], now.description) == (ERASED, ERASED)
    assert wiring.desk.verify(complaint_id).intact


def test_complaints_recorded_together_each_get_a_key_of_their_own(wiring, clock):
    from domain.complaint import Complaint

    batch = [Complaint.file(an_intake(clock(), consumer={**CONSUMER, "phone": f"1390000000{i}"}),
                            actor=operator, at=clock(), tz=wiring.desk.tz) for i in range(3)]
    wiring.desk.record(*batch)
    wiring.desk.record(Complaint.file(an_intake(clock()), actor=operator, at=clock(),
                                      tz=wiring.desk.tz))

    with wiring.engine.connect() as db:
        wrapped = db.execute(select(data_keys.c.complaint_id, data_keys.c.wrapped)).all()
    assert {UUID(i) for i, _ in wrapped} >= {c.id for c in batch}
    assert len({bytes(w) for _, w in wrapped}) == len(wrapped) == 4
    assert [wiring.desk.get_complaint(c.id).consumer["phone"] for c in batch] == [
        "13900000000", "13900000001", "13900000002"]


def test_a_re_keyed_index_does_not_bring_back_an_erased_caller_of_an_old_history(wiring, clock):
    from adapters.key_rotation import rekey_index

    plain = ComplaintDesk(wiring.settings.to_eventsourcing_env(), clock=clock)
    complaint_id = plain.file(an_intake(clock(), consumer=CONSUMER), actor=operator)
    plain.withdraw(complaint_id, actor=operator, note="消费者撤回")
    plain.close()
    kept = a_resolved_case(wiring, clock)
    wiring.desk.erase_personal_data(complaint_id, actor=supervisor, basis="request")
    wiring.projections.catch_up()

    rekey_index(wiring.desk, wiring.complaint_list, wiring.engine,
                applied=lambda: wiring.projections.positions()["complaint_list"])

    found = wiring.complaint_list.search(ListFilter(q="13912345678")).items
    assert [s.id for s in found] == [str(kept)]


@pytest.mark.parametrize("read", ["find", "prefetch"])
def test_a_key_read_just_before_its_erasure_is_not_cached_after_it(wiring, clock, read):
    """A view catching up in another thread may read the key row just before the erasure
    commits; the key it read must not come back into the cache once the erasure is done."""
    complaint_id = a_resolved_case(wiring, clock)
    keys = wiring.desk.data_keys
    keys._forget(complaint_id)
    decrypt = keys.keyring.decrypt

    def erased_meanwhile(wrapped, associated):
        keys.keyring.decrypt = decrypt
        wiring.desk.erase_personal_data(complaint_id, actor=supervisor, basis="request")
        return decrypt(wrapped, associated)

    keys.keyring.decrypt = erased_meanwhile
    try:
        getattr(keys, read)([complaint_id] if read == "prefetch" else complaint_id)
    finally:
        keys.keyring.decrypt = decrypt

    assert keys.find(complaint_id) is None
    assert wiring.desk.get_complaint(complaint_id).consumer["name"] == ERASED
