"""Filing a complaint over HTTP: our API against a bare FastAPI endpoint doing one save.

    python -m bench.http_filing [--backend sqlite|postgres|both] [--seconds 10] [--rounds 3]
                                [--connections 32] [--variants bare,ours,ours-thread]

Each variant runs in its own uvicorn process (one worker, access log off) on a fresh
store, and `wrk -t2 -c32 --latency` posts realistic filings at it over loopback.

- ours: `POST /api/v1/complaints` of `create_app(wire(settings))`: the request guard
  (body cap, metrics, JSON request log through the production formatter), bearer-token
  check, pydantic body, `Intake.parse`, permissions, `Complaint.file`, case number,
  sealing, hash chain, one save, and the 201 view made from the complaint just saved;
  uvloop and httptools when installed (the `fast` extra); the views follow in a worker process the
  server starts, as `complaints serve` does (`ours-thread`: in a thread of the
  server, as before; `ours-no-views`: nowhere, the views left to another machine).
- bare: `POST /file` of a FastAPI app with a plain `def` route taking the body as a
  dict: one `bench.alternatives.Case` created and saved in a plain `Application`.

Both use the same eventsourcing settings (`Settings.to_eventsourcing_env()`, cipher
included). Variants alternate within each round; each round starts from fresh stores
and runs 2 s of untimed warm-up. Needs `wrk` (`apt-get install -y wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    backends, filing_body, fresh_store, machine, settings_for, table,
)

SECRET = "bench-signing-key-0123456789abcdef0123456789abcdef"
PASSWORD = "bench-operator-password"


# ----- the servers (run in child processes) ------------------------------------------

def bare_app(url: str) -> Any:
    from uuid import uuid4

    from eventsourcing.application import Application
    from fastapi import FastAPI

    from bench.alternatives import Case
    from domain.vocabulary import Role  # noqa: F401 - same imports as ours, same start-up

    store = Application(settings_for(url).to_eventsourcing_env())
    app = FastAPI()

    @app.post("/file", status_code=201)
    def file(body: dict[str, Any]) -> dict[str, str]:
        from datetime import UTC, datetime
        from decimal import Decimal

        now = datetime.now(UTC)
        case = Case(actor={"username": "op1", "role": "operator"}, at=now, channel=body["channel"],
                    received_at=now, consumer=body["consumer"], business=body["business"],
                    category=body["category"], industry=body["industry"],
                    incident_date=body.get("incident_date"), amount=Decimal(body["amount"]),
                    description=body["description"], request=body["request"],
                    office=body["office"], regulation="samr-121")
        store.save(case)
        return {"id": str(case.id) if case.id else str(uuid4())}

    return app


# How each of our variants keeps the views current: `ours` as `complaints serve` does.
VIEWS = {"ours": "worker", "ours-thread": "thread", "ours-no-views": "none"}


def our_app(url: str) -> Any:
    from adapters.accounts import AccountExists
    from api.app import create_app
    from api.bootstrap import wire
    from domain.vocabulary import Role

    settings = settings_for(url).model_copy(update={"secret_key": SECRET})
    wiring = wire(settings, follow=os.environ.get("BENCH_VIEWS") == "thread")
    try:
        wiring.accounts.add("op1", role=Role.OPERATOR, password=PASSWORD, office="SH-HP")
    except AccountExists:
        pass
    return create_app(wiring)


def serve(variant: str, url: str, port: int) -> None:
    import logging

    import uvicorn

    from api.views_worker import ViewsWorker

    if variant.startswith("ours"):
        os.environ["BENCH_VIEWS"] = VIEWS[variant]
        app = our_app(url)
    else:
        app = bare_app(url)
    worker = None
    if os.environ.get("BENCH_VIEWS") == "worker":
        # As `complaints serve` does: the worker reads the store's settings from the
        # environment.
        settings = settings_for(url)
        os.environ.update({
            "COMPLAINTS_DATABASE_URL": url, "COMPLAINTS_CIPHER_KEY": settings.cipher_key or "",
            "COMPLAINTS_BLIND_INDEX_KEY": settings.blind_index_key or "",
            "COMPLAINTS_SEARCH_TOKEN_KEY": settings.search_token_key or "",
            "COMPLAINTS_CHAIN_KEY": settings.chain_key or "",
            "COMPLAINTS_SIGNING_KEY": settings.signing_key or ""})
        worker = ViewsWorker()
        worker.start()
    # Request logs are formatted by the production formatter, as served, then dropped:
    # only the terminal is left out of the measurement.
    for handler in logging.getLogger("complaints").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the server
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning",
                    server_header=False, loop="auto", http="auto")
    finally:
        if worker is not None:
            worker.stop()


# ----- the load --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(variant: str, url: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    settings = settings_for(url)
    env = {**os.environ, "BENCH_CIPHER_KEY": settings.cipher_key or "",
           "BENCH_BLIND_INDEX_KEY": settings.blind_index_key or "",
           "BENCH_SEARCH_TOKEN_KEY": settings.search_token_key or ""}
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", variant, "--url", url, "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode() if process.stderr else "died")
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{variant} server did not start")


def token(port: int) -> str:
    import httpx

    response = httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/token",
                          data={"username": "op1", "password": PASSWORD}, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def lua_script(path: str, headers: dict[str, str], folder: Path) -> Path:
    bodies = [json.dumps(filing_body(i), ensure_ascii=False) for i in range(12)]
    lines = ["wrk.method = 'POST'", f"wrk.path = '{path}'"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    lines.append("bodies = {" + ", ".join(_lua_string(b) for b in bodies) + "}")
    lines.append("n = 0")
    lines.append("request = function()\n  n = n + 1\n"
                 "  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])\nend")
    script = folder / f"{abs(hash(path))}.lua"
    script.write_text("\n".join(lines))
    return script


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(value: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s)", value.strip())
    assert found, value
    number, unit = found.groups()
    return float(number) * _UNITS[unit]


def wrk(port: int, script: Path, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rate": rate, "p50": p50, "p99": p99, "non2xx": float(bad.group(1)) if bad else 0.0,
            "socket_errors": 1.0 if errors else 0.0}


def measure(variant: str, backend: str, label: str, seconds: int, connections: int,
            folder: Path) -> dict[str, float]:
    with fresh_store(backend, label) as url:
        process, port = start(variant, url)
        try:
            if variant.startswith("ours"):
                headers = {"Content-Type": "application/json",
                           "Authorization": f"Bearer {token(port)}"}
                path = "/api/v1/complaints"
            else:
                headers = {"Content-Type": "application/json"}
                path = "/file"
            script = lua_script(path, headers, folder)
            wrk(port, script, 2, connections)  # warm-up, not counted
            return wrk(port, script, seconds, connections)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.http_filing", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--variants", default="bare,ours",
                        help=f"compared side by side, bare first; ours variants: {', '.join(VIEWS)}")
    parser.add_argument("--serve", choices=["bare", *VIEWS], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.url, args.port)
        return
    variants = args.variants.split(",")
    if variants[0] != "bare" or any(v not in VIEWS for v in variants[1:]):
        sys.exit(f"--variants: bare, then some of {', '.join(VIEWS)}")
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")

    print(f"HTTP filing, wrk -t2 -c{args.connections}, {args.seconds} s x {args.rounds} rounds; "
          f"{machine()}")
    folder = Path(tempfile.mkdtemp(prefix="bench_http_"))
    rows = []
    try:
        for backend in backends(args.backend):
            results: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
            for round_ in range(args.rounds):
                shift = round_ % len(variants)
                order = variants[shift:] + variants[:shift]
                for variant in order:
                    result = measure(variant, backend, f"http_{variant.replace('-', '_')}_{round_}",
                                     args.seconds, args.connections, folder)
                    results[variant].append(result)
                    print(f"  {backend} round {round_ + 1} {variant}: {result['rate']:,.0f} req/s, "
                          f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms"
                          + (f", {result['non2xx']:.0f} non-2xx!" if result["non2xx"] else ""),
                          flush=True)
            med = {v: {k: statistics.median(r[k] for r in rs) for k in ("rate", "p50", "p99")}
                   for v, rs in results.items()}
            for variant in variants:
                m = med[variant]
                per_round = statistics.median(
                    o["rate"] / b["rate"]
                    for o, b in zip(results[variant], results["bare"], strict=True))
                ratio = (f"{m['rate'] / med['bare']['rate']:.2f} (rounds {per_round:.2f})"
                         if variant != "bare" else "1.00")
                p99_ratio = f"{m['p99'] / med['bare']['p99']:.2f}"
                rows.append([backend, variant, f"{m['rate']:,.0f}", f"{m['p50']:.1f}",
                             f"{m['p99']:.1f}", ratio, p99_ratio])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print()
    print(table(["backend", "variant", "req/s", "p50 ms", "p99 ms", "rate vs bare",
                 "p99 vs bare"], rows))


if __name__ == "__main__":
    main()
