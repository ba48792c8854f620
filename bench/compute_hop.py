"""What the compute pool's process hop costs a comparison, to choose
``compute_inline_chars``.

    python bench/compute_hop.py                     # over HTTP, 4 sizes, N=40 each
    python bench/compute_hop.py -n 100 --words 800,2000
    python bench/compute_hop.py --inprocess         # the hop alone, no HTTP

Over HTTP it starts two ``sourcediff serve`` (``tests/serving.py``,
SQLite, keys off): one with ``SOURCEDIFF_COMPUTE_INLINE_CHARS`` so large
that every comparison runs in the server's thread pool (as before the
pool), one with ``0`` so that every comparison goes through a worker
process, and sends ``POST /v1/compare`` (the defaults) to both, interleaved
call by call (which goes first alternates) on keep-alive connections, after
warm-up calls. ``--inprocess`` times the route's own function (the
comparison and its response JSON) called directly and through
``Compute.run`` with a warm pool of one worker, interleaved the same way.

Each size is a pair of generated articles
(``tests/core/_samples.long_article``, the right side a light rewrite of the
left). Printed per size: the input's characters (both sides), each way's
median and p90, the hop (the difference of the medians), the ratio pool /
inline, and whether both answered the same bytes.

No figure here is asserted anywhere: timings are for reading, not for CI.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.compare.router import _answer
from service.compare.service import TextSource
from service.platform.compute import Compute
from service.platform.config import Settings
from tests.core._samples import long_article
from tests.serving import Server

HEADER = (
    f"{'chars':>8} {'inline p50':>11} {'p90':>9} {'pool p50':>10} {'p90':>9} {'hop':>9} "
    f"{'ratio':>6}  same"
)


def _pair(words: int) -> tuple[str, str]:
    left, _ = long_article(words, seed=words)
    right = left.replace(" said", " told reporters").replace("council", "County Council")
    return left, right


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def _row(chars: int, a: list[float], b: list[float], same: bool) -> str:
    ma, mb = statistics.median(a), statistics.median(b)
    return (
        f"{chars:>8,} {ma * 1000:>9.2f}ms {_p90(a) * 1000:>7.2f}ms"
        f" {mb * 1000:>8.2f}ms {_p90(b) * 1000:>7.2f}ms"
        f" {(mb - ma) * 1000:>7.2f}ms {mb / ma:>5.2f}x  {same}"
    )


def _rounds(n: int, warmup: int) -> Iterator[tuple[bool, tuple[str, str]]]:
    """(timed?, the order of the two ways) for each round."""
    for i in range(warmup + n):
        yield i >= warmup, ("inline", "pool") if i % 2 else ("pool", "inline")


async def _inprocess(sizes: list[int], n: int, warmup: int) -> None:
    settings = Settings(compute_workers=1, compute_inline_chars=0)
    compute = Compute(settings, preload=("service.compare.router",))
    print("in-process: the route's function called directly, and through Compute.run")
    print(HEADER)
    try:
        for words in sizes:
            left, right = _pair(words)
            args = (TextSource(left), TextSource(right), [], settings, True, False)
            times: dict[str, list[float]] = {"inline": [], "pool": []}
            results: dict[str, Any] = {}
            same = True
            for timed, order in _rounds(n, warmup):
                for name in order:
                    started = time.perf_counter()
                    if name == "inline":
                        results[name] = _answer(*args)
                    else:
                        results[name] = await compute.run(_answer, *args)
                    if timed:
                        times[name].append(time.perf_counter() - started)
                same = same and results["inline"] == results["pool"]
            print(_row(len(left) + len(right), times["inline"], times["pool"], same))
    finally:
        compute.close()


def _over_http(sizes: list[int], n: int, warmup: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        common = {"SOURCEDIFF_AUTH_DISABLED": "1", "SOURCEDIFF_BACKGROUND": "0"}
        inline_env = {**common, "SOURCEDIFF_COMPUTE_INLINE_CHARS": str(10**9)}
        pool_env = {**common, "SOURCEDIFF_COMPUTE_INLINE_CHARS": "0"}
        with (
            Server(f"sqlite:///{tmp}/inline.db", env=inline_env) as inline,
            Server(f"sqlite:///{tmp}/pool.db", env=pool_env) as pool,
            httpx.Client(timeout=120) as client,
        ):
            urls = {"inline": inline.url, "pool": pool.url}
            print("over HTTP: one server compares in its threads, one in its worker pool")
            print(HEADER)
            for words in sizes:
                left, right = _pair(words)
                body = {"left": {"text": left}, "right": {"text": right}}
                times: dict[str, list[float]] = {"inline": [], "pool": []}
                contents: dict[str, bytes] = {}
                same = True
                for timed, order in _rounds(n, warmup):
                    for name in order:
                        started = time.perf_counter()
                        response = client.post(f"{urls[name]}/v1/compare", json=body)
                        elapsed = time.perf_counter() - started
                        response.raise_for_status()
                        contents[name] = response.content
                        if timed:
                            times[name].append(elapsed)
                    same = same and contents["inline"] == contents["pool"]
                print(_row(len(left) + len(right), times["inline"], times["pool"], same))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=40, help="timed calls per size and way")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--words", default="400,800,2000,8000", help="words a side, per size")
    parser.add_argument("--inprocess", action="store_true", help="the hop alone, no HTTP")
    args = parser.parse_args()
    sizes = [int(w) for w in args.words.split(",")]
    if args.inprocess:
        asyncio.run(_inprocess(sizes, args.n, args.warmup))
    else:
        _over_http(sizes, args.n, args.warmup)


if __name__ == "__main__":
    main()
