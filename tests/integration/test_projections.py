"""Views are exact: built live or rebuilt from zero they agree, and a crash never counts twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from adapters.demo_data import DemoFactory
from adapters.projections import Projections
from adapters.settings import Settings
from adapters.views.complaint_list import ComplaintListView, complaint_list
from api.bootstrap import wire
from application.listing import ListFilter
from tests.integration.helpers import an_intake, mediator, operator

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def seed(wiring, n: int, *, seed: int = 7, batch: int = 25) -> None:
    complaints = list(DemoFactory(seed=seed, now=NOW).complaints(n))
    for start in range(0, n, batch):
        wiring.desk.record(*complaints[start:start + batch])


def view_rows(wiring) -> list[tuple]:
    with wiring.engine.connect() as db:
        return [tuple(r) for r in db.execute(select(complaint_list).order_by(complaint_list.c.id))]


def test_a_view_rebuilt_from_zero_equals_the_view_built_live(wiring):
    # Live: the view follows every batch as it is written, in pages of many sizes.
    wiring.projections.page_size = 37
    for round_ in range(4):
        seed(wiring, 60, seed=round_)
        wiring.projections.catch_up()
    live = view_rows(wiring)

    wiring.projections.page_size = 500
    rebuilt_events = wiring.projections.rebuild()

    assert len(live) == 240
    assert rebuilt_events == len(wiring.desk.recorder.select_notifications(None, 100_000))
    assert view_rows(wiring) == live


class Crash(BaseException):
    """A power cut, not an error: nothing in the process gets to handle it (an event a
    view cannot apply is an error, and stops only that view: test_projection_faults)."""


class CrashingListView(ComplaintListView):
    """Writes its rows, then dies before the page's transaction commits."""

    def __init__(self, engine, index, crash_on_page: int) -> None:
        super().__init__(engine, index)
        self.pages = 0
        self.crash_on_page = crash_on_page

    def apply(self, db, page) -> None:
        super().apply(db, page)
        self.pages += 1
        if self.pages == self.crash_on_page:
            raise Crash("power cut mid-page")


def test_a_crash_mid_page_rolls_back_rows_and_position_together(wiring):
    seed(wiring, 120)
    crashing = Projections(wiring.desk, wiring.engine,
                           [CrashingListView(wiring.engine, wiring.complaint_list.index, crash_on_page=3)], page_size=50)

    with pytest.raises(Crash):
        crashing.catch_up()
    position_after_crash = crashing.positions()["complaint_list"]
    rows_after_crash = len(view_rows(wiring))

    # Restarting carries on from the last committed page.
    crashing.catch_up()
    after_restart = view_rows(wiring)
    wiring.projections.rebuild()

    assert position_after_crash == wiring.desk.recorder.select_notifications(None, 100)[-1].id
    assert rows_after_crash < 120
    assert len(after_restart) == 120
    assert after_restart == view_rows(wiring)


def test_two_runners_on_one_view_apply_each_page_exactly_once(wiring, database_url):
    seed(wiring, 150)
    rivals = [
        Projections(wiring.desk, wiring.engine, [ComplaintListView(wiring.engine, wiring.complaint_list.index)], page_size=40)
        for _ in range(3)
    ]
    errors: list[BaseException] = []

    def run(projections: Projections) -> None:
        try:
            projections.catch_up()
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(p,)) for p in rivals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    together = view_rows(wiring)
    wiring.projections.rebuild()

    assert errors == []
    assert len(together) == 150
    assert together == view_rows(wiring)


WORKER = """
import sys
from adapters.settings import Settings
from api.bootstrap import wire
w = wire(Settings(database_url=sys.argv[1]))
w.projections.page_size = 20
print("ready", flush=True)
w.projections.catch_up()
print("done", flush=True)
"""


