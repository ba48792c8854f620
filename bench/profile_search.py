"""Where the milliseconds of a quote search go, at archive scale: a profile of
``search_quotes`` and of the page's JSON in process, on a database that
``bench/bench_search.py --keep DIR`` loaded and kept.

    python bench/bench_search.py --sizes 1000000 --databases sqlite --keep /tmp/keep
    python bench/profile_search.py --keep /tmp/keep                 # 1,000,000 quotations
    python bench/profile_search.py --keep /tmp/keep --slowest 20 --top 25
    python bench/profile_search.py --keep /tmp/keep --sqlite-mmap 0  # as before mmap
    python bench/profile_search.py --keep /tmp/keep --models  # page as models, as before
    python bench/bench_search.py --sizes 1000000 --databases postgres --keep /tmp/keep
    python bench/profile_search.py --keep /tmp/keep --postgres

The kept database is copied to a scratch directory first (nothing is
written to it). Every timed query of the bench runs once, untimed (the
bench's warm-up queries before them); then the ``--slowest`` of them,
by that run's time, run again under ``cProfile``, summed by stage (the
index look-up, scoring, reading the page's rows, labels, relations, the
page's JSON) with the top functions by own time. Figures printed: the
whole run's p50 and p99 (route work: ``search_quotes`` and the page
written as the route writes it) and each stage's share of the slow ones.

cProfile adds its own overhead to every Python call: read the shares, not
the absolute times.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_search import POSTGRES_URL, kept  # noqa: E402
from sqlmodel import Session  # noqa: E402

from service.platform.config import DEFAULT_TENANT, SQLITE_MMAP_BYTES  # noqa: E402
from service.platform.db import make_engine  # noqa: E402
from service.quotes.schemas import SearchPage, search_json  # noqa: E402
from service.quotes.service import search_quotes  # noqa: E402
from tests.databases import scratch_postgres  # noqa: E402

# Stages: (label, file fragment, function name), each the cumulative time of
# its outermost call.
STAGES = [
    ("index look-up (QuoteRepository.sharing)", "quotes/repository.py", "sharing"),
    ("scoring (search_scores)", "alignment/shingles.py", "search_scores"),
    ("page's rows (QuoteRepository.read)", "quotes/repository.py", "read"),
    ("labels (articles.labels)", "articles/service.py", "labels"),
    ("relations (judge_keys)", "quotes/service.py", "_relations"),
    ("page's JSON (search_json)", "quotes/schemas.py", "search_json"),
    ("page's JSON (--models: SearchPage.of)", "quotes/schemas.py", "of"),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, required=True, help="bench_search.py's --keep directory")
    ap.add_argument("--size", type=int, default=1_000_000, help="quotations (1,000,000)")
    ap.add_argument("--seed", type=int, default=7, help="bench_search.py's --seed (7)")
    ap.add_argument("--slowest", type=int, default=20, help="queries profiled (20)")
    ap.add_argument("--top", type=int, default=20, help="functions listed (20)")
    ap.add_argument("--limit", type=int, default=100, help="page size (100)")
    ap.add_argument(
        "--models",
        action="store_true",
        help="write the page as before: SearchPage.of(results), then its JSON",
    )
    ap.add_argument(
        "--postgres",
        action="store_true",
        help="on PostgreSQL: a copy of the template database bench_search.py --keep kept there",
    )
    ap.add_argument("--postgres-url", default=POSTGRES_URL, help="that server (%(default)s)")
    ap.add_argument("--sqlite-mmap", type=int, default=SQLITE_MMAP_BYTES, help="PRAGMA mmap_size")
    args = ap.parse_args(argv)
    keeping = kept(args.keep, args.size, args.seed)
    if (not args.postgres and not keeping.sqlite.exists()) or not keeping.queries.exists():
        ap.error(
            f"{keeping.sqlite} or {keeping.queries} missing: run bench_search.py with "
            f"--keep {args.keep}"
        )
    queries = json.loads(keeping.queries.read_text())
    with contextlib.ExitStack() as stack:
        if args.postgres:
            # A copy of the database bench_search.py --keep kept as a template.
            url = stack.enter_context(
                scratch_postgres(
                    args.postgres_url, "sourcediff_profile_search", template=keeping.postgres
                )
            )
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="sourcediff-profile-"))
            copy = Path(tmp) / "search.db"
            shutil.copyfile(keeping.sqlite, copy)
            url = f"sqlite:///{copy}"
        os.sync()  # the copy on disk before anything is timed
        engine = make_engine(url, sqlite_mmap_bytes=args.sqlite_mmap)

        def once(q: str) -> bytes:
            with Session(engine) as session:
                results = search_quotes(
                    session,
                    DEFAULT_TENANT,
                    q,
                    min_score=80,
                    scope="latest",
                    cursor=None,
                    limit=args.limit,
                )
                if args.models:
                    return SearchPage.of(results).model_dump_json().encode()
                return search_json(results)

        for q in queries["warm"]:
            once(q)
        # As a server process does once started (service/http/app.py).
        gc.collect()
        gc.freeze()
        seconds = {}
        for q in queries["queries"]:
            began = time.perf_counter()
            once(q)
            seconds[q] = time.perf_counter() - began
        ms = [s * 1000 for s in seconds.values()]
        print(
            f"{len(ms)} queries at {args.size:,} quotations ("
            + ("PostgreSQL" if args.postgres else f"SQLite, mmap_size {args.sqlite_mmap}")
            + f"): p50 {statistics.median(ms):.2f} ms, p99 "
            f"{percentile(ms, 0.99):.2f} ms, max {max(ms):.2f} ms"
        )
        slowest = sorted(seconds, key=seconds.__getitem__, reverse=True)[: args.slowest]
        for q in slowest[:3]:
            print(f"  {seconds[q] * 1000:7.2f} ms  {q[:90]!r}")
        profile = cProfile.Profile()
        profile.enable()
        for q in slowest:
            once(q)
        profile.disable()
        engine.dispose()
    stats = pstats.Stats(profile)
    whole = max(
        (cum for (_, _, name), (_, _, _, cum, _) in stats.stats.items() if name == "once"),  # type: ignore[attr-defined]
        default=0.0,
    )
    print(f"the {len(slowest)} slowest again, under cProfile: {whole * 1000:.1f} ms in all")
    for label, fragment, function in STAGES:
        cum = max(
            (
                c
                for (file, _, name), (_, _, _, c, _) in stats.stats.items()  # type: ignore[attr-defined]
                if name == function and fragment in file
            ),
            default=0.0,
        )
        print(f"  {label:<42} {cum * 1000:8.1f} ms  {cum / whole:6.1%}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
