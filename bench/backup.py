"""Backup and restore time, on each backend and across backends.

    .venv/bin/python -m bench.backup                       # 2,000 complaints, both backends
    .venv/bin/python -m bench.backup --complaints 100000   # the big run

A store of N demo complaints (about five events each, encrypted and chained) is
seeded once per backend. Then, as an operator would run them (`complaints` commands
in a child process, so interpreter start-up is included, about a second):
- `complaints backup`: signs a checkpoint (verifying every chain), takes the native
  snapshot and the portable rows from it, writes the manifest;
- `complaints restore` into an empty store of the same backend and of the other:
  loads the events and carried tables, rebuilds every view, verifies every chain and
  the checkpoint.
Figures are seconds and events/s; compare within one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, backends, fresh_store, machine, settings_for, table


def seed(url: str, complaints: int) -> int:
    from adapters.demo_data import DemoFactory, record_demo
    from api.bootstrap import wire

    wiring = wire(settings_for(url))
    try:
        record_demo(wiring.desk, DemoFactory(seed=11), complaints, batch=200)
        return wiring.projections.head()
    finally:
        wiring.close()


def complaints_cli(url: str, *args: str) -> float:
    settings = settings_for(url)
    env = dict(os.environ, COMPLAINTS_DATABASE_URL=url, PYTHONPATH=str(ROOT),
               COMPLAINTS_CIPHER_KEY=settings.cipher_key or "",
               COMPLAINTS_CHAIN_KEY=settings.chain_key or "",
               COMPLAINTS_SIGNING_KEY=settings.signing_key or "")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "api.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"complaints {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=2_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    print(machine())
    rows: list[tuple[Any, ...]] = []
    for backend in backends(args.backend):
        with fresh_store(backend, "backup_source") as url, \
                tempfile.TemporaryDirectory(prefix="bench_backup_") as folder:
            started = time.perf_counter()
            events = seed(url, args.complaints)
            print(f"{backend}: seeded {args.complaints:,} complaints, {events:,} events in "
                  f"{time.perf_counter() - started:,.0f} s", flush=True)
            dest = Path(folder) / "backup"
            took = complaints_cli(url, "backup", str(dest), "--keys-backed-up-at", "bench")
            size = sum(p.stat().st_size for p in dest.iterdir()) / 1e6
            rows.append((f"backup {backend}", f"{took:,.1f}", f"{events / took:,.0f}",
                         f"{size:,.0f} MB"))
            print(f"  {rows[-1][0]}: {took:,.1f} s", flush=True)
            targets = ["sqlite", "postgres"] if args.backend == "both" else [backend]
            for target in targets:
                with fresh_store(target, f"backup_into_{target}") as into:
                    took = complaints_cli(into, "restore", str(dest))
                rows.append((f"restore {backend} -> {target}", f"{took:,.1f}",
                             f"{events / took:,.0f}", ""))
                print(f"  {rows[-1][0]}: {took:,.1f} s", flush=True)
    print(f"\n{args.complaints:,} complaints")
    print(table(("step", "seconds", "events/s", "backup size"), rows))


if __name__ == "__main__":
    main()
