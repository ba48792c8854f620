"""Where the milliseconds of one default ``POST /v1/compare`` go: a profile of
the route's work in process, and of the server's event loop over HTTP.

    python bench/profile_compare.py                 # both, 200 calls each
    python bench/profile_compare.py -n 500 --top 30
    python bench/profile_compare.py --no-http

The request is ``bench/bench_compare.py``'s pair of ~800-word articles with
default options (quotes, insight and passages), sent as text.

- In process: ``cProfile`` around ``n`` calls of the route's work
  (``service.compare.router._answer``: both sides compared, the response
  built and its JSON written), summed by stage (extraction and its speaker
  attribution, quote alignment, insight, passages, the response), then the
  top functions by own time.
- Over HTTP: ``uvicorn`` serving the app in this process (one worker, the
  app's own logging, as ``sourcediff serve`` runs it), ``cProfile`` on the
  event loop's thread while a client process sends ``n`` requests one after
  another. The comparison itself runs in the thread pool, which cProfile
  does not see: this profile is the HTTP stack, the middleware, FastAPI's
  parsing and dependencies and the hops, the part the in-process one leaves
  out. The client's wall-clock p50 is printed beside it.

cProfile adds its own overhead to every Python call, so read the shares,
not the absolute times; ``bench/vs_naive.py`` times without it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
from bench_compare import SHARED, build_articles  # noqa: E402

# Stages of the route's work: (label, file fragment, function name), read as
# the cumulative time of the outermost call of each.
STAGES = [
    ("extraction (both sides)", "quotes/extract.py", "extract_quotes"),
    ("  of which speaker attribution", "quotes/speakers.py", "attribute_speakers"),
    ("quote alignment and word diffs", "alignment/quotes.py", "align_quotes"),
    ("insight (edits, drift, echoes)", "insight/analysis.py", "analyse"),
    ("passages (sentence alignment)", "alignment/passages.py", "align_passages"),
    ("  of which sentence segmentation", "core/sentences.py", "sentence_spans"),
    ("response: dicts built", "compare/schemas.py", "_response"),
    ("response: validated (pydantic)", "pydantic/main.py", "model_validate"),
    ("response: JSON written", "pydantic/type_adapter.py", "dump_json"),
    ("response: JSON written (orjson)", "compare/schemas.py", "response_json"),
]


def _stage_times(stats: pstats.Stats, calls: int) -> list[tuple[str, float]]:
    raw = stats.stats  # type: ignore[attr-defined]
    out = []
    for label, fragment, name in STAGES:
        cumulative = sum(
            entry[3] for (path, _, func), entry in raw.items() if func == name and fragment in path
        )
        if cumulative:
            out.append((label, cumulative / calls * 1000))
    return out


def _top(stats: pstats.Stats, sort: str, top: int) -> str:
    stream = io.StringIO()
    stats.stream = stream  # type: ignore[attr-defined]
    stats.sort_stats(sort).print_stats(top)
    return stream.getvalue().split("\n", 4)[-1]  # from the table's head on


def profile_in_process(left: str, right: str, n: int, top: int) -> None:
    from service.compare.router import _answer
    from service.compare.service import TextSource
    from service.core.sentences import sentence_spans
    from service.platform.config import Settings

    settings = Settings()
    sides = (TextSource(left), TextSource(right))
    for _ in range(10):
        _answer(*sides, [], settings, True, False)
    profiler = cProfile.Profile()
    for _ in range(n):
        sentence_spans.cache_clear()  # a new request's texts (bench_compare's rule)
        profiler.enable()
        _answer(*sides, [], settings, True, False)
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt / n * 1000  # type: ignore[attr-defined]
    print(f"in process: the route's work, {n} calls, {total:.2f} ms a call under cProfile")
    for label, ms in _stage_times(stats, n):
        print(f"  {label:<36} {ms:7.2f} ms  {100 * ms / total:5.1f}%")
    print(f"  top {top} by own time:")
    print(textwrap.indent(_top(stats, "tottime", top), "    "))


_CLIENT = """
import json, statistics, sys, time, httpx
url, n, body = sys.argv[1], int(sys.argv[2]), json.load(sys.stdin)
with httpx.Client(base_url=url, timeout=60) as c:
    for _ in range(20):
        c.post("/v1/compare", json=body).raise_for_status()
    print("START", flush=True)
    sys.stdin.close()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        c.post("/v1/compare", json=body).raise_for_status()
        times.append(time.perf_counter() - t)
print(f"{statistics.median(times) * 1000:.2f}")
"""


def profile_http(left: str, right: str, n: int, top: int) -> None:
    import json

    import uvicorn

    from tests.serving import free_port

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="sourcediff-profile-") as tmp:
        os.environ["SOURCEDIFF_DATABASE_URL"] = f"sqlite:///{tmp}/profile.db"
        os.environ.setdefault("SOURCEDIFF_HOST", "127.0.0.1")
        from service.platform.config import Settings
        from service.platform.db import make_engine, upgrade

        upgrade(make_engine(Settings().database_url))
        config = uvicorn.Config("service.main:app", host="127.0.0.1", port=port, access_log=False)
        server = uvicorn.Server(config)
        # cProfile profiles the thread that enables it: the loop's own task
        # enables it once the client's warm-up is over.
        loop_profiler = cProfile.Profile()
        warm = threading.Event()
        result: dict[str, str] = {}

        def drive() -> None:
            while not server.started:
                time.sleep(0.05)
            client = subprocess.Popen(
                [sys.executable, "-c", _CLIENT, f"http://127.0.0.1:{port}", str(n)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert client.stdin is not None and client.stdout is not None
            client.stdin.write(json.dumps({"left": {"text": left}, "right": {"text": right}}))
            client.stdin.close()
            assert client.stdout.readline().strip() == "START"
            warm.set()
            result["p50"] = client.stdout.read().strip()
            client.wait()
            server.should_exit = True

        async def watch() -> None:
            while not warm.is_set():
                await asyncio.sleep(0.01)
            loop_profiler.enable()
            while not server.should_exit:
                await asyncio.sleep(0.01)
            loop_profiler.disable()

        async def serve() -> None:
            watcher = asyncio.create_task(watch())
            await server.serve()
            await watcher

        threading.Thread(target=drive, daemon=True).start()
        asyncio.run(serve())
    stats = pstats.Stats(loop_profiler)
    total = stats.total_tt / n * 1000  # type: ignore[attr-defined]
    print(
        f"over HTTP: {n} sequential requests, client p50 {result.get('p50', '?')} ms "
        f"(under cProfile); the event loop's thread: {total:.2f} ms a request"
    )
    print(f"  top {top} by cumulative time on the event loop's thread:")
    print(textwrap.indent(_top(stats, "cumulative", top), "    "))
    print(f"  top {top} by own time on the event loop's thread:")
    print(textwrap.indent(_top(stats, "tottime", top), "    "))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200, help="calls and requests profiled (200)")
    ap.add_argument("--top", type=int, default=25, help="functions listed (25)")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared/ data directory")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--no-in-process", action="store_true")
    args = ap.parse_args(argv)
    left, right = build_articles(args.shared)
    if not args.no_in_process:
        profile_in_process(left, right, args.n, args.top)
    if not args.no_http:
        profile_http(left, right, args.n, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
