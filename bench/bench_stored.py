"""Benchmark comparing stored versions over HTTP: their quotations read back
from the database against extracted again from their texts.

    python bench/bench_stored.py                 # SQLite and PostgreSQL, 21 rounds
    python bench/bench_stored.py --rounds 41 --databases sqlite

Per database, a uvicorn this script starts (``tests/serving.py``, API keys
off) on a fresh scratch database stores bench_compare.py's two ~800-word
articles (built from ``shared/corpus``), then ``POST /v1/compare`` compares
them as stored sides (``{"article_id": …}``) over and over, in two modes
alternated round by round: ``stored``, where the versions carry the running
extractor's stamp and the quotations are read back, and ``extracted``, the
same versions stamped with another extractor, so each side's text is
extracted again as every compare did before the stamp existed. Each round
times one request of each mode as the client sees it, the mode going first
alternating too; printed per mode are the median and the minimum over the
rounds and their ratio, and both modes' answers must be the same bytes.
PostgreSQL is a scratch database on ``--postgres-url``'s server, dropped
afterwards (skipped with a message when the server cannot be reached).
The client and the server share this machine's CPUs: the figures are for
reading, and nothing asserts them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
from sqlalchemy import text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))  # tests/ (scratch databases, the server), service/
from bench_compare import build_articles  # noqa: E402

from service.core.quotes import EXTRACTOR  # noqa: E402
from service.platform.db import make_engine, upgrade  # noqa: E402
from tests.databases import postgres_unreachable, scratch_postgres, scratch_sqlite  # noqa: E402
from tests.serving import Server  # noqa: E402

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STALE = "0" * 16  # an extractor that is not this one


@contextmanager
def _database(kind: str, postgres_url: str) -> Iterator[str | None]:
    """A scratch database's URL, or ``None`` (with a message) when
    PostgreSQL cannot be reached."""
    if kind == "sqlite":
        with scratch_sqlite("bench-stored") as url:
            yield url
        return
    reason = postgres_unreachable(postgres_url)
    if reason is not None:
        print(f"postgres: skipped ({reason})")
        yield None
        return
    with scratch_postgres(postgres_url, "sourcediff_bench_stored") as url:
        yield url


def _store(client: httpx.Client, outlet: str, url: str, body: str) -> str:
    made = client.post("/v1/articles", json={"outlet": outlet, "url": url, "text": body})
    made.raise_for_status()
    article_id: str = made.json()["id"]
    return article_id


def measure(database_url: str, left: str, right: str, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per compare of the two stored articles, by mode."""
    engine = make_engine(database_url)
    upgrade(engine)
    timings: dict[str, list[float]] = {"stored": [], "extracted": []}
    answers: dict[str, bytes] = {}
    server: AbstractContextManager[Server] = Server(
        database_url, env={"SOURCEDIFF_AUTH_DISABLED": "1"}
    )
    with server as running, httpx.Client(base_url=running.url, timeout=120) as client:
        ids = [
            _store(client, "Wire", "https://wire.example/bench-stored", left),
            _store(client, "Daily", "https://daily.example/bench-stored", right),
        ]
        body = {"left": {"article_id": ids[0]}, "right": {"article_id": ids[1]}}

        def stamp(extractor: str) -> None:
            with engine.begin() as connection:
                connection.execute(
                    text("UPDATE versions SET extractor = :e WHERE article_id IN (:l, :r)"),
                    {"e": extractor, "l": ids[0], "r": ids[1]},
                )

        def compare(mode: str) -> float:
            stamp(EXTRACTOR if mode == "stored" else STALE)
            start = time.perf_counter()
            answer = client.post("/v1/compare", json=body)
            elapsed = (time.perf_counter() - start) * 1000
            answer.raise_for_status()
            if answers.setdefault(mode, answer.content) != answer.content:
                raise SystemExit(f"{mode}: the answer changed between rounds")
            return elapsed

        for mode in ("stored", "extracted"):  # warm both paths
            compare(mode)
        for i in range(rounds):
            order = ("stored", "extracted") if i % 2 == 0 else ("extracted", "stored")
            for mode in order:
                timings[mode].append(compare(mode))
    engine.dispose()
    if answers["stored"] != answers["extracted"]:
        raise SystemExit("the stored and the extracted paths answered differently")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    left, right = build_articles(args.shared)  # exits 2 naming missing corpus files
    print(f"two stored articles: {len(left.split())} and {len(right.split())} words")
    for kind in args.databases.split(","):
        with _database(kind, args.postgres_url) as url:
            if url is None:
                continue
            timings = measure(url, left, right, args.rounds)
        medians = {mode: statistics.median(t) for mode, t in timings.items()}
        lows = {mode: min(t) for mode, t in timings.items()}
        for mode in ("extracted", "stored"):
            print(
                f"{kind}: {mode:9} median {medians[mode]:7.1f} ms  min {lows[mode]:7.1f} ms"
                f"  ({args.rounds} rounds)"
            )
        print(
            f"{kind}: extracted / stored = {medians['extracted'] / medians['stored']:.2f} "
            f"(median), {lows['extracted'] / lows['stored']:.2f} (min); the same answers"
        )


if __name__ == "__main__":
    main()