def test_killing_a_projection_worker_mid_run_and_restarting_double_counts_nothing(
        wiring, database_url):
    seed(wiring, 600, batch=100)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, database_url], env=env,
                              stdout=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "ready"
    # Let it commit some pages, then pull the plug without any chance to clean up.
    deadline = time.monotonic() + 20
    while wiring.projections.positions()["complaint_list"] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    killed_at = wiring.projections.positions()["complaint_list"]

    wiring.projections.catch_up()
    resumed = view_rows(wiring)
    wiring.projections.rebuild()

    assert 0 < killed_at
    assert len(resumed) == 600
    assert resumed == view_rows(wiring)


def test_the_list_filters_by_state_office_business_mediator_and_text(wiring, clock):
    desk = wiring.desk
    shoes = desk.file(an_intake(clock(), description="运动鞋开胶，商家不予退换", office="SH-HP",
                                business={"name": "Ｎｉｃｅ 鞋业 有限公司"}), actor=operator)
    phone = desk.file(an_intake(clock()), actor=operator)
    desk.accept(phone, actor=operator)
    desk.assign(phone, actor=operator, mediator="med01")
    desk.add_note(phone, actor=mediator, kind="session", text="调解")
    wiring.projections.catch_up()
    search = wiring.complaint_list.search

    assert [s.id for s in search(ListFilter(state="mediated")).items] == [str(phone)]
    assert [s.id for s in search(ListFilter(office="SH-HP")).items] == [str(shoes)]
    assert [s.id for s in search(ListFilter(mediator="med01")).items] == [str(phone)]
    assert [s.id for s in search(ListFilter(business="91350100M000100Y43")).items] == [str(phone)]
    assert [s.id for s in search(ListFilter(business="nice鞋业有限公司")).items] == [str(shoes)]
    assert [s.id for s in search(ListFilter(q="开胶")).items] == [str(shoes)]
    assert search(ListFilter(q="nonexistent words")).total == 0
    mediated = search(ListFilter(state="mediated")).items[0]
    assert (mediated.consumer_name, mediated.consumer_phone) == ("张**", "138****5678")
    assert mediated.version == 4


def test_the_list_view_stores_no_personal_data_in_clear(wiring, clock):
    wiring.desk.file(an_intake(clock()), actor=operator)
    wiring.projections.catch_up()

    with wiring.engine.connect() as db:
        dumped = " ".join(str(v) for row in db.execute(text("SELECT * FROM complaint_list"))
                          for v in row)
    assert "13812345678" not in dumped
    assert "张三丰" not in dumped
    assert "南京东路" not in dumped


def test_a_page_of_results_is_bounded_and_ordered_newest_first(wiring, clock):
    ids = []
    for minute in range(7):
        ids.append(wiring.desk.file(
            an_intake(clock(), received_at=clock().replace(minute=minute).isoformat()),
            actor=operator))
    wiring.projections.catch_up()

    page = wiring.complaint_list.search(ListFilter(page=2, per_page=3))

    assert page.total == 7
    assert [s.id for s in page.items] == [str(i) for i in reversed(ids)][3:6]


def test_a_follower_in_another_process_sees_writes_without_being_told(database_url, clock):
    # The writer's process has no follower; the reader's follows the store on its own
    # (LISTEN/NOTIFY on PostgreSQL, a short poll on SQLite).
    writer = wire(Settings(database_url=database_url), clock=clock)
    reader = wire(Settings(database_url=database_url), clock=clock, follow=True)
    try:
        complaint_id = writer.desk.file(an_intake(clock()), actor=operator)
        writer.desk.accept(complaint_id, actor=operator)
        head = writer.projections.head()
        deadline = time.monotonic() + 5
        while min(reader.projections.positions().values()) < head:
            assert time.monotonic() < deadline, reader.projections.positions()
            time.sleep(0.02)
        found = reader.complaint_list.search(ListFilter(state="accepted")).items
        assert [s.id for s in found] == [str(complaint_id)]
    finally:
        reader.close()
        writer.close()
