"""Where the milliseconds of one ingest go: ``record_version`` in process,
on a real SQLite file and on PostgreSQL, the versions ``bench/bench_ingest.py``
sends (each a small edit of the one before, so every one is new).

    python bench/profile_ingest.py --shared ../shared
    python bench/profile_ingest.py --versions 400 --top 25 --no-postgres
    cd /tmp/before && PYTHONPATH=$PWD python /path/to/bench/profile_ingest.py ...

It runs whatever ``service`` package is first on the path, so the same
script profiles a baseline checkout too. Per database: the versions are
recorded once without the profiler (wall time per version: the figure to
compare), then again on a fresh database under ``cProfile``, summed by
stage (extraction, the quote index's writes, the other statements, the
commit) and the top functions by own time. cProfile adds its own overhead
to every Python call, so read its shares, not its absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from bench_ingest import POSTGRES_URL, SHARED, submissions  # noqa: E402

from service.articles.service import Submission, record_version  # noqa: E402
from service.platform.config import Settings  # noqa: E402
from service.platform.db import make_engine, upgrade  # noqa: E402
from tests.databases import postgres_unreachable, scratch_postgres, scratch_sqlite  # noqa: E402

# Stages: (label, file fragment, function name), each the cumulative time
# of its outermost call; nested labels are parts of the one above.
STAGES = [
    ("record_version (all)", "articles/service.py", "record_version"),
    ("  quotations found (extraction, shingling)", "articles/service.py", "quotations"),
    ("  the read before the transaction", "articles/service.py", "_is_latest"),
    ("  the transaction's step", "articles/service.py", "_record_once"),
    ("    quotations filed (quotes, shingles, demotion)", "quotes/service.py", "file_quotes"),
    ("  commit", "orm/session.py", "commit"),
]


def _stage_times(stats: pstats.Stats) -> dict[str, float]:
    found: dict[str, float] = {}
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, dict[object, object]]]
    raw = stats.stats  # type: ignore[attr-defined]
    for label, fragment, name in STAGES:
        found[label] = sum(
            cumulative
            for (path, _, function), (_, _, _, cumulative, _) in raw.items()
            if function == name and fragment in path
        )
    return found


def _record_all(url: str, work: list[Submission], settings: Settings) -> float:
    engine = make_engine(url)
    try:
        began = time.perf_counter()
        for submission in work:
            recorded = record_version(engine, "default", submission, settings)
            assert recorded.created
        return time.perf_counter() - began
    finally:
        engine.dispose()


@contextmanager
def _migrated(database: Callable[[], AbstractContextManager[str]]) -> Iterator[str]:
    with database() as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--versions", type=int, default=400, help="versions recorded (400)")
    ap.add_argument("--top", type=int, default=20, help="functions listed by own time (20)")
    ap.add_argument("--postgres-url", default=POSTGRES_URL)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared/ data directory")
    args = ap.parse_args(argv)

    settings = Settings()
    work = [
        Submission(outlet=s.body["outlet"], url=s.body["url"], text=s.body["text"])
        for s in submissions(args.shared, args.versions, 20, 1)
    ]
    databases: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [
        ("sqlite", lambda: scratch_sqlite("sourcediff-profile"))
    ]
    if not args.no_postgres and postgres_unreachable(args.postgres_url) is None:
        databases.append(("postgres", lambda: scratch_postgres(args.postgres_url, "sd_profile")))
    import service

    print(f"service from {Path(service.__file__).parent}; {len(work)} versions, one client")
    for name, database in databases:
        with _migrated(database) as url:
            _record_all(url, work[:5], settings)  # imports, caches
        with _migrated(database) as url:
            seconds = _record_all(url, work, settings)
        print(f"\n{name}: {seconds / len(work) * 1000:.2f} ms a version (no profiler)")
        profiler = cProfile.Profile()
        with _migrated(database) as url:
            profiler.enable()
            _record_all(url, work, settings)
            profiler.disable()
        stats = pstats.Stats(profiler)
        for label, total in _stage_times(stats).items():
            print(f"  {label:<52} {total / len(work) * 1000:7.2f} ms")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        body = out.getvalue()
        print(body[body.find("   ncalls") :].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
