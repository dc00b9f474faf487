"""A flood of sign-ins: server memory and a normal request's latency while it lasts,
with the password checks bounded (as served) side by side with them unbounded.

    python -m bench.login_flood [--attempts 96] [--concurrency 48] [--backend sqlite]

Each variant is `complaints serve` in its own process on a fresh store, with
production argon2 (64 MiB a check). `--concurrency` clients post wrong passwords for
`--attempts` sign-ins in all, while one more client times `GET /api/v1/auth/me` with a
valid token. Reported: the server's peak resident memory (VmHWM) and that request's
median and worst latency during the flood, as ratios of bounded to unbounded.

- bounded: as served (`COMPLAINTS_PASSWORD_CHECKS=2`, attempt limits off so that every
  attempt reaches a check: the bound alone is measured).
- unbounded: `COMPLAINTS_PASSWORD_CHECKS=64`, i.e. one check per request thread, as
  before the bound.
- limited: as served, limits on (30 attempts a minute per address): a flood from one
  address is refused before any check.
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.common import fresh_store, machine, table  # noqa: E402

SECRET = "bench-signing-key-0123456789abcdef0123456789abcdef"
PASSWORD = "bench-operator-password"
ROOT = Path(__file__).resolve().parent.parent
CIPHER = "HJ3Ub5Ux3Sqn+0oUjDPSkxmQEn2xaGd2r6vUjA6cGJc="
VARIANTS = {
    "bounded": {"COMPLAINTS_PASSWORD_CHECKS": "2",
                "COMPLAINTS_SIGN_IN_PER_ADDRESS": "1000000/minute",
                "COMPLAINTS_SIGN_IN_PER_ACCOUNT": "1000000/minute"},
    "unbounded": {"COMPLAINTS_PASSWORD_CHECKS": "64",
                  "COMPLAINTS_SIGN_IN_PER_ADDRESS": "1000000/minute",
                  "COMPLAINTS_SIGN_IN_PER_ACCOUNT": "1000000/minute"},
    "limited": {"COMPLAINTS_PASSWORD_CHECKS": "2"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(variant: str, url: str, attempts: int, concurrency: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COMPLAINTS_DATABASE_URL": url,
           "COMPLAINTS_SECRET_KEY": SECRET, "COMPLAINTS_CIPHER_KEY": CIPHER,
           **VARIANTS[variant]}
    add = subprocess.run([sys.executable, "-c", "from api.cli import app; app()", "user", "add",
                          "op1", "--role", "operator", "--office", "SH-HP"],
                         input=PASSWORD + "\n", text=True, env=env, capture_output=True)
    assert add.returncode == 0, add.stderr
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", "from api.cli import app; app()", "serve",
                               "--port", str(port)], env=env,
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
        idle_mb = peak_memory_mb(server.pid)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        done = threading.Event()

        def probe() -> None:
            with httpx.Client(base_url=base, timeout=60,
                              headers={"Authorization": f"Bearer {token}"}) as http:
                while not done.is_set():
                    started = time.perf_counter()
                    http.get("/api/v1/auth/me")
                    latencies.append(time.perf_counter() - started)
                    time.sleep(0.05)

        def attempt(n: int) -> int:
            with httpx.Client(base_url=base, timeout=120) as http:
                return http.post("/api/v1/auth/token", data={
                    "username": "op1", "password": f"wrong-{n}"}).status_code

        prober = threading.Thread(target=probe)
        prober.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for status in pool.map(attempt, range(attempts)):
                statuses[status] = statuses.get(status, 0) + 1
        took = time.perf_counter() - started
        done.set()
        prober.join()
        return {"peak_mb": peak_memory_mb(server.pid), "idle_mb": idle_mb,
                "p50_ms": statistics.median(latencies) * 1000,
                "max_ms": max(latencies) * 1000, "seconds": took,
                "refused": statuses.get(429, 0), "checked": statuses.get(401, 0),
                "other": sum(v for k, v in statuses.items() if k not in (401, 429))}
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=96)
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    print(machine())
    results = {}
    for variant in VARIANTS:
        with fresh_store(args.backend, f"flood_{variant}") as url:
            results[variant] = run(variant, url, args.attempts, args.concurrency)
    rows = [(name, f"{r['idle_mb']:.0f}", f"{r['peak_mb']:.0f}", f"{r['p50_ms']:.0f}",
             f"{r['max_ms']:.0f}", f"{r['seconds']:.1f}", r["checked"], r["refused"], r["other"])
            for name, r in results.items()]
    print(f"{args.attempts} wrong-password sign-ins, {args.concurrency} at a time, "
          f"{args.backend}")
    print(table(["variant", "idle MB", "peak MB", "GET p50 ms", "GET max ms", "flood s",
                 "checked", "429", "other"], rows))
    bounded, unbounded = results["bounded"], results["unbounded"]
    print(f"bounded / unbounded: peak memory {bounded['peak_mb'] / unbounded['peak_mb']:.2f}x, "
          f"GET p50 {bounded['p50_ms'] / unbounded['p50_ms']:.2f}x, "
          f"GET max {bounded['max_ms'] / unbounded['max_ms']:.2f}x")


if __name__ == "__main__":
    main()
