"""kill -9 under load, on both backends: clients file with an Idempotency-Key each and
send it again until they are answered; the server is killed mid-stream, twice, and
started again. Every filing a client was told about is there afterwards, and none twice.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from adapters.settings import Settings
from api.bootstrap import wire
from domain.vocabulary import Role
from tests.e2e.conftest import SECRET, a_filing, password_of

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 4
PER_CLIENT = 25
KILLS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url: str, port: int) -> None:
        self.port = port
        self.env = {**os.environ, "PYTHONPATH": str(ROOT),
                    "COMPLAINTS_DATABASE_URL": database_url, "COMPLAINTS_SECRET_KEY": SECRET}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import app; app()", "serve",
             "--port", str(self.port)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def server(database_url):
    setup = wire(Settings(database_url=database_url, secret_key=SECRET))
    # A cheaper hash than production's, so the restarts' sign-ins stay quick.
    setup.accounts.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    setup.accounts.add("op01", role=Role.OPERATOR, password=password_of("op01"), office="SH-PD")
    setup.close()
    server = Server(database_url, free_port())
    server.start()
    yield server
    server.stop()


def test_no_acknowledged_filing_is_lost_or_doubled_across_kill_9_restarts(server):
    base = f"http://127.0.0.1:{server.port}"
    token = httpx.post(f"{base}/api/v1/auth/token", data={
        "username": "op01", "password": password_of("op01")}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    done = threading.Event()

    def client(keys: list[str]) -> None:
        with httpx.Client(base_url=base, timeout=10, headers=headers) as http:
            for key in keys:
                while not done.is_set():
                    try:
                        response = http.post("/api/v1/complaints", json=a_filing(),
                                             headers={"Idempotency-Key": key})
                    except httpx.HTTPError:  # killed mid-request: send it again
                        time.sleep(0.05)
                        continue
                    if response.status_code in (200, 201):
                        with lock:
                            acknowledged[key] = response.json()["id"]
                        break
                    assert response.status_code == 503, response.text
                    time.sleep(0.05)

    all_keys = [[uuid.uuid4().hex for _ in range(PER_CLIENT)] for _ in range(CLIENTS)]
    threads = [threading.Thread(target=client, args=(keys,)) for keys in all_keys]
    for thread in threads:
        thread.start()
    total = CLIENTS * PER_CLIENT
    for kill in range(1, KILLS + 1):
        deadline = time.monotonic() + 60
        while len(acknowledged) < total * kill // (KILLS + 1) and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        server.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()

    assert len(acknowledged) == total
    with httpx.Client(base_url=base, timeout=10, headers=headers) as http:
        for complaint_id in acknowledged.values():
            assert http.get(f"/api/v1/complaints/{complaint_id}").status_code == 200
        deadline = time.monotonic() + 60  # the list follows the store, on a loaded machine
        while True:
            listed = http.get("/api/v1/complaints", params={"per_page": 1}).json()["total"]
            if listed >= total or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        health = http.get("/healthz").json()
    assert len(set(acknowledged.values())) == total
    assert listed == total, health  # none stored twice, none missing from the list
    print(f"\n{KILLS} x kill -9: {len(acknowledged)} acknowledged, {listed} found")
