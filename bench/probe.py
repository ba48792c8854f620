"""Hostile-input probe: replay issue 15's categories against a real server.

    .venv/bin/python bench/probe.py                 # SQLite, then PostgreSQL
    .venv/bin/python bench/probe.py --no-postgres --quick

For each database the script makes a scratch database, migrates it, creates
an ``admin`` API key and starts ``sourcediff serve`` on 127.0.0.1 with API
keys on (``tests/serving.py``), fetching allowed to 127.0.0.1 only (a local
page server stands in for the web). Then:

- **Bad inputs.** Every JSON endpoint gets malformed, empty, mistyped,
  oversize, deeply nested, NUL-bearing and invalid-UTF-8 bodies; every id and
  query parameter gets unknown, huge, negative, NUL-bearing and forged
  values (cursors, dates out of range, numbers out of range); the sign-in
  form gets cross-site and missing Origins; pages get oversize bodies. The
  count of inputs tried and of 5xx answers is printed, each 5xx by name;
  the target is 0. A 5xx must also say ``Connection: close``, and a 4xx
  must leave the connection open (counted as ``dropped``).
- **Slow inputs.** Each is sent while a second thread asks ``/healthz``
  every 50 ms: 1,000,000 ``“`` in a compare, 100,000 ``«``, two 890k-char
  texts of short unique sentences, a primary document of ``“``, the
  version diff of a stored ``“``-run article, ``related`` of an article
  with 2,000 quotes over a tiny vocabulary, a story of 2k + 20k + 20k
  quotes, 45 concurrent slow fetches beside a listing. Printed: status,
  seconds until the answer, and the slowest ``/healthz`` meanwhile (target
  under 100 ms), with ``/healthz`` idle as the baseline.

The exit status is 1 when any input got a 5xx, else 0. Nothing here needs
``../shared``. ``--quick`` scales the slow inputs down tenfold.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.server
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TENANT = "probe"
HEALTH_EVERY = 0.05


# --------------------------------------------------------------------------
# A local web server: pages with odd charsets, a slow page, a feed


class _Pages(http.server.BaseHTTPRequestHandler):
    """Serves ``/charset/<name>``, ``/slow`` (answers after 3 s) and
    ``/feed`` (an RSS feed of 200 items, each a slow page)."""

    def do_GET(self) -> None:
        if self.path.startswith("/charset/"):
            charset = self.path.rsplit("/", 1)[1]
            self._send(
                f"text/html; charset={charset}", b"<p>\xe2\x80\x9cHi,\xe2\x80\x9d he said.</p>"
            )
        elif self.path.startswith("/slow"):
            time.sleep(3)
            self._send("text/html; charset=utf-8", b"<p>\xe2\x80\x9cLate,\xe2\x80\x9d he said.</p>")
        elif self.path == "/feed":
            host = self.headers.get("Host", "")
            items = "".join(
                f"<item><title>t{i}</title><link>http://{host}/slow/{i}</link></item>"
                for i in range(200)
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>p</title>{items}'
            self._send("application/rss+xml", (body + "</channel></rss>").encode())
        else:
            self.send_error(404)

    def _send(self, content_type: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a slow page: expected here


@contextmanager
def pages() -> Iterator[str]:
    server = _QuietServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


# --------------------------------------------------------------------------
# Bad inputs


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


JSON = {"Content-Type": "application/json"}
NUL = "a\x00b"
HUGE = [2**31, 2**63, 10**30, -1, -(2**63) - 1]
CURSORS = [
    base64.urlsafe_b64encode(json.dumps(v).encode()).decode().rstrip("=")
    for v in ([True], [10**30], ["x\x00"], {"a": 1}, [1e308], None, "x" * 5000)
] + ["%00", "!!!", "x" * 10_000, "W10", "eyJ"]
DATES = [
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "0000-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "2024-13-40T99:99:99Z",
    "x",
]
WRONG: list[object] = [None, 1, 1.5, True, [], {}, "x" * 300, NUL, 10**30, -1]


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def body_cases(method: str, path: str, good: dict[str, Any]) -> Iterator[Case]:
    """Malformed, mistyped and hostile bodies for one JSON endpoint."""
    raw = {
        "empty": b"",
        "open brace": b"{",
        "array": b"[]",
        "null": b"null",
        "string": b'"x"',
        "invalid utf-8": b'{"text": "\xff\xfe"}',
        "nul byte raw": b'{"text": "a\x00b"}',
        "deep": b"[" * 100_000 + b"]" * 100_000,
        "deep object": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        "oversize": b'{"text": "' + b"a" * (6 * 1024 * 1024) + b'"}',
        "nan": b'{"text": NaN}',
    }
    for label, data in raw.items():
        yield Case(f"{method} {path} {label}", method, path, data, JSON)
    yield Case(
        f"{method} {path} text/plain", method, path, _json(good), {"Content-Type": "text/plain"}
    )
    for key in good:
        for wrong in WRONG:
            yield Case(
                f"{method} {path} {key}={wrong!r:.20}",
                method,
                path,
                _json({**good, key: wrong}),
                JSON,
            )
        yield Case(
            f"{method} {path} {key} long", method, path, _json({**good, key: "x" * 200_000}), JSON
        )


def id_cases(paths: list[str]) -> Iterator[Case]:
    """Unknown, huge, negative, NUL-bearing and odd ids in every path."""
    values = ["nope", "%00", "a%00b", "x" * 5000, "..%2f..%2fetc", "%ff", *map(str, HUGE)]
    for template in paths:
        method, path = template.split(" ", 1)
        for value in values:
            yield Case(
                f"{method} {path} id={value[:12]}",
                method,
                path.replace("{}", value),
                b"{}" if method in {"POST", "PUT"} else None,
                JSON,
            )


def query_cases(article: str) -> Iterator[Case]:
    lists = [
        "/v1/articles",
        f"/v1/articles/{article}/versions",
        "/v1/stories",
        "/v1/quotes/search?q=hello",
    ]
    for path in lists:
        sep = "&" if "?" in path else "?"
        for cursor in CURSORS:
            yield Case(f"GET {path} cursor={cursor[:12]}", "GET", f"{path}{sep}cursor={cursor}")
        for limit in ("-1", "0", str(10**30), "nan", "%00"):
            yield Case(f"GET {path} limit={limit}", "GET", f"{path}{sep}limit={limit}")
    for date in DATES:
        for name in ("since", "until"):
            yield Case(f"GET /v1/articles {name}={date}", "GET", f"/v1/articles?{name}={date}")
    for score in ("-1", "101", "nan", "inf", str(10**30)):
        yield Case(
            f"GET search min_score={score}", "GET", f"/v1/quotes/search?q=hello&min_score={score}"
        )
        yield Case(
            f"GET related min_score={score}",
            "GET",
            f"/v1/articles/{article}/related?min_score={score}",
        )
    for q in ("", "%00", "x" * 30_000, "%ff%fe"):
        yield Case(f"GET search q={q[:8]}", "GET", f"/v1/quotes/search?q={q}")
    for frm, to in (("0", "1"), ("1", str(2**31)), ("-5", "1"), (str(10**30), "1"), ("a", "b")):
        yield Case(
            f"GET diff from={frm} to={to}", "GET", f"/v1/articles/{article}/diff?from={frm}&to={to}"
        )


def misc_cases(article: str, pages_url: str) -> Iterator[Case]:
    for date in DATES:
        body = {"outlet": "probe", "text": '"Hi," he said.', "published_at": date}
        yield Case(
            f"POST /v1/articles published_at={date}", "POST", "/v1/articles", _json(body), JSON
        )
    ninjs = {
        "uri": "urn:probe:1",
        "type": "text",
        "body_text": '"Hi," he said.',
        "headline": "x" * 100_000,
    }
    yield Case(
        "POST /v1/articles ninjs long headline", "POST", "/v1/articles?outlet=p", _json(ninjs), JSON
    )
    yield Case(
        "POST /v1/articles ninjs long uri",
        "POST",
        "/v1/articles?outlet=p",
        _json({**ninjs, "headline": "h", "uri": "urn:" + "x" * 100_000}),
        JSON,
    )
    yield Case(
        "POST /v1/articles ninjs date",
        "POST",
        "/v1/articles?outlet=p",
        _json({**ninjs, "headline": "h", "versioncreated": DATES[0]}),
        JSON,
    )
    yield Case(
        "POST /v1/articles javascript url",
        "POST",
        "/v1/articles",
        _json({"outlet": "p", "url": "javascript:alert(1)", "text": '"Hi," he said.'}),
        JSON,
    )
    yield Case(
        "POST /v1/articles hostile html",
        "POST",
        "/v1/articles",
        _json({"outlet": "p", "html": "<div>" * 50_000 + "<script>alert(1)</script>"}),
        JSON,
    )
    secret = "whsec_" + "A" * 33
    yield Case(
        "POST /v1/webhooks bad secret",
        "POST",
        "/v1/webhooks",
        _json({"url": f"{pages_url}/hook", "events": ["check.failed"], "secret": secret}),
        JSON,
    )
    yield Case(
        "POST /v1/webhooks long secret",
        "POST",
        "/v1/webhooks",
        _json(
            {
                "url": f"{pages_url}/hook",
                "events": ["check.failed"],
                "secret": "whsec_" + "A" * 10_000,
            }
        ),
        JSON,
    )
    yield Case(
        "POST /v1/feeds interval 1",
        "POST",
        "/v1/feeds",
        _json({"url": f"{pages_url}/feed", "outlet": "p", "interval_seconds": 1}),
        JSON,
    )
    for charset in ("base64", "rot13", "hex", "zlib", "bogus", "utf-16"):
        yield Case(
            f"POST /v1/fetch charset={charset}",
            "POST",
            "/v1/fetch",
            _json({"url": f"{pages_url}/charset/{charset}"}),
            JSON,
        )
    yield Case(
        "POST /v1/compare nested quotes",
        "POST",
        "/v1/compare",
        _json({"left": {"text": "“" * 1000 + "”" * 1000}, "right": {"text": "x"}}),
        JSON,
    )
    yield Case("GET /v1/articles/%00/diff", "GET", "/v1/articles/%00/diff")
    yield Case(f"GET article page {article} NUL", "GET", f"/articles/{article}%00")
    yield Case(
        "POST /compare page oversize",
        "POST",
        "/compare",
        b"left=" + b"a" * (6 * 1024 * 1024),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )


def sign_in_cases(key: str) -> Iterator[Case]:
    form = f"key={key}".encode()
    for origin in ("null", "https://evil.example", None):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if origin is not None:
            headers["Origin"] = origin
        yield Case(f"POST /sign-in Origin={origin}", "POST", "/sign-in", form, headers)


def all_cases(article: str, pages_url: str, key: str) -> list[Case]:
    good_compare = {"left": {"text": '"Hi," he said.'}, "right": {"text": '"Hi," she said.'}}
    endpoints: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/v1/compare", good_compare),
        (
            "POST",
            "/v1/articles",
            {"outlet": "probe", "text": '"Hi," he said.', "url": "https://a.example/1"},
        ),
        ("POST", "/v1/webhooks", {"url": f"{pages_url}/hook", "events": ["check.failed"]}),
        (
            "POST",
            "/v1/feeds",
            {"url": f"{pages_url}/feed", "outlet": "p", "interval_seconds": 3600},
        ),
        ("POST", "/v1/checks", {"baseline": {"text": "a"}, "candidate": {"text": "b"}}),
        ("POST", "/v1/fetch", {"url": f"{pages_url}/charset/utf-8"}),
        ("PUT", "/v1/policies/p", {"fail_on": ["quote_dropped"], "min_passage_words": 5}),
        ("POST", "/v1/stories/s/articles", {"article_id": article}),
    ]
    ids = [
        "GET /v1/articles/{}",
        "GET /v1/articles/{}/versions",
        "GET /v1/articles/{}/versions/1",
        f"GET /v1/articles/{article}/versions/{{}}",
        f"GET /v1/articles/{article}/versions/{{}}/ninjs",
        "GET /v1/articles/{}/related",
        "GET /v1/articles/{}/diff",
        "GET /v1/stories/{}",
        "GET /v1/stories/{}/quotes",
        "DELETE /v1/stories/s/articles/{}",
        "GET /v1/feeds/{}",
        "DELETE /v1/feeds/{}",
        "POST /v1/feeds/{}/poll",
        "GET /v1/webhooks/{}",
        "DELETE /v1/webhooks/{}",
        "GET /v1/webhooks/{}/deliveries",
        "POST /v1/webhooks/x/deliveries/{}/replay",
        "GET /v1/policies/{}",
        "DELETE /v1/policies/{}",
        "GET /articles/{}",
        "GET /stories/{}",
    ]
    cases = [c for method, path, good in endpoints for c in body_cases(method, path, good)]
    cases += [
        *id_cases(ids),
        *query_cases(article),
        *misc_cases(article, pages_url),
        *sign_in_cases(key),
    ]
    return cases


@dataclass
class Tally:
    tried: int = 0
    by_class: dict[str, int] = field(default_factory=dict)
    five: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def run_cases(base: str, key: str, cases: list[Case]) -> Tally:
    tally = Tally()
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, timeout=60) as client:
        for case in cases:
            tally.tried += 1
            headers = (
                {**auth, **case.headers} if not case.path.startswith("/sign-in") else case.headers
            )
            try:
                response = client.request(
                    case.method, case.path, content=case.body, headers=headers
                )
            except httpx.HTTPError as exc:
                tally.five.append(f"{case.name}: transport error {exc!r}")
                continue
            status = f"{response.status_code // 100}xx"
            tally.by_class[status] = tally.by_class.get(status, 0) + 1
            closes = response.headers.get("connection", "").lower() == "close"
            if response.status_code >= 500:
                tally.five.append(
                    f"{case.name}: {response.status_code} {response.text[:120]!r}"
                    + ("" if closes else " (no Connection: close)")
                )
            elif closes and response.status_code != 413:
                tally.dropped.append(f"{case.name}: {response.status_code}")
    return tally


# --------------------------------------------------------------------------
# Slow inputs, with /healthz asked meanwhile


class HealthWatch:
    """Asks ``/healthz`` every ``HEALTH_EVERY`` seconds until stopped; the
    slowest answer (an unanswered one counts as the time it was waited on)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as client:
            while not self._stop.is_set():
                start = time.perf_counter()
                with contextlib.suppress(httpx.HTTPError):
                    client.get("/healthz")
                self.latencies.append(time.perf_counter() - start)
                self._stop.wait(HEALTH_EVERY)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(
    base: str, headers: dict[str, str], call: Callable[[httpx.Client], httpx.Response]
) -> tuple[str, float, float]:
    """``call``'s status, its seconds, and the slowest /healthz meanwhile."""
    with (
        httpx.Client(base_url=base, headers=headers, timeout=900) as client,
        HealthWatch(base) as watch,
    ):
        start = time.perf_counter()
        try:
            status = str(call(client).status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        seconds = time.perf_counter() - start
    return status, seconds, max(watch.latencies, default=0.0)


def quote_text(count: int, vocabulary: int, seed: int = 0) -> str:
    words = [f"w{i}" for i in range(vocabulary)]
    return " ".join(
        f'"{words[(i + seed) % vocabulary]} {words[(i * 7 + seed) % vocabulary]} '
        f'{words[(i * 13) % vocabulary]}," he said.'
        for i in range(count)
    )


def slow_cases(
    scale: float, pages_url: str
) -> list[tuple[str, Callable[[httpx.Client], httpx.Response]]]:
    n = int(1_000_000 * scale)
    sentences = " ".join(
        f"Sentence number {i} tells of thing {i * 31 % 9973}." for i in range(int(23_000 * scale))
    )
    other = " ".join(
        f"Sentence number {i} tells of item {i * 17 % 9973}." for i in range(int(23_000 * scale))
    )

    def compare(left: str, right: str, **extra: object) -> Callable[[httpx.Client], httpx.Response]:
        return lambda c: c.post(
            "/v1/compare", json={"left": {"text": left}, "right": {"text": right}, **extra}
        )

    def stored_diff(c: httpx.Client) -> httpx.Response:
        made = c.post(
            "/v1/articles",
            json={"outlet": "slow", "url": "https://slow.example/q", "text": "“" * n},
        ).json()
        c.post(
            "/v1/articles",
            json={"outlet": "slow", "url": "https://slow.example/q", "text": "“" * n + " end."},
        )
        return c.get(f"/v1/articles/{made['id']}/diff")

    def related(c: httpx.Client) -> httpx.Response:
        made = c.post(
            "/v1/articles",
            json={
                "outlet": "rel",
                "url": "https://rel.example/1",
                "text": quote_text(int(2000 * scale) or 1, 5),
            },
        ).json()
        c.post(
            "/v1/articles",
            json={
                "outlet": "rel2",
                "url": "https://rel.example/2",
                "text": quote_text(int(2000 * scale) or 1, 5, 1),
            },
        )
        return c.get(f"/v1/articles/{made['id']}/related")

    def story(c: httpx.Client) -> httpx.Response:
        started = time.perf_counter()
        for outlet, count in (("a", 2000), ("b", 20_000), ("c", 20_000)):
            c.post(
                "/v1/articles",
                json={
                    "outlet": outlet,
                    "url": f"https://{outlet}.example/s",
                    "story": "big",
                    "text": quote_text(int(count * scale) or 1, 40),
                },
            )
        stored = time.perf_counter() - started
        started = time.perf_counter()
        answer = c.get("/v1/stories/big/quotes")
        print(
            f"    story: its three articles stored in {stored:.2f} s, then "
            f"GET /v1/stories/big/quotes {answer.status_code} in "
            f"{time.perf_counter() - started:.2f} s, {len(answer.content):,} bytes"
        )
        return answer

    def fetches(c: httpx.Client) -> httpx.Response:
        results: list[int] = []

        def one() -> None:
            with httpx.Client(base_url=str(c.base_url), headers=c.headers, timeout=120) as own:
                results.append(
                    own.post("/v1/fetch", json={"url": f"{pages_url}/slow/x"}).status_code
                )

        threads = [threading.Thread(target=one) for _ in range(45)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        started = time.perf_counter()
        listing = c.get("/v1/articles")
        waited = time.perf_counter() - started
        for t in threads:
            t.join()
        counts = ", ".join(f"{n} x {s}" for s, n in sorted(Counter(results).items()))
        # The fetches' 503s (every fetch slot taken, with Retry-After) are
        # the bound working, not a failure: nothing here counts them as 5xx.
        print(
            f"    45 slow fetches answered {counts}; "
            f"GET /v1/articles meanwhile: {listing.status_code} in {waited:.2f} s"
        )
        return listing

    return [
        (f"compare {n:,} “", compare("“" * n, '"Hi," he said.')),
        (f"compare {n // 10:,} «", compare("«" * (n // 10), '"Hi," he said.')),
        (f"compare 2 x {len(sentences):,} chars of short sentences", compare(sentences, other)),
        (
            f"compare with a primary of {n:,} “",
            compare('"Hi," he said.', '"Hi," she said.', primary=[{"text": "“" * n}]),
        ),
        (f"version diff of {n:,} “", stored_diff),
        (f"related of {int(2000 * scale):,} quotes, 5 words", related),
        (f"story of {int(42_000 * scale):,} quotes", story),
        ("45 slow fetches beside GET /v1/articles (all)", fetches),
    ]


# --------------------------------------------------------------------------
# Driving it


def prepare(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            key = create_key(session, TENANT, "bench/probe.py", ["admin"]).key
            session.commit()
    finally:
        engine.dispose()
    return key


def probe(name: str, database_url: str, scale: float) -> int:
    key = prepare(database_url)
    auth = {"Authorization": f"Bearer {key}"}
    env = {"SOURCEDIFF_FETCH_ALLOW": "127.0.0.1", "SOURCEDIFF_RATE_LIMIT_PER_MINUTE": "0"}
    with pages() as pages_url, Server(database_url, env=env) as server:
        made = httpx.post(
            f"{server.url}/v1/articles",
            headers=auth,
            timeout=60,
            json={"outlet": "probe", "url": "https://probe.example/1", "text": '"Hi," he said.'},
        )
        article = made.json()["id"]
        tally = run_cases(server.url, key, all_cases(article, pages_url, key))
        classes = ", ".join(f"{k} {v}" for k, v in sorted(tally.by_class.items()))
        print(
            f"{name}: {tally.tried} bad inputs tried: {classes}; 5xx: {len(tally.five)}; "
            f"4xx that dropped the connection: {len(tally.dropped)}"
        )
        for line in tally.five + tally.dropped:
            print(f"    {line}")
        with httpx.Client(base_url=server.url, timeout=10) as client:
            idle = []
            for _ in range(40):
                start = time.perf_counter()
                client.get("/healthz")
                idle.append(time.perf_counter() - start)
        print(
            f"{name}: /healthz idle p50 {statistics.median(idle) * 1000:.1f} ms, "
            f"max {max(idle) * 1000:.1f} ms"
        )
        print(f"    {'slow input':48} {'status':>7} {'seconds':>8} {'healthz max ms':>15}")
        for label, call in slow_cases(scale, pages_url):
            status, seconds, worst = timed(server.url, auth, call)
            print(f"    {label:48} {status:>7} {seconds:8.2f} {worst * 1000:15.1f}")
    return len(tally.five)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    ap.add_argument("--postgres-url", default=POSTGRES_URL)
    ap.add_argument("--quick", action="store_true", help="slow inputs a tenth the size")
    args = ap.parse_args(argv)
    scale = 0.1 if args.quick else 1.0
    print(
        f"probe: sourcediff serve, API keys on, {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}"
    )
    failures = 0
    with scratch_sqlite("sourcediff-probe") as url:
        failures += probe("sqlite", url, scale)
    if args.no_postgres:
        print("postgres: skipped (--no-postgres)")
    elif (reason := postgres_unreachable(args.postgres_url)) is not None:
        print(f"postgres: skipped, not reachable at {args.postgres_url}: {reason}")
    else:
        with scratch_postgres(args.postgres_url, "sourcediff_probe") as url:
            failures += probe("postgres", url, scale)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
