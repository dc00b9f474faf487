"""The complaint's stored history, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from adapters.settings import Settings
from api.bootstrap import wire
from application.errors import (
    ComplaintNotFound,
    ConcurrentUpdate,
    IdempotencyKeyReused,
    VersionMismatch,
)
from domain.errors import CommandNotAllowed, InvalidValue, NotPermitted
from domain.permissions import Actor
from domain.vocabulary import Role
from tests.integration.helpers import an_intake, mediator, operator, supervisor


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def a_resolved_case(wiring, clock) -> object:
    desk = wiring.desk
    complaint_id = desk.file(an_intake(clock()), actor=operator, idempotency_key="replay-1")
    clock.advance(hours=3)
    desk.accept(complaint_id, actor=operator)
    desk.assign(complaint_id, actor=operator, mediator="med01")
    clock.advance(days=2)
    desk.add_note(complaint_id, actor=mediator, kind="session", text="组织双方调解")
    desk.suspend(complaint_id, actor=mediator, reason="testing", note="送检")
    clock.advance(days=5)
    desk.resume(complaint_id, actor=mediator)
    desk.resolve(complaint_id, actor=mediator, outcome="refund", amount_recovered="1280.00",
                 terms="商家退款")
    desk.record_satisfaction(complaint_id, actor=operator, score=5, comment="满意")
    return complaint_id


def test_a_replayed_history_gives_the_same_complaint_on_every_backend(database_url, clock):
    first = wire(Settings(database_url=database_url), clock=clock)
    complaint_id = a_resolved_case(first, clock)
    first.close()

    # A fresh process sees only what was stored.
    second = wire(Settings(database_url=database_url), clock=clock)
    try:
        details = second.desk.get_complaint(complaint_id)
        history = second.desk.history(complaint_id)
    finally:
        second.close()

    # The same expectations on both backends: replay is exact, ids are deterministic.
    assert details.id == complaint_id
    assert details.state == "resolved"
    assert details.version == 8
    assert details.mediator == "med01"
    assert details.suspended is False
    assert details.satisfaction == 5
    assert details.outcome == {"outcome": "refund", "amount_recovered": Decimal("1280.00"),
                               "terms": "商家退款", "mode": "remote", "record": None}
    assert details.amount == Decimal("1280.00")
    assert details.consumer["phone"] == "13812345678"
    assert details.business["key"] == "91350100M000100Y43"
    assert details.regulation == "samr-121" and details.mediation_regulation == "samr-121"
    assert details.allowed_actions == ["escalate"]
    assert [h.type for h in history] == [
        "Filed", "Accepted", "MediatorAssigned", "NoteAdded", "ClockSuspended", "ClockResumed",
        "Resolved", "SatisfactionRecorded",
    ]
    assert [h.actor["username"] for h in history] == [
        "op01", "op01", "op01", "med01", "med01", "med01", "med01", "op01"]
    assert history[4].at == clock.now - timedelta(days=5)


def test_the_complaint_as_it_was_at_an_earlier_version(wiring, clock):
    complaint_id = a_resolved_case(wiring, clock)

    assert wiring.desk.get_complaint(complaint_id, version=2).state == "accepted"
    assert wiring.desk.get_complaint(complaint_id, version=5).suspended is True


def test_a_refused_command_records_nothing(wiring, clock):
    desk = wiring.desk
    complaint_id = desk.file(an_intake(clock()), actor=operator)
    head = desk.recorder.max_notification_id()

    with pytest.raises(CommandNotAllowed, match="filed"):
        desk.resolve(complaint_id, actor=operator, outcome="refund", amount_recovered="1",
                     terms="x")
    with pytest.raises(NotPermitted):
        desk.accept(complaint_id, actor=mediator)
    with pytest.raises(InvalidValue) as bad:
        desk.reject(complaint_id, actor=operator, reason="because")
    assert bad.value.field == "reason"
    with pytest.raises(ComplaintNotFound):
        desk.accept(uuid4(), actor=operator)

    assert desk.recorder.max_notification_id() == head
    assert desk.get_complaint(complaint_id).version == 1


def test_two_writers_on_one_complaint_one_wins_and_the_other_is_told(database_url, clock):
    first = wire(Settings(database_url=database_url), clock=clock)
    second = wire(Settings(database_url=database_url), clock=clock)
    try:
        complaint_id = first.desk.file(an_intake(clock()), actor=operator)
        # Both load version 1, then both try to decide.
        stale_a = first.desk._load(complaint_id)
        stale_b = second.desk._load(complaint_id)
        stale_a.accept(actor=operator, at=clock(), tz=first.desk.tz)
        stale_b.reject(actor=operator, at=clock(), reason="incomplete")
        first.desk._save(stale_a)
        with pytest.raises(ConcurrentUpdate):
            second.desk._save(stale_b)

        history = first.desk.history(complaint_id)
        assert [h.type for h in history] == ["Filed", "Accepted"]
    finally:
        first.close()
        second.close()


def test_concurrent_commands_from_threads_never_lose_or_double_an_event(wiring, clock):
    desk = wiring.desk
    complaint_id = desk.file(an_intake(clock()), actor=operator)
    desk.accept(complaint_id, actor=operator)
    outcomes: list[str] = []
    lock = threading.Lock()

    def note(i: int) -> None:
        try:
            desk.add_note(complaint_id, actor=operator, kind="note", text=f"记录{i}",
                          expected_version=2)
            result = "won"
        except (ConcurrentUpdate, VersionMismatch):
            result = "lost"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=note, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count("won") == 1
    assert [h.type for h in desk.history(complaint_id)] == ["Filed", "Accepted", "NoteAdded"]


def test_an_if_match_on_an_old_version_is_refused(wiring, clock):
    desk = wiring.desk
    complaint_id = desk.file(an_intake(clock()), actor=operator)
    desk.accept(complaint_id, actor=operator)

    with pytest.raises(VersionMismatch) as refused:
        desk.assign(complaint_id, actor=operator, mediator="med01", expected_version=1)
    assert refused.value.current == 2
    desk.assign(complaint_id, actor=operator, mediator="med01", expected_version=2)
    assert desk.get_complaint(complaint_id).state == "mediated"


def test_filing_again_with_the_same_idempotency_key_returns_the_first_complaint(wiring, clock):
    desk = wiring.desk
    first = desk.file(an_intake(clock()), actor=operator, idempotency_key="call-778")
    clock.advance(seconds=30)  # the retry arrives later; receipt time defaults to now
    retry = desk.file(an_intake(clock()), actor=operator, idempotency_key="call-778")
    with pytest.raises(IdempotencyKeyReused):
        desk.file(an_intake(clock(), request="另一个请求"), actor=operator,
                  idempotency_key="call-778")
    other_operator = desk.file(an_intake(clock()), actor=Actor("op02", Role.OPERATOR),
                               idempotency_key="call-778")

    assert retry == first
    assert other_operator != first
    stored = desk.recorder.select_notifications(start=None, limit=100)
    # Each filing is stored with the claim of its case number; the retry stored nothing.
    assert [n.topic.rsplit(".", 1)[-1] for n in stored] == ["Filed", "Claimed", "Filed", "Claimed"]
    assert desk.get_complaint(first).request == "退货退款"


def test_only_the_assigned_mediator_works_a_mediated_case(wiring, clock):
    desk = wiring.desk
    complaint_id = desk.file(an_intake(clock()), actor=operator)
    desk.accept(complaint_id, actor=operator)
    desk.assign(complaint_id, actor=operator, mediator="med01")

    with pytest.raises(NotPermitted, match="assigned"):
        desk.add_note(complaint_id, actor=Actor("med02", Role.MEDIATOR), kind="note", text="x")
    desk.reassign(complaint_id, actor=supervisor, mediator="med02")
    desk.add_note(complaint_id, actor=Actor("med02", Role.MEDIATOR), kind="note", text="接手")
    with pytest.raises(NotPermitted):
        desk.add_note(complaint_id, actor=mediator, kind="note", text="x")
    assert desk.get_complaint(complaint_id).mediator == "med02"
