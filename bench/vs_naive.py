"""Issue 18's compare targets, each next to its baseline in one run: Sourcediff
against the afternoon script (``bench/naive_compare.py``), in process and
over HTTP.

    python bench/vs_naive.py                                   # in process only
    python bench/vs_naive.py --url http://127.0.0.1:8000       # and over HTTP
    python bench/vs_naive.py --url http://127.0.0.1:8001 --url http://127.0.0.1:8002
    python bench/vs_naive.py --serve                           # starts `sourcediff serve`

In process, interleaved call by call: the route's whole work for two
~800-word articles (``bench/bench_compare.py``'s pair; default options:
quotes, insight and passages; the response's JSON bytes included), the
quotes-only core, and ``naive_compare`` with ``json.dumps`` of its body.

Over HTTP, sequential keep-alive requests from one client, interleaved
request by request over every ``--url`` and the naive script served by
``http.server`` (started here, on a free port): the 800-word pair and every
labelled pair of the corpus (the seeds, the dev clusters and the NewsEdits
versions, as ``bench/compare_bodies.py`` posts them), ``--rounds`` passes.

``--serve`` starts this checkout's ``sourcediff serve`` (one worker, API
keys off, a new SQLite file) and measures it over HTTP as a ``--url``.

Each row prints p50 and p99 and the ratio of its p50 to the naive script's
measured in the same run; lines starting ``target:`` say where issue 18's
compare targets stand. Nothing here is asserted: the figures are for
reading.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from service.compare.router import _answer
from service.compare.service import TextSource
from service.core import compare_texts
from service.platform.config import Settings

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from bench_compare import build_articles, measure_interleaved  # noqa: E402
from compare_bodies import SHARED, corpus_pairs  # noqa: E402
from naive_compare import naive_compare  # noqa: E402

sys.path.insert(0, str(BENCH.parent))
from tests.databases import scratch_sqlite  # noqa: E402
from tests.serving import Server, free_port  # noqa: E402


def _p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _row(name: str, times: list[float], base: list[float]) -> str:
    ratio = statistics.median(times) / statistics.median(base)
    return (
        f"  {name:<44} p50 {_p(times, 0.5):7.2f} ms   p99 {_p(times, 0.99):7.2f} ms   "
        f"p50 / naive {ratio:5.2f}x"
    )


def in_process(left: str, right: str, n: int, warmup: int) -> None:
    settings = Settings()
    sides = (TextSource(left), TextSource(right))

    def ours() -> object:
        return _answer(*sides, [], settings, True, False)

    def quotes_only() -> object:
        return compare_texts(left, right, insight=False, passages=False)

    def naive() -> object:
        return json.dumps(naive_compare(left, right), ensure_ascii=False).encode()

    default, quotes, plain = measure_interleaved([ours, quotes_only, naive], n, warmup)
    print(f"in process, two ~800-word articles, N={n} interleaved:")
    print(_row("naive: regex + ratio + greedy + opcodes + JSON", plain, plain))
    print(_row("ours: default compare and its JSON (the route)", default, plain))
    print(_row("ours: quotes only (no insight, no passages)", quotes, plain))
    p99 = _p(default, 0.99)
    print(
        f"target: in-process default compare p99 under 3 ms: {p99:.2f} ms "
        f"(the naive script's p99 {_p(plain, 0.99):.2f} ms), " + _met(p99 < 3)
    )
    ratio = statistics.median(quotes) / statistics.median(plain)
    print(
        f"target: in-process quotes only within 1.2x of the naive script (p50): {ratio:.2f}x "
        f"({_p(quotes, 0.5):.2f} ms against {_p(plain, 0.5):.2f} ms), " + _met(ratio <= 1.2)
    )


def _met(met: bool) -> str:
    return "met" if met else "not met"


def over_http(urls: list[str], bodies: dict[str, dict[str, Any]], rounds: int) -> None:
    port = free_port()
    naive_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, str(BENCH / "naive_compare.py"), "--port", str(port)]
    )
    try:
        with httpx.Client(timeout=60) as client:
            for _ in range(100):
                try:
                    client.post(f"{naive_url}/v1/compare", json=next(iter(bodies.values())))
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            targets = [naive_url, *urls]
            times: dict[str, list[float]] = {url: [] for url in targets}
            for round_ in range(rounds + 1):  # round 0 warms up
                for body in bodies.values():
                    order = targets[round_ % len(targets) :] + targets[: round_ % len(targets)]
                    for url in order:
                        began = time.perf_counter()
                        response = client.post(f"{url}/v1/compare", json=body)
                        elapsed = time.perf_counter() - began
                        response.raise_for_status()
                        if round_:
                            times[url].append(elapsed)
    finally:
        process.terminate()
        process.wait()
    print(f"over HTTP, {len(bodies)} requests x {rounds} rounds, one keep-alive client:")
    print(_row(f"naive (http.server) {naive_url}", times[naive_url], times[naive_url]))
    for url in urls:
        print(_row(f"ours {url}", times[url], times[naive_url]))
    for url in urls:
        ratio = statistics.median(times[url]) / statistics.median(times[naive_url])
        print(
            f"target: HTTP compare p50 at or below the naive script's ({url}): {ratio:.2f}x "
            f"({_p(times[url], 0.5):.2f} ms against {_p(times[naive_url], 0.5):.2f} ms), "
            + _met(ratio <= 1)
        )
        p99 = _p(times[url], 0.99)
        print(
            f"target: HTTP compare p99 under 10 ms unloaded ({url}): {p99:.2f} ms, "
            + _met(p99 < 10)
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", action="append", default=[], help="a running Sourcediff")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the data directory (corpus/)")
    ap.add_argument("-n", type=int, default=500, help="in-process calls (500)")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=10, help="HTTP passes over the bodies (10)")
    ap.add_argument("--no-in-process", action="store_true")
    ap.add_argument("--serve", action="store_true", help="start this checkout's server too")
    args = ap.parse_args(argv)
    left, right = build_articles(args.shared)
    if not args.no_in_process:
        in_process(left, right, args.n, args.warmup)
    urls = [u.rstrip("/") for u in args.url]
    if urls or args.serve:
        bodies = {"800-word pair": {"left": {"text": left}, "right": {"text": right}}}
        bodies |= corpus_pairs(args.shared)
        with contextlib.ExitStack() as stack:
            if args.serve:
                database = stack.enter_context(scratch_sqlite("sourcediff-vs-naive"))
                env = {"SOURCEDIFF_AUTH_DISABLED": "1"}
                urls.append(stack.enter_context(Server(database, env=env)).url)
            over_http(urls, bodies, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
