"""Where the milliseconds of one ingest go: ``record_version`` in process,
on a real SQLite file and on PostgreSQL, the versions ``bench/bench_ingest.py``
sends (each a small edit of the one before, so every one is new).

    python bench/profile_ingest.py --shared ../shared
    python bench/profile_ingest.py --versions 400 --top 25 --no-postgres
    python bench/profile_ingest.py --tree /tmp/before   # another checkout's code

``--tree`` profiles another checkout's ``service`` package (a baseline)
with the same script and the same texts. Per database: the versions are
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

if "--tree" in sys.argv[:-1]:
    # Before ``service`` is imported: that checkout's code, not this one's.
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--tree") + 1]).resolve()))

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


def _record_all(url: str, work: list[Submission], settings: Settings) -> tuple[float, float]:
    """Wall and CPU seconds (this process's, which waiting for the disk or
    for a CPU on a busy machine does not add to) of recording ``work``."""
    engine = make_engine(url)
    try:
        began, cpu = time.perf_counter(), time.process_time()
        for submission in work:
            recorded = record_version(engine, "default", submission, settings)
            assert recorded.created
        return time.perf_counter() - began, time.process_time() - cpu
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
    ap.add_argument("--repeat", type=int, default=1, help="runs without the profiler (1)")
    ap.add_argument("--top", type=int, default=20, help="functions listed by own time (20)")
    ap.add_argument("--postgres-url", default=POSTGRES_URL)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--tree", type=Path, help="another checkout whose code to profile")
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
        runs = []
        for _ in range(args.repeat):
            with _migrated(database) as url:
                wall, cpu = _record_all(url, work, settings)
                runs.append((cpu / len(work) * 1000, wall / len(work) * 1000))
        shown = ", ".join(f"{cpu:.2f} ({wall:.2f})" for cpu, wall in runs)
        print(f"\n{name}: ms a version, CPU (wall), without the profiler: {shown}")
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
