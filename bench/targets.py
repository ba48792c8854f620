"""Every speed target of issue 18, each next to its baseline, in one run.

    .venv/bin/python bench/targets.py --baseline-tree /tmp/before
    .venv/bin/python bench/targets.py --quick                    # minutes, smaller samples
    .venv/bin/python bench/targets.py --search-size 1000000      # the target's archive size

Runs the project's measurement scripts one after another, each printing its
own figures, and ends with the lines they print starting ``target:``, one
per target and database, each with its measured figure, its baseline and
whether it is met:

1. ``vs_naive.py --serve``: the default compare in process (p99 under 3 ms)
   and quotes only (within 1.2x of the naive script), then over HTTP
   against the naive script served by ``http.server`` (p50 at or below its
   p50, p99 under 10 ms);
2. ``load.py --scenarios compare``: 20 closed-loop clients on 2 workers
   (p99 under 100 ms, no error, both workers answering), SQLite and
   PostgreSQL;
3. ``bench_ingest.py --baseline-tree``: 8 clients recording versions, this
   checkout against another (at least 2x its versions/s), both databases.
   The baseline is a tree of the code the target was set against, made with
   ``git archive COMMIT | tar -x -C DIR``; without ``--baseline-tree`` the
   ingest figures print without the target;
4. ``bench_search.py``: quote search at ``--search-size`` quotations (the
   target is p99 under 20 ms at 1,000,000, with recall of 0.99 or more) and
   a 50-article story over the API against ``align_story`` in process
   (within 2x), both databases.

The machine's other work moves every figure: run it on an idle machine, and
read ratios, which compare with a baseline measured in the same run, before
absolute times. Nothing is asserted; the exit status is the first failing
script's (2 when the corpus beside the clone is missing).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SHARED = BENCH.parents[1] / "shared"


def _run(script: str, arguments: list[str], found: list[str]) -> int:
    """Run ``bench/script``, echoing its output, and keep its target lines."""
    command = [sys.executable, str(BENCH / script), *arguments]
    print(f"\n$ {' '.join(['.venv/bin/python', f'bench/{script}', *arguments])}", flush=True)
    began = time.perf_counter()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.startswith("target:"):
                found.append(line.rstrip())
    print(f"({script}: {time.perf_counter() - began:.0f} s, exit {process.returncode})")
    return process.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="the data directory")
    ap.add_argument("--baseline-tree", type=Path, help="another checkout, for the ingest target")
    ap.add_argument("--search-size", type=int, default=100_000, help="quotations (100,000)")
    ap.add_argument("--quick", action="store_true", help="smaller samples, for a first look")
    args = ap.parse_args(argv)
    if not (args.shared / "corpus" / "seeds.json").is_file():
        print(
            f"missing: {args.shared / 'corpus' / 'seeds.json'} (pass --shared DIR)",
            file=sys.stderr,
        )
        return 2
    shared = ["--shared", str(args.shared)]
    quick = args.quick
    runs: list[tuple[str, list[str]]] = [
        (
            "vs_naive.py",
            ["-n", "200" if quick else "600", "--serve", "--rounds", "5" if quick else "30"],
        ),
        ("load.py", ["--scenarios", "compare", "--seconds", "5" if quick else "20"]),
        (
            "bench_ingest.py",
            ["--versions", "400" if quick else "2000"]
            + (["--baseline-tree", str(args.baseline_tree)] if args.baseline_tree else []),
        ),
        (
            "bench_search.py",
            ["--sizes", str(args.search_size), "--databases", "sqlite,postgres"]
            + (["--queries", "100", "--recall-queries", "10"] if quick else []),
        ),
    ]
    found: list[str] = []
    status = 0
    for script, arguments in runs:
        code = _run(script, [*arguments, *shared], found)
        status = status or code
        if code == 2:
            break
    print("\nIssue 18's targets, as measured above:")
    for line in found:
        print(f"  {line.removeprefix('target: ')}")
    if not args.baseline_tree:
        print("  ingest at 2x: not measured (pass --baseline-tree)")
    return status


if __name__ == "__main__":
    sys.exit(main())
