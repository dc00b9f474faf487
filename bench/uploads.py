"""Evidence upload throughput: a 5 MB file through the whole path against writing the
same bytes to disk.

Side by side in one run, interleaved, median of three rounds, on each backend:
  - disk: the bytes written to a new file and fsync'ed (the anchor),
  - store: what an upload adds below HTTP: sniff the type, SHA-256, encrypt with the
    event cipher, keep in the content-addressed store (files on SQLite, a table on
    PostgreSQL),
  - HTTP: `POST /api/v1/complaints/{id}/attachments` (multipart) over loopback to a
    uvicorn server: body cap, parsing, the complaint loaded and decided, the store,
    the `AttachmentAdded` event saved.
Every file differs (a counter in its last bytes), so the store never skips one as
already kept.

    .venv/bin/python -m bench.uploads --uploads 8 --backend both
    .venv/bin/python -m bench.uploads --uploads 40 --size-mb 5      # the bigger run
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import Samples, backends, filing_body, fresh_store, machine, settings_for, table

PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def payloads(n: int, size: int, seed: int) -> list[bytes]:
    body = os.urandom(size - len(PNG_HEAD) - 8)
    return [PNG_HEAD + body + (seed * 100_000 + i).to_bytes(8, "big") for i in range(n)]


def disk(files: list[bytes]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        for i, data in enumerate(files):
            with open(Path(folder) / f"f{i}", "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        return time.perf_counter() - started


def store_only(wiring: Any, files: list[bytes]) -> float:
    from domain.evidence import EvidenceFile

    blobs = wiring.evidence.blobs
    started = time.perf_counter()
    for data in files:
        file = EvidenceFile.of("receipt.png", data)
        blobs.put(file.sha256, file.data)
    return time.perf_counter() - started


class Server:
    def __init__(self, app: Any) -> None:
        import uvicorn

        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def over_http(wiring: Any, files: list[bytes]) -> float:
    import httpx

    from api.app import create_app
    from domain.evidence import MAX_CASE_BYTES
    from domain.vocabulary import Role

    wiring.accounts.add("bench-op", role=Role.OPERATOR, password="bench-op-password-1",
                        office="SH-PD")
    per_case = max(1, MAX_CASE_BYTES // len(files[0]))
    with Server(create_app(wiring)) as base, httpx.Client(base_url=base, timeout=120) as client:
        token = client.post("/api/v1/auth/token", data={
            "username": "bench-op", "password": "bench-op-password-1"}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        cases = []
        for _ in range(-(-len(files) // per_case)):
            filed = client.post("/api/v1/complaints", json=filing_body(), headers=auth)
            cases.append(filed.json()["id"])
        started = time.perf_counter()
        for i, data in enumerate(files):
            answer = client.post(f"/api/v1/complaints/{cases[i // per_case]}/attachments",
                                 files={"file": ("receipt.png", data, "image/png")}, headers=auth)
            assert answer.status_code == 201, answer.text
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=8)
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    from api.bootstrap import wire

    size = int(args.size_mb * 1024 * 1024)
    megabytes = args.uploads * size / (1024 * 1024)
    print(machine())
    for backend in backends(args.backend):
        seconds: dict[str, list[float]] = {"disk (write + fsync)": [], "store (sniff, hash, "
                                           "encrypt, keep)": [], "HTTP upload": []}
        for round_ in range(args.rounds):
            files = payloads(args.uploads, size, round_)
            seconds["disk (write + fsync)"].append(disk(files))
            with fresh_store(backend, f"uploads_{round_}") as url:
                # Serving on PostgreSQL needs a signing key of its own.
                wiring = wire(settings_for(url).model_copy(
                    update={"secret_key": "bench-uploads-signing-key-0123456789abcdef"}))
                try:
                    seconds["store (sniff, hash, encrypt, keep)"].append(
                        store_only(wiring, payloads(args.uploads, size, round_ + 50)))
                    seconds["HTTP upload"].append(
                        over_http(wiring, payloads(args.uploads, size, round_ + 100)))
                finally:
                    wiring.close()
        anchor = megabytes / Samples(seconds["disk (write + fsync)"]).median
        rows = []
        for name, taken in seconds.items():
            rate = [megabytes / s for s in taken]
            rows.append((name, f"{Samples(rate).median:,.0f}", Samples(rate).spread(),
                         f"{Samples(rate).median / anchor:.2f}",
                         f"{1000 * Samples(taken).median / args.uploads:,.0f}"))
        print(f"\n{backend}: {args.uploads} files of {args.size_mb:g} MB per round")
        print(table(("path", "MB/s", "rounds", "ratio to disk", "ms per file"), rows))


if __name__ == "__main__":
    main()
