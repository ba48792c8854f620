"""Loopback load test: concurrent clients against a real uvicorn, per database.

    python bench/load.py                      # 20 s per scenario, 20 clients
    python bench/load.py --seconds 10
    python bench/load.py --no-postgres --scenarios compare

For each database (SQLite, then PostgreSQL) the script makes a scratch
database, migrates it (``service.platform.db.upgrade``), creates an API key
with the ``admin`` scope, and starts ``sourcediff serve --workers
2`` on 127.0.0.1 (``tests/serving.py``) with API keys on. Requests carry the
key, so every one is authenticated and counted against the key's rate limit
in the database, as in production; the limit is set far above what the run
can reach (``--rate-limit``) so that no request is refused for it. PostgreSQL
is a database created on ``--postgres-url``'s server (by default
127.0.0.1:5432 as user postgres) and dropped afterwards; when that server
cannot be reached its rows are skipped, with a line saying why.

Scenarios, each run for ``--seconds`` by ``--clients`` concurrent clients
(asyncio tasks sharing one httpx connection pool, one connection each), each
client sending its next request as soon as the previous one is answered:

- ``compare``: ``POST /v1/compare`` of two ~800-word articles (pairs built
  from ``shared/corpus/seeds`` and ``shared/corpus/dev``).
- ``ingest``: ``POST /v1/articles``, each client editing its own articles, so
  every request records a new version (201).
- ``reads``: ``GET /v1/articles/{id}``, ``…/versions``, ``…/versions/{n}``
  and ``…/diff`` in turn, over articles stored (three versions each) before
  the clock starts.

Printed per scenario and database: requests, errors (a status other than
2xx, or a transport error), p50 and p99 latency in milliseconds, and
requests per second; the reads also per route; then how the requests
spread over the workers (from the server's access log), how many of the
clients' connections each worker holds half way through (from /proc, on
Linux) and how much CPU the clients themselves used. The clients run on the same
machine as the server, sharing its CPUs: the figures are the whole loop's.
The run's exit status is 1 when any request failed, else 0. Each client is a
closed loop, so by Little's law its latency is about clients / throughput:
with 20 clients, a p99 under 100 ms needs the server to answer well over
200 requests per second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from itertools import chain
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from service.keys.service import create_key
from service.platform.db import make_engine, upgrade

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/serving.py, shared with the tests
from tests.databases import postgres_unreachable, scratch_postgres, scratch_sqlite  # noqa: E402
from tests.serving import Server  # noqa: E402

SHARED = REPO.parent / "shared"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SCENARIOS = ("compare", "ingest", "reads")
WORDS = 800
OUTLETS = ["The Wire", "Daily Ledger", "Morning Post", "Evening Standard", "Coast Herald"]
TENANT = "load"

# --------------------------------------------------------------------------
# Texts


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def source_articles(shared: Path) -> list[list[str]]:
    """The paragraphs of every seed and dev article."""
    sources = [
        _paragraphs(path.read_text("utf-8"))
        for path in sorted((shared / "corpus" / "seeds").glob("*.txt"))
    ]
    for path in sorted((shared / "corpus" / "dev").glob("*.json")):
        cluster = json.loads(path.read_text("utf-8"))
        sources += [_paragraphs(article["text"]) for article in cluster["articles"]]
    if not sources:
        print(
            f"corpus missing: no articles under {shared / 'corpus'} (pass --shared DIR)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return sources


def assemble(sources: list[list[str]], index: int, rng: random.Random) -> list[str]:
    """Article ``index``: source ``index`` from near its start, then paragraphs
    of the others, until it has about ``WORDS`` words."""
    first = sources[index % len(sources)]
    others = [p for s in sources if s is not first for p in s]
    paragraphs: list[str] = []
    start = rng.randrange(len(first) // 4 + 1)
    for paragraph in chain(first[start:], iter(lambda: rng.choice(others), None)):
        if sum(len(p.split()) for p in paragraphs) >= WORDS:
            break
        paragraphs.append(paragraph)
    return paragraphs


def compare_pairs(sources: list[list[str]], count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` compare bodies, each two different ~800-word articles that
    share some paragraphs (and so some quotations)."""
    bodies = []
    for i in range(count):
        left = assemble(sources, i, rng)
        right = assemble(sources, i + 1, rng)
        # Reuse a few of the left's paragraphs, reworded a little, so that
        # quotations match across the pair as in real coverage of one story.
        for at in rng.sample(range(len(right)), k=min(3, len(right))):
            borrowed = rng.choice(left).replace(" said", " told reporters", 1)
            right[at] = borrowed
        bodies.append(
            {
                "left": {"text": "\n\n".join(left), "outlet": OUTLETS[i % len(OUTLETS)]},
                "right": {"text": "\n\n".join(right), "outlet": OUTLETS[(i + 1) % len(OUTLETS)]},
            }
        )
    return bodies


