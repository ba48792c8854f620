"""How ``sourcediff serve --workers N`` starts, on an idle machine and on one
whose every core is busy: seconds until ``/healthz`` first answers, and how
many workers the supervisor started (more than N means it killed some for
missing a health check).

    .venv/bin/python bench/busy_start.py [--workers 2] [--spinners-per-core 2] [--runs 3]

Each run starts the server on a new SQLite file (so the start migrates it),
waits for ``/healthz`` (the clock starts when the command is launched), asks
it 20 times more, and stops it. The loaded runs keep ``spinners-per-core``
busy loops per core going throughout. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.serving import Server


def one_start(workers: int, tmp: str, n: int) -> tuple[float, int]:
    database = f"sqlite:///{tmp}/start-{n}.db"
    started = time.perf_counter()
    with Server(
        database, workers=workers, env={"SOURCEDIFF_BACKGROUND": "0"}, startup_timeout=300
    ) as up:
        seconds = time.perf_counter() - started
        for _ in range(20):
            httpx.get(f"{up.url}/healthz", timeout=30).raise_for_status()
        log = up.log_text()
    return seconds, log.count("Started server process")


def series(label: str, workers: int, runs: int, tmp: str) -> None:
    results = [one_start(workers, tmp, n) for n in range(runs)]
    seconds = [s for s, _ in results]
    started = [c for _, c in results]
    print(
        f"  {label:8} first /healthz: median {statistics.median(seconds):5.2f} s, "
        f"max {max(seconds):5.2f} s; workers started per run {started} (of {workers})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--spinners-per-core", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"sourcediff serve --workers {args.workers}, {cores} cores")
    with tempfile.TemporaryDirectory() as tmp:
        series("idle", args.workers, args.runs, tmp)
        spinners = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(args.spinners_per_core * cores)
        ]
        try:
            series(f"loaded ({len(spinners)} busy loops)", args.workers, args.runs, tmp)
        finally:
            for spinner in spinners:
                spinner.kill()
                spinner.wait()


if __name__ == "__main__":
    main()
