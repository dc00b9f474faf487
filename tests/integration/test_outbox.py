"""Every change offered through the outbox and delivered to a real local receiver, with
faults injected: the receiver down, slow, answering 500. Time moves by the test clock."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest

from adapters.http_post import HttpPost
from adapters.settings import Settings
from api.bootstrap import wire
from tests.integration.helpers import an_intake, mediator, operator
from tests.receiver import Receiver

SECRET = "national-platform-shared-secret"


@pytest.fixture
def receiver():
    found = Receiver(SECRET)
    yield found
    found.close()


@pytest.fixture
def desk(database_url, clock, receiver):
    """A wired desk with one endpoint, the national platform, entitled to personal data,
    and one without; three attempts, 10 s then 20 s between them, 0.3 s to answer."""
    other = Receiver("statistics-bureau-secret")
    clock.now = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    settings = Settings(database_url=database_url, outbox_endpoints=[
        {"name": "national", "url": receiver.url, "secret": SECRET, "personal_data": True},
        {"name": "bureau", "url": other.url, "secret": "statistics-bureau-secret"}],
        outbox_max_attempts=3, outbox_first_retry=10, outbox_timeout=0.3)
    wiring = wire(settings, clock=clock)
    post = HttpPost()
    wiring.other = other
    wiring.deliver = lambda: (wiring.projections.catch_up(), wiring.delivery(post).drain())[1]
    yield wiring
    post.close()
    other.close()
    wiring.close()


def a_case(desk, *, resolved: bool = False):
    complaint_id = desk.desk.file(an_intake(desk.desk.clock()), actor=operator)
    desk.desk.accept(complaint_id, actor=operator)
    if resolved:
        desk.desk.assign(complaint_id, actor=operator, mediator="med01")
        desk.desk.resolve(complaint_id, actor=mediator, outcome="refund", amount_recovered="100",
                          terms="退款100元")
    return complaint_id


def versions_by_complaint(received) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for r in received:
        found[r.body["complaint_id"]].append(r.body["version"])
    return found


def test_every_change_reaches_the_receiver_signed_in_order_and_without_personal_data(
        desk, receiver):
    first, second = a_case(desk, resolved=True), a_case(desk)

    result = desk.deliver()

    assert result.delivered == 12  # 6 changes, two endpoints
    got = receiver.accepted()
    assert all(r.signed for r in got)
    assert versions_by_complaint(got) == {str(first): [1, 2, 3, 4], str(second): [1, 2]}
    filed = next(r.body for r in got if r.body["type"] == "Filed")
    assert filed["actor"] == {"username": "op01", "role": "operator"}
    assert filed["personal_data"]["consumer"]["name"] == "张三丰"  # entitled to it
    bureau = desk.other.accepted()
    assert len(bureau) == 6
    for r in bureau:
        text = r.raw.decode()
        assert "personal_data" not in r.body
        for secret in ("张三丰", "13812345678", "南京东路", "屏幕有坏点", "退款100元"):
            assert secret not in text
    resolved = next(r.body for r in bureau if r.body["type"] == "Resolved")
    assert resolved["data"]["state"] == "resolved"
    assert resolved["data"]["amount_recovered"] == "100"
    # Nothing new: nothing sent again.
    assert desk.deliver().delivered == 0


def test_a_receiver_answering_500_gets_the_change_again_after_the_back_off_in_order(
        desk, receiver, clock):
    receiver.mode = "500"
    complaint_id = a_case(desk)

    first = desk.deliver()
    receiver.mode = "ok"
    desk.desk.withdraw(complaint_id, actor=operator, note="撤回")
    too_soon = desk.deliver()
    answered_so_far = [r.answered for r in receiver.received]
    clock.advance(seconds=10)
    later = desk.deliver()

    assert first.failed == 1  # only the Filed event: the acceptance waits behind it
    assert too_soon.failed == 0 and answered_so_far == [500]
    assert later.delivered == 3  # to the national platform; the bureau had them at once
    assert [r.body["version"] for r in receiver.accepted()] == [1, 2, 3]


def test_a_receiver_that_is_down_then_back_gets_everything_it_missed(desk, receiver, clock):
    receiver.down()
    a_case(desk)
    down = desk.deliver()
    receiver.up()
    clock.advance(seconds=10)

    back = desk.deliver()

    assert down.failed == 1 and back.delivered == 2
    rows = desk.outbox.counts()["national"]
    assert rows == {"pending": 0, "delivered": 2, "dead": 0}


def test_a_slow_receiver_times_out_and_the_retry_carries_the_same_delivery_id(
        desk, receiver, clock):
    receiver.mode = "slow"
    a_case(desk)

    slow = desk.deliver()
    receiver.mode = "ok"
    receiver.release.set()
    clock.advance(seconds=10)
    retried = desk.deliver()

    assert slow.failed == 1 and retried.delivered == 2
    ids = [r.delivery for r in receiver.received]
    # At least once: the slow answer may also have arrived; the id lets the receiver drop it.
    assert ids[-2] == ids[0] and ids.count(ids[0]) == 2


def test_after_the_last_attempt_a_change_is_a_dead_letter_that_holds_back_its_complaint(
        desk, receiver, clock):
    receiver.mode = "500"
    stuck = a_case(desk)
    for seconds in (0, 10, 20):
        clock.advance(seconds=seconds)
        desk.deliver()
    receiver.mode = "ok"
    moving = a_case(desk)
    clock.advance(seconds=3600)
    desk.deliver()

    dead = desk.outbox.dead_letters("national")
    assert [(d.complaint_id, d.version, d.attempts, d.held_back) for d in dead] == [
        (str(stuck), 1, 3, 1)]
    assert dead[0].last_error == "HTTP 500"
    assert versions_by_complaint(receiver.accepted()) == {str(moving): [1, 2]}

    assert desk.outbox.replay("national", dead[0].position, by="sup01", now=clock())
    desk.deliver()

    assert versions_by_complaint(receiver.accepted())[str(stuck)] == [1, 2]
    assert desk.outbox.dead_letters() == []
    assert not desk.outbox.replay("national", dead[0].position, by="sup01", now=clock())


def test_rebuilding_the_outbox_view_sends_nothing_again(desk, receiver):
    a_case(desk, resolved=True)
    desk.deliver()

    desk.projections.rebuild(["outbox"])

    assert desk.deliver().delivered == 0
    assert len(receiver.accepted()) == 4


def test_the_outbox_commands_deliver_and_report_dead_letters(database_url, receiver,
                                                             monkeypatch):
    import json

    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    monkeypatch.setenv("COMPLAINTS_OUTBOX_ENDPOINTS", json.dumps(
        [{"name": "national", "url": receiver.url, "secret": SECRET}]))
    monkeypatch.setenv("COMPLAINTS_OUTBOX_MAX_ATTEMPTS", "1")
    runner = CliRunner()
    wiring = wire(Settings(database_url=database_url))
    try:
        a_case(wiring)
    finally:
        wiring.close()

    receiver.mode = "500"
    failed = runner.invoke(app, ["outbox", "deliver"])
    status = runner.invoke(app, ["outbox", "status"])

    assert failed.exit_code == 0, failed.output
    assert "now dead letters: 1" in failed.output
    assert status.exit_code == 1 and "national" in status.output
    assert SECRET not in failed.output + status.output


def test_changes_sent_side_by_side_still_arrive_in_order_for_each_complaint(desk, receiver):
    ids = [str(a_case(desk, resolved=True)) for _ in range(12)]

    desk.deliver()

    assert versions_by_complaint(receiver.accepted()) == {i: [1, 2, 3, 4] for i in ids}


def test_an_escalations_reason_goes_only_to_the_endpoint_entitled_to_personal_data(
        desk, receiver):
    complaint_id = a_case(desk)
    desk.desk.assign(complaint_id, actor=operator, mediator="med01")
    desk.desk.escalate(complaint_id, actor=mediator, forum="court", reason="消费者张三要求起诉")

    desk.deliver()

    [bureau] = [r for r in desk.other.accepted() if r.body["type"] == "Escalated"]
    [national] = [r for r in receiver.accepted() if r.body["type"] == "Escalated"]
    assert "张三" not in bureau.raw.decode() and bureau.body["data"]["forum"] == "court"
    assert national.body["personal_data"] == {"reason": "消费者张三要求起诉"}