class Story:
    """An article a client keeps updating: every ``next_body`` is a new version."""

    def __init__(self, url: str, outlet: str, paragraphs: list[str], pool: list[str]) -> None:
        self.url = url
        self.outlet = outlet
        self.paragraphs = paragraphs
        self.pool = pool
        self.edits = 0

    def next_body(self) -> dict[str, str]:
        self.edits += 1
        n = self.edits
        paragraphs = list(self.paragraphs)
        at = n % len(paragraphs)
        # A paragraph swapped and a dated line: a real edit, and never a repeat.
        paragraphs[at] = self.pool[(n * 7919) % len(self.pool)]
        paragraphs.append(f"This article was updated ({n}) with new information.")
        return {"outlet": self.outlet, "url": self.url, "text": "\n\n".join(paragraphs)}


# --------------------------------------------------------------------------
# Measuring


@dataclass(slots=True)
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, q: int) -> float:
        """The ``q``-th percentile latency, in milliseconds."""
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


@dataclass(slots=True)
class Outcome:
    seconds: float
    total: Tally
    by_route: dict[str, Tally]


Request = Callable[[httpx.AsyncClient, int, int], Awaitable[tuple[str, httpx.Response]]]


async def _drive(base_url: str, headers: dict[str, str], request: Request, args: Any) -> Outcome:
    """``args.clients`` closed loops of ``request`` for ``args.seconds``."""
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    total = Tally()
    by_route: dict[str, Tally] = {}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=60
    ) as http:
        # Warm-up: connections, imports and caches, outside the measurement.
        await asyncio.gather(*(request(http, n, -1) for n in range(args.clients)))
        deadline = time.perf_counter() + args.seconds

        async def client(n: int) -> None:
            i = 0
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                route = "?"
                failure: httpx.Response | httpx.HTTPError | None
                try:
                    route, response = await request(http, n, i)
                    failure = None if 200 <= response.status_code < 300 else response
                except httpx.HTTPError as exc:
                    failure = exc
                elapsed = time.perf_counter() - began
                tally = by_route.setdefault(route, Tally())
                for t in (total, tally):
                    t.latencies.append(elapsed)
                    if isinstance(failure, httpx.Response):
                        t.errors[f"{failure.status_code} {failure.text[:160]}"] += 1
                    elif failure is not None:
                        t.errors[f"{type(failure).__name__}: {failure}"[:200]] += 1
                i += 1

        began = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(args.clients)))
        seconds = time.perf_counter() - began
    return Outcome(seconds, total, by_route)


# --------------------------------------------------------------------------
# Scenarios


def compare_scenario(bodies: list[dict[str, Any]]) -> Request:
    async def request(http: httpx.AsyncClient, n: int, i: int) -> tuple[str, httpx.Response]:
        body = bodies[(n + max(i, 0)) % len(bodies)]
        return "POST /v1/compare", await http.post("/v1/compare", json=body)

    return request


def ingest_scenario(stories: list[list[Story]]) -> Request:
    async def request(http: httpx.AsyncClient, n: int, i: int) -> tuple[str, httpx.Response]:
        mine = stories[n]
        body = mine[max(i, 0) % len(mine)].next_body()
        return "POST /v1/articles", await http.post("/v1/articles", json=body)

    return request


READ_ROUTES = (
    ("GET /v1/articles/{id}", "/v1/articles/{id}"),
    ("GET /v1/articles/{id}/versions", "/v1/articles/{id}/versions"),
    ("GET /v1/articles/{id}/versions/{n}", "/v1/articles/{id}/versions/{n}"),
    ("GET /v1/articles/{id}/diff", "/v1/articles/{id}/diff"),
)


