"""Answers while PostgreSQL is away: how long a filing, a read, the list and /healthz
take to be answered (503) during an outage, side by side with the same requests while
it is up, and how long after it returns filings succeed again.

    python -m bench.outage [--seconds 10] [--clients 8]

`complaints serve` runs in its own process against PostgreSQL through a TCP proxy on
a loopback port (tests/e2e/tcp_proxy.py); the proxy is stopped for `--seconds` while
`--clients` clients keep sending requests, then started again.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.common import filing_body, fresh_store, machine, table  # noqa: E402
from tests.e2e.tcp_proxy import TcpProxy  # noqa: E402

SECRET = "bench-signing-key-0123456789abcdef0123456789abcdef"
PASSWORD = "bench-operator-password"
CIPHER = "HJ3Ub5Ux3Sqn+0oUjDPSkxmQEn2xaGd2r6vUjA6cGJc="
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print(machine())
    proxy = TcpProxy("127.0.0.1", 5432)
    proxy.up()
    with fresh_store("postgres", "outage") as direct:
        url = direct.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "COMPLAINTS_DATABASE_URL": url,
               "COMPLAINTS_SECRET_KEY": SECRET, "COMPLAINTS_CIPHER_KEY": CIPHER}
        cli = [sys.executable, "-c", "from api.cli import app; app()"]
        subprocess.run([*cli, "user", "add", "op1", "--role", "operator", "--office", "SH-HP"],
                       input=PASSWORD + "\n", text=True, env=env, check=True,
                       capture_output=True)
        port = free_port()
        server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(f"{base}/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.05)
            token = httpx.post(f"{base}/api/v1/auth/token", timeout=30, data={
                "username": "op1", "password": PASSWORD}).json()["access_token"]
            results = measure(base, token, proxy, args.seconds, args.clients)
        finally:
            server.terminate()
            server.wait(timeout=10)
            proxy.down()
    rows = []
    for kind in ("file", "read", "list", "healthz"):
        up, down = results[("up", kind)], results[("down", kind)]
        rows.append((kind, len(up), f"{statistics.median(up) * 1000:.0f}",
                     len(down), f"{statistics.median(down) * 1000:.0f}",
                     f"{max(down) * 1000:.0f}"))
    print(f"PostgreSQL away for {args.seconds:.0f} s, {args.clients} clients")
    print(table(["request", "n up", "p50 up ms", "n away", "p50 away ms", "max away ms"],
                rows))
    statuses = results["statuses"]
    print(f"answers while away: {dict(sorted(statuses.items()))}; "
          f"first filing accepted {results['recovery']:.1f} s after the database returned; "
          f"acknowledged {results['acknowledged']}, found {results['found']}")


def measure(base: str, token: str, proxy: TcpProxy, seconds: float,
            clients: int) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    samples: dict = {}
    statuses: dict[int, int] = {}
    acknowledged: set[str] = set()
    phase = {"now": "up"}
    stop = threading.Event()
    lock = threading.Lock()
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
        some_id = http.post("/api/v1/complaints", json=filing_body()).json()["id"]
        acknowledged.add(some_id)

    def client(n: int) -> None:
        calls = {
            "file": lambda h: h.post("/api/v1/complaints", json=filing_body(n),
                                     headers={"Idempotency-Key": uuid.uuid4().hex}),
            "read": lambda h: h.get(f"/api/v1/complaints/{some_id}"),
            "list": lambda h: h.get("/api/v1/complaints"),
            "healthz": lambda h: h.get("/healthz"),
        }
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            i = 0
            while not stop.is_set():
                kind = list(calls)[(i + n) % len(calls)]
                i += 1
                started = time.perf_counter()
                response = calls[kind](http)
                took = time.perf_counter() - started
                with lock:
                    samples.setdefault((phase["now"], kind), []).append(took)
                    if phase["now"] == "down":
                        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    if kind == "file" and response.status_code == 201:
                        acknowledged.add(response.json()["id"])
                time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    proxy.down()
    phase["now"] = "down"
    time.sleep(seconds)
    phase["now"] = "back"
    proxy.up()
    back = time.perf_counter()
    recovery = float("nan")
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
        while time.perf_counter() - back < 60:
            response = http.post("/api/v1/complaints", json=filing_body())
            if response.status_code == 201:
                recovery = time.perf_counter() - back
                acknowledged.add(response.json()["id"])
                break
            time.sleep(0.05)
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join()
        found = sum(1 for complaint_id in acknowledged
                    if http.get(f"/api/v1/complaints/{complaint_id}").status_code == 200)
    return {**samples, "statuses": statuses, "recovery": recovery,
            "acknowledged": len(acknowledged), "found": found}


if __name__ == "__main__":
    main()
