"""Supervisors read the outbox's dead letters and replay them over HTTP; no one else can."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.http_post import HttpPost
from adapters.settings import Settings
from api.bootstrap import Wiring, wire
from tests.e2e.conftest import METRICS_TOKEN, SECRET, add_people
from tests.e2e.test_pages import desk, strict_catalogs  # noqa: F401 (fixtures)
from tests.receiver import Receiver

ENDPOINT_SECRET = "national-platform-shared-secret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(ENDPOINT_SECRET)
    yield found
    found.close()


@pytest.fixture
def wiring(database_url: str, clock: Any, receiver: Receiver) -> Iterator[Wiring]:
    wiring = wire(Settings(
        database_url=database_url, secret_key=SECRET, metrics_token=METRICS_TOKEN,
        outbox_endpoints=[{"name": "national", "url": receiver.url, "secret": ENDPOINT_SECRET}],
        outbox_max_attempts=1, outbox_timeout=0.5), clock=clock, follow=True)
    add_people(wiring)
    yield wiring
    wiring.close()


def deliver(wiring: Wiring) -> Any:
    post = HttpPost()
    try:
        assert wiring.projections.wait_until(wiring.projections.head(), timeout=10)
        return wiring.delivery(post).drain()
    finally:
        post.close()


def test_a_supervisor_reads_a_dead_letter_and_replays_it_and_others_are_refused(api, receiver):
    receiver.mode = "500"
    complaint_id = api.complaint_in("accepted")
    deliver(api.wiring)
    receiver.mode = "ok"

    refused = api.http.get("/api/v1/outbox/dead-letters", headers=api.auth("op01"))
    listed = api.http.get("/api/v1/outbox/dead-letters", headers=api.auth("sup01"))
    status = api.http.get("/api/v1/outbox", headers=api.auth("sup01"))

    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    [dead] = listed.json()["items"]
    assert (dead["complaint_id"], dead["version"], dead["type"], dead["held_back"]) == (
        complaint_id, 1, "Filed", 1)
    assert dead["last_error"] == "HTTP 500"
    assert status.json()["endpoints"][0] | {"url": None} == {
        "name": "national", "url": None, "personal_data": False,
        "pending": 1, "delivered": 0, "dead": 1}
    assert ENDPOINT_SECRET not in status.text

    replay = f"/api/v1/outbox/dead-letters/national/{dead['position']}/replay"
    by_operator = api.http.post(replay, headers=api.auth("med01"))
    unknown = api.http.post("/api/v1/outbox/dead-letters/national/999999/replay",
                            headers=api.auth("sup01"))
    bad_name = api.http.post("/api/v1/outbox/dead-letters/NO%20SUCH/1/replay",
                             headers=api.auth("sup01"))
    assert by_operator.status_code == 403
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
    assert bad_name.status_code == 422
    assert len(api.http.get("/api/v1/outbox/dead-letters",
                            headers=api.auth("sup01")).json()["items"]) == 1

    replayed = api.http.post(replay, headers=api.auth("sup01"))
    deliver(api.wiring)

    assert replayed.status_code == 200 and replayed.json()["status"] == "pending"
    assert [r.body["version"] for r in receiver.accepted()] == [1, 2]
    assert api.http.get("/api/v1/outbox/dead-letters",
                        headers=api.auth("sup01")).json()["items"] == []


def test_the_outbox_page_lists_dead_letters_and_sends_one_again(api, receiver, desk):  # noqa: F811
    receiver.mode = "500"
    complaint_id = api.complaint_in("filed")
    deliver(api.wiring)
    receiver.mode = "ok"
    supervisor = desk["sup01"]

    page = supervisor.get("/outbox")
    assert desk["op01"].get("/outbox").status_code == 403
    assert f'href="/cases/{complaint_id}"' in page.text and "HTTP 500" in page.text
    assert ENDPOINT_SECRET not in page.text
    [dead] = api.wiring.outbox.dead_letters()
    done = supervisor.post("/outbox/replay", {"endpoint": "national", "position": str(dead.position)},
                           token_from="/outbox", follow_redirects=False)
    again = supervisor.post("/outbox/replay", {"endpoint": "national", "position": str(dead.position)},
                            token_from="/outbox")
    deliver(api.wiring)

    assert done.status_code == 303 and again.status_code == 404
    assert [r.body["complaint_id"] for r in receiver.accepted()] == [complaint_id]
    assert "没有死信" in supervisor.get("/outbox").text