def reads_scenario(article_ids: list[str], versions: int) -> Request:
    async def request(http: httpx.AsyncClient, n: int, i: int) -> tuple[str, httpx.Response]:
        step = n + max(i, 0)
        label, template = READ_ROUTES[step % len(READ_ROUTES)]
        article_id = article_ids[(step // len(READ_ROUTES)) % len(article_ids)]
        path = template.format(id=article_id, n=1 + step % versions)
        return label, await http.get(path)

    return request


# --------------------------------------------------------------------------
# Databases and the server


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A new database on ``admin_url``'s server; dropped after."""
    with scratch_postgres(admin_url, "sourcediff_load") as url:
        yield url


def prepare(database_url: str) -> str:
    """Migrate the database and create an admin key in it; the key."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            key = create_key(session, TENANT, "bench/load.py", ["admin"]).key
            session.commit()
    finally:
        engine.dispose()
    return key


def store_articles(
    base_url: str, headers: dict[str, str], bodies: list[list[dict[str, str]]]
) -> list[str]:
    """Each list of bodies as the successive versions of one article; their ids."""
    ids = []
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        for versions in bodies:
            for body in versions:
                response = http.post("/v1/articles", json=body)
                if response.status_code != 201:
                    raise SystemExit(f"storing failed: {response.status_code} {response.text}")
            ids.append(response.json()["id"])
    return ids


def worker_share(log: Path, offset: int) -> Counter[int]:
    """Requests answered per worker (pid) in the server's log past ``offset``."""
    counts: Counter[int] = Counter()
    with log.open("rb") as f:
        f.seek(offset)
        for line in f:
            if line.startswith(b"{") and b'"sourcediff.access"' in line:
                with contextlib.suppress(ValueError):
                    counts[json.loads(line)["pid"]] += 1
    return counts


def _children(pid: int) -> list[int]:
    """The server's workers: its children but multiprocessing's resource tracker."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(p) for p in path.read_text().split()] if path.exists() else []
    return [c for c in children if b"resource_tracker" not in _cmdline(c)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def connections_per_worker(server_pid: int, port: int) -> dict[int, int]:
    """Established connections to ``port`` held by each worker (pid) of the
    server ``server_pid`` now, read from /proc (Linux; empty elsewhere): the
    kernel's table of TCP sockets by inode, and each worker's open files."""
    local = f":{port:04X}"
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                # local address, remote address, state (01: established), … inode
                if fields[1].endswith(local) and fields[3] == "01":
                    inodes.add(fields[9])
    counts: dict[int, int] = {}
    for worker in _children(server_pid):
        held = 0
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{worker}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:[") and target[8:-1] in inodes:
                        held += 1
        counts[worker] = held
    return counts


def _sample(into: dict[int, int], server_pid: int, port: int) -> None:
    into.update(connections_per_worker(server_pid, port))


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------
# Report


def _ms(value: float) -> str:
    return f"{value:8.1f}"


def row(database: str, scenario: str, outcome: Outcome, tally: Tally | None = None) -> str:
    t = tally or outcome.total
    errors = sum(t.errors.values())
    return (
        f"{database:<9} {scenario:<36} {t.requests:>8,} {errors:>6}"
        f" {_ms(t.percentile(50))} {_ms(t.percentile(99))} {t.requests / outcome.seconds:>8.1f}"
    )


HEADER = (
    f"{'database':<9} {'scenario':<36} {'requests':>8} {'errors':>6}"
    f" {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}"
)


def compare_target(
    name: str, outcome: Outcome, shares: Counter[int], args: argparse.Namespace
) -> str:
    """Issue 18's load target: the compare scenario at p99 under 100 ms, with
    no error and every worker answering some of it."""
    p99, errors = outcome.total.percentile(99), sum(outcome.total.errors.values())
    spread = len(shares) >= args.workers
    met = p99 < 100 and errors == 0 and spread
    return (
        f"target: {args.clients} clients, {args.workers} workers, compare, {name}: p99 under "
        f"100 ms, 0 errors, every worker answering: p99 {p99:.1f} ms, {errors} errors, "
        f"{len(shares)} of {args.workers} workers answered, " + ("met" if met else "not met")
    )


def run_database(name: str, database_url: str, args: argparse.Namespace) -> list[Outcome]:
    key = prepare(database_url)
    headers = {"Authorization": f"Bearer {key}"}
    rng = random.Random(args.seed)
    sources = source_articles(args.shared)
    pool = [p for s in sources for p in s if len(p.split()) > 12]
    run_id = uuid.uuid4().hex[:8]
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="sourcediff-load-") as tmp:
        metrics_dir, log = Path(tmp) / "metrics", Path(tmp) / "server.log"
        metrics_dir.mkdir()
        env = {
            "SOURCEDIFF_AUTH_DISABLED": "0",
            "SOURCEDIFF_RATE_LIMIT_PER_MINUTE": str(args.rate_limit),
            # As in the Docker image: the workers share their metrics.
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
        with Server(database_url, workers=args.workers, env=env, log=log) as server:
            for scenario in args.scenarios:
                if scenario == "compare":
                    request = compare_scenario(compare_pairs(sources, 8, rng))
                elif scenario == "ingest":
                    stories = [
                        [
                            Story(
                                f"https://load.example/{run_id}/c{n:02d}/{j}",
                                OUTLETS[(n + j) % len(OUTLETS)],
                                assemble(sources, n * 3 + j, rng),
                                pool,
                            )
                            for j in range(3)
                        ]
                        for n in range(args.clients)
                    ]
                    request = ingest_scenario(stories)
                else:
                    stored = [
                        Story(
                            f"https://load.example/{run_id}/read/{j}",
                            OUTLETS[j % len(OUTLETS)],
                            assemble(sources, j, rng),
                            pool,
                        )
                        for j in range(args.clients)
                    ]
                    ids = store_articles(
                        server.url, headers, [[s.next_body() for _ in range(3)] for s in stored]
                    )
                    request = reads_scenario(ids, 3)
                offset, cpu = log.stat().st_size, client_cpu()
                # Who holds the clients' connections, half way through.
                held: dict[int, int] = {}
                sampler = threading.Timer(
                    args.seconds / 2,
                    partial(_sample, held, server.process.pid, server.port),
                )
                sampler.start()
                outcome = asyncio.run(_drive(server.url, headers, request, args))
                sampler.join()
                cpu = client_cpu() - cpu
                outcomes.append(outcome)
                print(row(name, scenario, outcome), flush=True)
                if scenario == "reads":
                    for label, _ in READ_ROUTES:
                        if label in outcome.by_route:
                            print(row("", f"  {label}", outcome, outcome.by_route[label]))
                for error, count in outcome.total.errors.most_common(3):
                    print(f"{'':<9}   {count}x {error}")
                shares = worker_share(log, offset)
                answered = sum(shares.values()) or 1
                print(
                    f"{'':<9}   requests per worker: "
                    + ", ".join(f"{100 * n / answered:.0f}%" for _, n in shares.most_common())
                    + f"; the clients used {cpu:.1f} s of CPU in {outcome.seconds:.1f} s"
                )
                print(
                    f"{'':<9}   connections per worker half way: "
                    + (", ".join(str(n) for n in sorted(held.values(), reverse=True)) or "unknown")
                )
                if scenario == "compare":
                    print(compare_target(name, outcome, shares, args))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="per scenario (20)")
    ap.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (2)")
    ap.add_argument(
        "--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS), metavar="NAME"
    )
    ap.add_argument(
        "--rate-limit",
        type=int,
        default=100_000_000,
        help="the key's requests per minute: counted, never reached (100,000,000)",
    )
    ap.add_argument("--postgres-url", default=POSTGRES_URL, help="an existing database there")
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared/ data directory")
    ap.add_argument("--seed", type=int, default=7, help="for the texts (7)")
    args = ap.parse_args(argv)
    if args.seconds <= 0 or args.clients < 1 or args.workers < 1:
        ap.error("--seconds must be positive, --clients and --workers at least 1")

    print(
        f"load: {args.clients} clients, {args.seconds:g} s per scenario; "
        f"uvicorn {version('uvicorn')} service.main:app, {args.workers} workers, API keys on "
        f"(rate limit {args.rate_limit:,}/min, counted); {os.cpu_count()} CPUs shared with "
        f"the clients; Python {sys.version.split()[0]}"
    )
    print(HEADER)
    databases: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [
        ("sqlite", partial(scratch_sqlite, "sourcediff-load"))
    ]
    if args.no_postgres:
        print("postgres  skipped (--no-postgres)")
    elif (reason := postgres_unreachable(args.postgres_url)) is not None:
        print(f"postgres  skipped: not reachable at {args.postgres_url}: {reason}")
    else:
        databases.append(("postgres", lambda: postgres_database(args.postgres_url)))

    failed = 0
    for name, database in databases:
        with database() as url:
            failed += sum(sum(o.total.errors.values()) for o in run_database(name, url, args))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
