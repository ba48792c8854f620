"""What the compute workers' full garbage collections cost the requests they
serve, with the workers as the service starts them (what they inherited
frozen, ``service.platform.compute``) and as before (nothing frozen).

    python bench/worker_pauses.py                    # 2,000 words a side, N=300
    python bench/worker_pauses.py -n 500 --words 800,4000

Two pools of one worker each, made by ``Compute`` as the server makes them
(the fork server importing what the server's pool imports); the second
one's worker is then given ``gc.unfreeze()``, which puts it back as workers
were before they froze what they inherit. Both run the compare route's work
(``service.compare.router._answer``: the comparison and its response JSON)
on the same pair of generated articles (``bench/compute_hop.py``'s), call
by call, which goes first alternating. Printed per size and pool: p50, p99
and max of ``Compute.run``, the ratio of the p99s, and the full (generation
2) collections the worker ran and the time they took (``gc.callbacks``).

Nothing is asserted: the figures are for reading, and the machine's other
work moves them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from compute_hop import _pair

from service.compare.router import _answer
from service.compare.service import TextSource
from service.http.app import _COMPUTE_MODULES
from service.platform.compute import Compute
from service.platform.config import Settings

# A worker's full collections: [count, seconds], and when the current began.
_FULL = [0, 0.0]
_BEGAN = [0.0]


def _count_full(phase: str, info: dict[str, int]) -> None:
    if info["generation"] != 2:
        return
    if phase == "start":
        _BEGAN[0] = time.perf_counter()
    else:
        _FULL[0] += 1
        _FULL[1] += time.perf_counter() - _BEGAN[0]


def _watch(unfreeze: bool) -> int:
    """In a worker: count its full collections from now on (and, for the
    baseline, unfreeze what it inherited). Returns the objects frozen."""
    if unfreeze:
        gc.unfreeze()
    gc.callbacks.append(_count_full)
    return gc.get_freeze_count()


def _collections() -> tuple[int, float]:
    """In a worker: its full collections so far, and their seconds."""
    return _FULL[0], _FULL[1]


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _measure(sizes: list[int], n: int, warmup: int) -> None:
    settings = Settings(compute_workers=1, compute_queue=0, compute_inline_chars=0)
    pools = {name: Compute(settings, preload=_COMPUTE_MODULES) for name in ("frozen", "as before")}
    try:
        for name, compute in pools.items():
            held = await compute.run(_watch, name == "as before")
            print(f"{name:>10}: {held:,} objects frozen in its worker")
        print(
            f"{'words':>6} {'pool':>10} {'p50':>9} {'p99':>9} {'max':>9} "
            f"{'full collections':>17} {'their time':>11}"
        )
        for words in sizes:
            left, right = _pair(words)
            args = (TextSource(left), TextSource(right), [], settings, True, False)
            times: dict[str, list[float]] = {name: [] for name in pools}
            before = {name: await c.run(_collections) for name, c in pools.items()}
            for i in range(warmup + n):
                order = list(pools) if i % 2 else list(reversed(pools))
                for name in order:
                    began = time.perf_counter()
                    await pools[name].run(_answer, *args)
                    if i >= warmup:
                        times[name].append(time.perf_counter() - began)
            for name, compute in pools.items():
                count, seconds = await compute.run(_collections)
                count, seconds = count - before[name][0], seconds - before[name][1]
                t = times[name]
                print(
                    f"{words:>6} {name:>10} {statistics.median(t) * 1000:>7.2f}ms "
                    f"{_ms(t, 0.99):>7.2f}ms {max(t) * 1000:>7.2f}ms {count:>17} "
                    f"{seconds * 1000:>9.1f}ms"
                )
            ratio = _ms(times["frozen"], 0.99) / _ms(times["as before"], 0.99)
            print(f"{words:>6} p99 frozen / as before: {ratio:.2f}x")
    finally:
        for compute in pools.values():
            compute.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=300, help="timed calls per size and pool")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--words", default="2000", help="words a side, per size")
    args = parser.parse_args()
    asyncio.run(_measure([int(w) for w in args.words.split(",")], args.n, args.warmup))


if __name__ == "__main__":
    main()
