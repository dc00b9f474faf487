"""Racing writers over real HTTP (uvicorn on loopback, one client per thread).

Exactly one writer wins each version; the losers get 409 (lost the race at save, or the
move is no longer allowed) or 412 (their If-Match went stale); nobody gets a 500, and
the history holds exactly the winners' events.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx

from tests.e2e.conftest import a_filing

RACERS = 6
ROUNDS = 4


def race(base_url: str, attempts: list[Callable[[httpx.Client], httpx.Response]]) -> list[Any]:
    """Run each attempt in its own thread, all released at once; return the responses."""
    start = threading.Barrier(len(attempts))
    results: list[Any] = [None] * len(attempts)

    def run(i: int) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            start.wait()
            try:
                results[i] = attempts[i](client)
            except Exception as error:  # a dropped connection would be a failure too
                results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def note_attempt(api: Any, complaint_id: str, text: str, if_match: str | None) -> Callable:
    headers = api.auth("med01", **({"If_Match": if_match} if if_match else {}))

    def attempt(client: httpx.Client) -> httpx.Response:
        return client.post(f"/api/v1/complaints/{complaint_id}/notes", headers=headers,
                           json={"kind": "session", "text": text})

    return attempt


def test_writers_racing_with_if_match_leave_one_winner_per_version(live_api):
    api = live_api
    base_url = str(api.http.base_url)
    complaint_id = api.complaint_in("mediated")
    winners = []

    for round_ in range(ROUNDS):
        version = api.view(complaint_id)["version"]
        texts = [f"round {round_} writer {i}" for i in range(RACERS)]
        responses = race(base_url, [note_attempt(api, complaint_id, t, f'"{version}"')
                                    for t in texts])

        statuses = [getattr(r, "status_code", r) for r in responses]
        assert statuses.count(200) == 1, statuses
        assert set(statuses) <= {200, 409, 412}, statuses
        for response in responses:
            assert response.headers["content-type"].startswith(
                "application/json" if response.status_code == 200 else "application/problem+json")
        won = next(r for r in responses if r.status_code == 200)
        assert won.json()["version"] == version + 1
        winners.append(texts[statuses.index(200)])

    notes = [item["data"]["text"] for item in api.history(complaint_id)
             if item["type"] == "NoteAdded"]
    assert notes == winners
    assert api.view(complaint_id)["version"] == 3 + ROUNDS


def test_writers_racing_without_if_match_lose_nothing_silently(live_api):
    api = live_api
    complaint_id = api.complaint_in("mediated")
    texts = [f"writer {i}" for i in range(RACERS * 2)]

    responses = race(str(api.http.base_url),
                     [note_attempt(api, complaint_id, t, None) for t in texts])

    statuses = [getattr(r, "status_code", r) for r in responses]
    assert set(statuses) <= {200, 409}, statuses
    assert 200 in statuses
    won = [texts[i] for i, s in enumerate(statuses) if s == 200]
    notes = [item["data"]["text"] for item in api.history(complaint_id)
             if item["type"] == "NoteAdded"]
    assert sorted(notes) == sorted(won)
    assert api.view(complaint_id)["version"] == 3 + len(won)


def test_accept_and_reject_racing_on_one_filing_leave_exactly_one_decision(live_api):
    api = live_api
    for _ in range(3):
        complaint_id = api.file()["id"]
        attempts = []
        for i in range(RACERS):
            command, body = (("accept", None) if i % 2 else
                             ("reject", {"reason": "outside_remit"}))
            attempts.append(lambda client, c=command, b=body: client.post(
                f"/api/v1/complaints/{complaint_id}/{c}", json=b, headers=api.auth("op01")))

        responses = race(str(api.http.base_url), attempts)

        statuses = [getattr(r, "status_code", r) for r in responses]
        assert statuses.count(200) == 1, statuses
        assert set(statuses) <= {200, 409}, statuses
        history = api.history(complaint_id)
        assert len(history) == 2
        assert history[1]["type"] == ("Accepted" if statuses.index(200) % 2 else "Rejected")


def test_an_idempotency_key_retry_files_nothing_new(live_api):
    api = live_api
    body = a_filing()
    headers = api.auth("op01", Idempotency_Key="call-2026-0511-0042")

    first = api.http.post("/api/v1/complaints", json=body, headers=headers)
    retry = api.http.post("/api/v1/complaints", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["Location"] == first.headers["Location"]

    # Retries racing each other (a client that timed out and retried at once).
    racing_headers = api.auth("op01", Idempotency_Key="call-2026-0511-0043")
    responses = race(str(api.http.base_url), [
        lambda client: client.post("/api/v1/complaints", json=body, headers=racing_headers)
    ] * RACERS)
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1

    # The same key from another operator is another filing.
    other = api.http.post("/api/v1/complaints", json=body,
                          headers=api.auth("op02", Idempotency_Key="call-2026-0511-0042"))
    assert other.json()["id"] != first.json()["id"]

    assert api.listed("sup01").json()["total"] == 3
    for complaint_id in {first.json()["id"], responses[0].json()["id"]}:
        assert [item["type"] for item in api.history(complaint_id)] == ["Filed"]


def test_an_idempotency_key_reused_for_a_different_complaint_is_refused_and_files_nothing(api):
    headers = api.auth("op01", Idempotency_Key="call-2026-0511-0050")
    first = api.http.post("/api/v1/complaints", json=a_filing(), headers=headers)

    other = api.http.post("/api/v1/complaints", json=a_filing(request="另一项诉求：赔偿损失"),
                          headers=headers)

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.headers["content-type"].startswith("application/problem+json")
    assert other.json()["field"] == "Idempotency-Key"
    assert [item["type"] for item in api.history(first.json()["id"])] == ["Filed"]
