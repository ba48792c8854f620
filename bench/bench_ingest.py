"""Benchmark ingest: ``POST /v1/articles`` against a real uvicorn, per database.

    python bench/bench_ingest.py                         # 10,000 versions
    python bench/bench_ingest.py --versions 2000 --clients 8
    python bench/bench_ingest.py --no-postgres
    python bench/bench_ingest.py --versions 2000 --baseline-tree /tmp/before

Four runs, each on a fresh, empty database served by a uvicorn this script
starts (``tests/serving.py``, API keys off): SQLite sequentially (one client), SQLite with
``--clients`` concurrent clients, then the same on PostgreSQL. PostgreSQL
is a scratch database created on ``--postgres-url``'s server (by default
127.0.0.1:5432 as user postgres), migrated, and dropped afterwards; when the
server cannot be reached those two runs are skipped with a message.

The texts are realistic: ~600-word articles assembled deterministically from
the seed pair (``shared/corpus/seeds``) and the dev clusters
(``shared/corpus/dev``), each version a small edit of the one before (a
word replaced, a sentence added or dropped), so every submission records a
new version (201). Every article belongs to one client; a client cycles
through its articles, one version each, in order.

Printed per run: versions/s (versions over the wall time of the run),
p50 and p99 latency of one request as the client sees it, then the ratio of
concurrent to sequential throughput per database.

``--baseline-tree DIR`` adds, per database, the concurrent run again on
the code of another checkout (``git archive COMMIT | tar -x -C DIR``; its
server runs from there, on a database its own migrations made), the two
alternated over ``--rounds`` rounds, and prints issue 18's target: this
tree's versions/s at least twice the baseline's. Client threads and the
server share this machine's CPUs: the figures are for reading, and nothing
asserts them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from itertools import chain
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/serving.py, shared with the tests
from tests.databases import postgres_unreachable, scratch_postgres, scratch_sqlite  # noqa: E402
from tests.serving import Server  # noqa: E402

SHARED = REPO.parent / "shared"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
WORDS = 600
OUTLETS = ["The Wire", "Daily Ledger", "Morning Post", "Evening Standard", "Coast Herald"]

# --------------------------------------------------------------------------
# Texts


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])", paragraph) if s]


def source_articles(shared: Path) -> list[list[str]]:
    """The paragraphs of every seed and dev article; without them it says
    which directories are missing and exits 2."""
    folders = [shared / "corpus" / "seeds", shared / "corpus" / "dev"]
    if missing := [str(p) for p in folders if not p.is_dir()]:
        print(f"corpus missing: {', '.join(missing)} (pass --shared DIR)", file=sys.stderr)
        raise SystemExit(2)
    sources = [
        _paragraphs(path.read_text("utf-8"))
        for path in sorted((shared / "corpus" / "seeds").glob("*.txt"))
    ]
    for path in sorted((shared / "corpus" / "dev").glob("*.json")):
        cluster = json.loads(path.read_text("utf-8"))
        sources += [_paragraphs(article["text"]) for article in cluster["articles"]]
    return sources


class Article:
    """One article's text as paragraphs, edited a little at a time."""

    def __init__(self, paragraphs: list[str], rng: random.Random, pool: list[str]) -> None:
        self.paragraphs = paragraphs
        self.rng = rng
        self.pool = pool  # sentences an edit may add
        self.vocabulary = sorted({w for p in paragraphs for w in p.split() if w.isalpha()})

    @classmethod
    def assemble(
        cls, sources: list[list[str]], index: int, rng: random.Random, pool: list[str]
    ) -> Article:
        """Article ``index``: one source from near its start, then paragraphs
        of the others, to about ``WORDS`` words."""
        first = sources[index % len(sources)]
        others = [p for s in sources if s is not first for p in s]
        paragraphs: list[str] = []
        start = rng.randrange(len(first) // 3 + 1)
        for paragraph in chain(first[start:], iter(lambda: rng.choice(others), None)):
            if sum(len(p.split()) for p in paragraphs) >= WORDS:
                break
            paragraphs.append(paragraph)
        return cls(paragraphs, rng, pool)

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def edit(self) -> None:
        """A small edit, as newsrooms make: a word, or one sentence more or less."""
        rng = self.rng
        at = rng.randrange(len(self.paragraphs))
        sentences = _sentences(self.paragraphs[at])
        choice = rng.random()
        if (choice < 0.2 or self.words > WORDS + 60) and len(sentences) > 1:
            del sentences[rng.randrange(len(sentences))]
        elif choice < 0.4 or self.words < WORDS - 60:
            sentences.insert(rng.randint(0, len(sentences)), rng.choice(self.pool))
        else:
            words = self.paragraphs[at].split()
            i = rng.randrange(len(words))
            words[i] = rng.choice([w for w in self.vocabulary if w != words[i]] or ["update"])
            sentences = [" ".join(words)]
        self.paragraphs[at] = " ".join(sentences)


@dataclass(frozen=True, slots=True)
class Submission:
    client: int
    body: dict[str, str]


def submissions(
    shared: Path, versions: int, per_article: int, clients: int, *, seed: int = 7
) -> list[Submission]:
    """``versions`` submissions, ``per_article`` versions per article (the last
    article takes the remainder), round-robin over the articles; article
    ``i`` belongs to client ``i % clients``."""
    rng = random.Random(seed)
    sources = source_articles(shared)
    pool = [s for source in sources for p in source for s in _sentences(p) if len(s.split()) > 5]
    n_articles = -(-versions // per_article)
    articles = [Article.assemble(sources, i, rng, pool) for i in range(n_articles)]
    prefix = f"https://bench.example/{uuid.uuid4().hex[:8]}"
    out: list[Submission] = []
    for round_ in range(per_article):
        for i, article in enumerate(articles):
            if round_ >= versions - i * per_article:
                continue  # the last article's remainder is used up
            if round_:
                article.edit()
            body = {
                "outlet": OUTLETS[i % len(OUTLETS)],
                "url": f"{prefix}/{i:05d}",
                "text": article.text,
            }
            out.append(Submission(i % clients, body))
    return out


# --------------------------------------------------------------------------
# Runs


@dataclass(frozen=True, slots=True)
class Result:
    versions: int
    seconds: float
    latencies: list[float]
    failures: list[str]

    @property
    def per_second(self) -> float:
        return self.versions / self.seconds

    def percentile(self, q: int) -> float:
        """The ``q``-th percentile latency, in milliseconds."""
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


def run(base_url: str, work: list[Submission], clients: int) -> Result:
    """Post ``work``, each client its own share in order, all starting together."""
    shares: list[list[Submission]] = [[] for _ in range(clients)]
    for submission in work:
        shares[submission.client % clients].append(submission)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []
    start = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        try:
            with httpx.Client(base_url=base_url, timeout=60) as http:
                http.get("/healthz")  # connect before the clock starts
                start.wait()
                for submission in shares[n]:
                    began = time.perf_counter()
                    response = http.post("/v1/articles", json=submission.body)
                    latencies[n].append(time.perf_counter() - began)
                    if response.status_code != 201:
                        failures.append(f"{response.status_code} {response.text[:200]}")
        except (httpx.HTTPError, threading.BrokenBarrierError) as exc:
            failures.append(repr(exc))
            start.abort()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    # A client that failed to connect broke the barrier and reported it.
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return Result(len(work), seconds, [x for xs in latencies for x in xs], failures)


def warm_up(base_url: str, shared: Path) -> None:
    """Imports, caches and the first connections, outside the measurement."""
    for submission in submissions(shared, 20, 5, 1, seed=1):
        httpx.post(f"{base_url}/v1/articles", json=submission.body, timeout=60)


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """An empty scratch database on ``admin_url``'s server; dropped after."""
    with scratch_postgres(admin_url, "sourcediff_bench") as url:
        yield url


def migrate_with(tree: Path, database_url: str) -> None:
    """Migrate ``database_url`` with ``tree``'s code and migrations (the
    databases are made empty: a baseline's migrations know none newer)."""
    subprocess.run(
        [sys.executable, "-m", "service.cli", "db", "upgrade", "--database-url", database_url],
        cwd=tree,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def bench(
    database_url: str,
    work: list[Submission],
    clients: int,
    args: argparse.Namespace,
    tree: Path | None = None,
) -> Result:
    """``work`` sent by ``clients`` to a server of this checkout, or of ``tree``."""
    # No API keys: the figures are the ingest path's, not the key check's.
    env = {"SOURCEDIFF_AUTH_DISABLED": "1"}
    migrate_with(tree or REPO, database_url)
    with Server(database_url, workers=args.workers, env=env, cwd=tree) as server:
        warm_up(server.url, args.shared)
        result = run(server.url, work, clients)
    if result.failures:
        raise SystemExit(
            f"{len(result.failures)} submissions were not recorded, first: {result.failures[0]}"
        )
    return result


def row(database: str, clients: int, result: Result) -> str:
    return (
        f"{database:<10} {clients:>7} {result.versions:>9,} {result.seconds:>8.2f}"
        f" {result.per_second:>11.1f} {result.percentile(50):>8.2f} {result.percentile(99):>8.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--versions", type=int, default=10_000, help="versions per run (10,000)")
    ap.add_argument("--per-article", type=int, default=20, help="versions per article (20)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1)")
    ap.add_argument("--postgres-url", default=POSTGRES_URL, help="an existing database there")
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared/ data directory")
    ap.add_argument("--baseline-tree", type=Path, help="another checkout to compare with")
    ap.add_argument("--rounds", type=int, default=2, help="baseline rounds, alternated (2)")
    args = ap.parse_args(argv)
    if args.versions < 2 or args.clients < 1 or args.per_article < 1:
        ap.error("--versions must be at least 2, --clients and --per-article at least 1")

    sequential = submissions(args.shared, args.versions, args.per_article, 1)
    concurrent = submissions(args.shared, args.versions, args.per_article, args.clients)
    words = [len(s.body["text"].split()) for s in sequential]
    print(
        f"ingest: {args.versions:,} versions of {-(-args.versions // args.per_article):,} articles "
        f"({args.per_article} each), {min(words)}-{max(words)} words "
        f"(mean {statistics.fmean(words):.0f}), every one a new version"
    )
    print(
        f"server: uvicorn {version('uvicorn')} service.main:app, {args.workers} worker(s), "
        f"{os.cpu_count()} CPUs shared with the clients; Python {sys.version.split()[0]}"
    )
    print(
        f"{'database':<10} {'clients':>7} {'versions':>9} {'wall s':>8} "
        f"{'versions/s':>11} {'p50 ms':>8} {'p99 ms':>8}"
    )

    ratios: list[str] = []
    databases: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [
        ("sqlite", partial(scratch_sqlite, "sourcediff-bench"))
    ]
    if args.no_postgres:
        print("postgres: skipped (--no-postgres)")
    elif (reason := postgres_unreachable(args.postgres_url)) is not None:
        print(f"postgres: skipped, not reachable at {args.postgres_url}: {reason}")
    else:
        databases.append(("postgres", lambda: postgres_database(args.postgres_url)))

    for name, database in databases:
        results = []
        for clients, work in ((1, sequential), (args.clients, concurrent)):
            with database() as url:
                result = bench(url, work, clients, args)
            print(row(name, clients, result), flush=True)
            results.append(result)
        ratio = results[1].per_second / results[0].per_second
        ratios.append(f"{name} {ratio:.2f}x")
        if args.baseline_tree is not None:
            against_baseline(name, database, concurrent, args)
    print(f"throughput, {args.clients} clients / 1 client: " + ", ".join(ratios))
    return 0


def against_baseline(
    name: str,
    database: Callable[[], AbstractContextManager[str]],
    work: list[Submission],
    args: argparse.Namespace,
) -> None:
    """The concurrent run on this checkout and on ``args.baseline_tree``,
    alternated, and issue 18's ingest target (at least 2x the baseline)."""
    tree = args.baseline_tree.resolve()
    best: dict[str, float] = {"this": 0.0, "baseline": 0.0}
    for round_ in range(args.rounds):
        order = ["this", "baseline"] if round_ % 2 == 0 else ["baseline", "this"]
        for which in order:
            with database() as url:
                result = bench(url, work, args.clients, args, tree if which == "baseline" else None)
            best[which] = max(best[which], result.per_second)
            print(f"{row(name, args.clients, result)}  ({which})", flush=True)
    ratio = best["this"] / best["baseline"]
    print(
        f"target: ingest, {args.clients} clients, {name}: at least 2x the baseline's versions/s: "
        f"{best['this']:.1f} against {best['baseline']:.1f} ({tree}), {ratio:.2f}x, "
        + ("met" if ratio >= 2 else "not met")
    )


if __name__ == "__main__":
    sys.exit(main())
