"""Time ``align_passages`` on bench/bench_compare.py's pair of ~800-word
articles (built from the shared corpus), against a baseline tree in the
same run.

    PYTHONPATH=$PWD .venv/bin/python bench/passages/time_align.py \
        --baseline-tree /tmp/base0 [--shared ../shared] [--rounds 6] [-n 300]

``--compare`` times the whole ``compare_texts`` with default options
(quotes, insight and passages) instead. Each tree is imported in a process
of its own (``--worker``); the processes are run in turn, ``--rounds``
times each, alternating which goes first, and each times ``-n`` calls
after a warm-up. Every call starts as a new request
would (``sentence_spans``' cache of whole texts emptied; per-word caches stay
warm, as in a running service). Prints each tree's min and median over all
its calls, and their ratio. ``--calls N --worker`` makes N untimed calls and
exits (for callgrind: run it with N calls and with 0, and subtract).
Without the corpus it names the missing files and exits 2.

Measured at the end of the session that wrote it (a shared 2-core machine,
load 2.5-3.3), against the code before it: ``--rounds 8 -n 300`` min 2.80 ms
against 4.09 ms, median 4.33 ms against 6.16 ms; callgrind (20 calls minus
0) 19.6M instructions a call against 30.0M.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
SHARED = HERE.parents[3] / "shared"


def _worker(shared: Path, n: int, warmup: int, calls: int | None, whole: bool) -> None:
    sys.path.insert(0, str(Path.cwd() / "bench"))
    from bench_compare import build_articles

    from service.core import compare_texts
    from service.core.alignment.passages import align_passages as passages_only
    from service.core.sentences import sentence_spans

    align_passages = compare_texts if whole else passages_only
    left, right = build_articles(shared)
    if calls is not None:
        align_passages("A warm-up. Of the imports.", "A warm-up of the imports.")
        for _ in range(calls):
            sentence_spans.cache_clear()
            align_passages(left, right)
        return
    for _ in range(warmup):
        sentence_spans.cache_clear()
        align_passages(left, right)
    times = []
    for _ in range(n):
        sentence_spans.cache_clear()
        began = time.perf_counter()
        align_passages(left, right)
        times.append(time.perf_counter() - began)
    print(json.dumps(times))


def _run(tree: Path, args: argparse.Namespace) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, str(HERE), "--worker", "--shared", str(args.shared)]
    command += ["-n", str(args.n), "--warmup", str(args.warmup)]
    command += ["--compare"] if args.compare else []
    out = subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True, text=True)
    return list(json.loads(out.stdout))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="the data directory")
    ap.add_argument("--baseline-tree", type=Path, default=Path("/tmp/base0"))
    ap.add_argument("--tree", type=Path, default=HERE.parents[2])
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--compare", action="store_true", help="time compare_texts (default options)")
    ap.add_argument("--calls", type=int)
    args = ap.parse_args()
    if args.worker:
        _worker(args.shared, args.n, args.warmup, args.calls, args.compare)
        return 0
    sys.path.insert(0, str(HERE.parents[1]))
    from bench_compare import build_articles

    build_articles(args.shared)  # without the corpus: names what is missing, exits 2
    trees = {"this tree": args.tree, "baseline": args.baseline_tree}
    times: dict[str, list[float]] = {name: [] for name in trees}
    for r in range(args.rounds):
        order = list(trees) if r % 2 == 0 else list(reversed(trees))
        for name in order:
            times[name] += _run(trees[name], args)
    for name, found in times.items():
        low, middle = min(found) * 1e3, statistics.median(found) * 1e3
        print(
            f"{name:10s} min {low:.3f} ms  median {middle:.3f} ms"
            f"  ({len(found)} calls, {trees[name]})"
        )
    mine, base = times["this tree"], times["baseline"]
    print(
        f"ratio (this/baseline): min {min(mine) / min(base):.3f}"
        f"  median {statistics.median(mine) / statistics.median(base):.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
