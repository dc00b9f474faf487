"""PostgreSQL cut off, its connections killed: every request is answered while the
database is still away (503 with `Retry-After`, never a hang until it returns), the
health check says what is down, and every write a client was told about is there
afterwards. How fast those answers come is printed, not asserted (bench/ measures).

The database is cut off through a TCP proxy on a loopback port (tests/e2e/tcp_proxy.py).
The outage lasts COMPLAINTS_FAULT_OUTAGE_SECONDS (6 by default; 30 for the full run).
"""

from __future__ import annotations

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest

from adapters.settings import Settings
from api.bootstrap import wire
from tests.conftest import POSTGRES_URL
from tests.e2e.conftest import SECRET, LiveServer, a_filing, cheap_hashing, password_of
from tests.e2e.tcp_proxy import TcpProxy
from domain.vocabulary import Role

OUTAGE = float(os.environ.get("COMPLAINTS_FAULT_OUTAGE_SECONDS", "6"))


@pytest.fixture
def proxy(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("an outage needs a database server to lose")
    proxy = TcpProxy("127.0.0.1", 5432)
    proxy.up()
    yield proxy
    proxy.down()


@pytest.fixture
def desk(database_url, proxy):
    url = database_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    assert url != database_url
    wiring = wire(Settings(database_url=url, secret_key=SECRET), follow=True)
    cheap_hashing(wiring)
    wiring.accounts.add("op01", role=Role.OPERATOR, password=password_of("op01"), office="SH-PD")
    wiring.accounts.add("sup01", role=Role.SUPERVISOR, password=password_of("sup01"))
    with LiveServer(wiring) as base_url, httpx.Client(base_url=base_url, timeout=60) as http:
        tokens = {name: http.post("/api/v1/auth/token", data={
            "username": name, "password": password_of(name)}).json()["access_token"]
            for name in ("op01", "sup01")}
        yield http, tokens, wiring
    wiring.close()


class Writer:
    """Files complaints, each with its own Idempotency-Key, retrying until acknowledged."""

    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}
        self.acknowledged: dict[str, str] = {}  # key -> complaint id
        self.pending: list[str] = []
        self.refused: list[tuple[int, float, str]] = []  # status, seconds, Retry-After

    def file(self, key: str) -> int:
        started = time.monotonic()
        response = self.http.post("/api/v1/complaints", json=a_filing(),
                                  headers={**self.headers, "Idempotency-Key": key})
        took = time.monotonic() - started
        if response.status_code in (200, 201):
            self.acknowledged[key] = response.json()["id"]
            if key in self.pending:
                self.pending.remove(key)
        else:
            self.refused.append((response.status_code, took,
                                 response.headers.get("Retry-After", "")))
            if key not in self.pending:
                self.pending.append(key)
        return response.status_code


def timed(call) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_while_postgresql_is_unreachable_every_request_is_answered_503_and_no_write_is_lost(
        desk, proxy):
    http, tokens, wiring = desk
    op = {"Authorization": f"Bearer {tokens['op01']}"}
    writer = Writer(http, tokens["op01"])
    for _ in range(5):
        assert writer.file(uuid.uuid4().hex) == 201
    some_id = next(iter(writer.acknowledged.values()))

    proxy.down()
    outage_started = time.monotonic()
    health, health_took = timed(lambda: http.get("/healthz"))
    # Many at once: more than the server's thread pool, none may hang.
    calls = [lambda: http.get(f"/api/v1/complaints/{some_id}", headers=op),
             lambda: http.get("/api/v1/complaints", headers=op),
             lambda: http.post(f"/api/v1/complaints/{some_id}/accept", headers=op),
             lambda: http.get("/metrics")] * 15
    with ThreadPoolExecutor(max_workers=60) as pool:
        answered = list(pool.map(lambda call: timed(call), calls))
    # At least one filing meets the outage, however long the burst above took.
    while True:
        writer.file(uuid.uuid4().hex)
        time.sleep(0.2)
        if time.monotonic() - outage_started >= OUTAGE:
            break
    cut_off = list(writer.pending)
    proxy.up()
    recovered_at = time.monotonic()
    while writer.pending and time.monotonic() - recovered_at < 30:
        writer.file(writer.pending[0])
        if writer.pending:
            time.sleep(0.2)
    recovery = time.monotonic() - recovered_at

    # Answered while the database was still away: a request that waited for it to return
    # would have been answered 200 afterwards, or not before the client gave up.
    assert health.status_code == 503
    assert health.json()["database"] in ("unreachable", "timeout")
    assert health.headers["Retry-After"]
    statuses = {(r.url.path, r.status_code) for r, _ in answered}
    assert {status for path, status in statuses if path != "/metrics"} == {503}, statuses
    assert {status for path, status in statuses if path == "/metrics"} == {200}
    problems = [r for r, _ in answered if r.status_code == 503]
    assert all(r.headers["content-type"] == "application/problem+json" for r in problems)
    assert all(r.headers.get("Retry-After") for r in problems)
    assert writer.refused and all(status == 503 and after for status, _, after in writer.refused)
    assert cut_off and not writer.pending
    # Every acknowledged write is there, once.
    assert wiring.projections.wait_until(wiring.projections.head(), timeout=15)
    listed = http.get("/api/v1/complaints", params={"per_page": 100}, headers=op).json()
    assert listed["total"] == len(writer.acknowledged) == len(set(writer.acknowledged.values()))
    assert {item["id"] for item in listed["items"]} == set(writer.acknowledged.values())
    print(f"\noutage {OUTAGE:.0f} s: {len(writer.acknowledged)} acknowledged, "
          f"{listed['total']} found; 503 latency max "
          f"{max(t for _, t, _ in writer.refused) * 1000:.0f} ms over {len(writer.refused)} "
          f"filings, {max(t for _, t in answered) * 1000:.0f} ms over {len(answered)} "
          f"concurrent requests; health {health_took * 1000:.0f} ms; "
          f"recovered in {recovery:.1f} s")


def test_postgresql_connections_terminated_mid_load_lose_no_acknowledged_write(desk, proxy):
    http, tokens, wiring = desk
    writer = Writer(http, tokens["op01"])
    keys = [uuid.uuid4().hex for _ in range(60)]

    def terminate() -> int:
        ports = proxy.upstream_ports()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
            return sum(1 for row in db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE client_port = ANY(%s) AND pid <> pg_backend_pid()", (ports,))
                if row[0])

    terminated = 0
    for number, key in enumerate(keys):
        if number % 15 == 7:
            terminated += terminate()
        if writer.file(key) == 503:
            time.sleep(0.1)
    deadline = time.monotonic() + 20
    while writer.pending and time.monotonic() < deadline:
        if writer.file(writer.pending[0]) == 503:
            time.sleep(0.1)

    assert terminated > 0
    assert not writer.pending and set(writer.acknowledged) == set(keys)
    assert all(status == 503 for status, _, _ in writer.refused)
    assert wiring.projections.wait_until(wiring.projections.head(), timeout=15)
    listed = http.get("/api/v1/complaints", params={"per_page": 100},
                      headers={"Authorization": f"Bearer {tokens['op01']}"}).json()
    assert listed["total"] == len(keys)
    print(f"\n{terminated} backends terminated; {len(writer.refused)} filings refused with 503 "
          f"and retried; {len(writer.acknowledged)} acknowledged, {listed['total']} found")
