"""`python -m bench`: both benchmarks with modest sizes (a few minutes on 2 cores).

    python -m bench [--backend sqlite|postgres|both] [--full]

The lifecycle benchmark runs at its default (250 lifecycles per variant and round,
about 30 s); the rebuild at 50,000 events with each view also rebuilt alone, or at
its default 200,000 events with --full.
Run `python -m bench.lifecycle --help` or `python -m bench.rebuild --help` for more.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import lifecycle, rebuild  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--full", action="store_true", help="rebuild from 200,000 events instead of 50,000")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    lifecycle.main(["--backend", args.backend])
    print("\n" + "=" * 100 + "\n")
    build = [] if args.full else ["--events", "50000"]
    rebuild.main([*build, "--per-view", "--backend", args.backend])
    print(f"\nbench took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
