"""Feeds' and fetches' limits (issue 15, findings 2 and 9), on SQLite and
PostgreSQL: a floor under the polling interval, a most feeds per tenant, a
most items per poll (new ones first, the rest next time), one lease for
every poll of a feed, whether the poller or a client started it, and a most
fetches on request at once per worker (against ``sourcediff serve``).

A real origin on 127.0.0.1 serves the feed and its pages; ``/held/…`` pages
wait until the test lets them go (a slow origin, for as long as the test
needs). What is asserted is what was fetched and who held which lease:
never durations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service.feeds.repository import FeedQueue
from service.feeds.service import poll_seconds
from service.feeds.worker import FeedPoller
from service.http import create_app
from service.models.base import now, utc
from service.models.feeds import Feed
from service.platform.config import Settings
from service.platform.db import make_engine
from tests.problems import ProblemCheck, check_problem
from tests.serving import Server


def _page(n: int) -> bytes:
    return (
        f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
        f"<p>The minister spoke on day {n}. “We will not export arms, not on day {n},” "
        "she told reporters in the capital on Thursday.</p>"
        "<p>The opposition said the statement changed nothing.</p></article></body></html>"
    ).encode()


@dataclass
class _Origin:
    """A feed of ``items`` pages; what was asked of it, in order."""

    items: list[str] = field(default_factory=list)
    asked: list[tuple[str, str | None]] = field(default_factory=list)  # path, If-None-Match
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)
    held: int = 0
    holding: threading.Condition = field(default_factory=threading.Condition)
    port: int = 0
    etag: str = '"feed-1"'
    title_tail: str = ""  # appended to each item's title

    def wait_until_held(self, count: int) -> bool:
        with self.holding:
            return self.holding.wait_for(lambda: self.held >= count, timeout=30)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def feed(self) -> bytes:
        entries = "".join(
            f"<item><title>{path}{self.title_tail}</title><link>{self.url(path)}</link></item>"
            for path in self.items
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>{self.url('/')}</link><description>d</description>{entries}</channel></rss>"
        ).encode()


def _handler(origin: _Origin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", origin.etag)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            origin.asked.append((self.path, self.headers.get("If-None-Match")))
            if self.path.startswith("/held"):
                with origin.holding:
                    origin.held += 1
                    origin.holding.notify_all()
                origin.arrived.set()
                origin.release.wait(60)  # at most: a regression fails, not hangs
            if self.path.endswith(".xml"):
                if self.headers.get("If-None-Match") == origin.etag:
                    self._send(304, b"", "application/rss+xml")
                else:
                    self._send(200, origin.feed(), "application/rss+xml")
            else:
                self._send(200, _page(len(self.path)), "text/html; charset=utf-8")

    return Handler


@pytest.fixture
def origin() -> Iterator[_Origin]:
    state = _Origin()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def _settings(database_url: str, **limits: Any) -> Settings:
    return Settings(
        database_url=database_url, fetch_allow=["127.0.0.1"], background=False, **limits
    )


@pytest.fixture
def own_api(empty_database_url: str) -> Iterator[TestClient]:
    """An app on a database of the test's own, with small limits."""
    settings = _settings(empty_database_url, feed_max_per_tenant=2, feed_max_items_per_poll=2)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def test_an_interval_under_the_minimum_is_refused(api: TestClient, problem: ProblemCheck) -> None:
    body = {"url": "http://127.0.0.1:9/often.xml", "outlet": "Wire", "interval_seconds": 1}
    refused = problem(api.post("/v1/feeds", json=body), 422)
    assert "interval_seconds" in refused["detail"] and "300 s" in refused["detail"]
    created = api.post("/v1/feeds", json={**body, "interval_seconds": 300})
    assert created.status_code == 201, created.text
    assert api.delete(f"/v1/feeds/{created.json()['id']}").status_code == 204


def test_a_tenant_registers_at_most_so_many_feeds(
    own_api: TestClient, problem: ProblemCheck
) -> None:
    def register(n: int) -> Any:
        body = {"url": f"http://127.0.0.1:9/{n}.xml", "outlet": "Wire", "interval_seconds": 900}
        return own_api.post("/v1/feeds", json=body)

    first, second = register(1), register(2)
    assert (first.status_code, second.status_code) == (201, 201)
    refused = problem(register(3), 409)
    assert "2 feeds" in refused["detail"]
    assert own_api.delete(f"/v1/feeds/{first.json()['id']}").status_code == 204
    assert register(3).status_code == 201


def test_a_poll_fetches_so_many_items_new_ones_first_and_the_rest_next_time(
    own_api: TestClient, origin: _Origin
) -> None:
    origin.items = [f"/story/{n}" for n in range(1, 6)]
    body = {"url": origin.url("/feed.xml"), "outlet": "Wire", "interval_seconds": 900}
    feed_id = own_api.post("/v1/feeds", json=body).json()["id"]

    counts = ("status", "items", "created", "unchanged", "failed", "deferred")

    def poll() -> list[Any]:
        polled = own_api.post(f"/v1/feeds/{feed_id}/poll")
        assert polled.status_code == 200, polled.text
        return [polled.json()[k] for k in counts]

    def asked() -> tuple[list[str | None], list[str]]:
        """The validators each request of the feed sent, and the pages
        fetched, since the last call."""
        feed = [inm for path, inm in origin.asked if path == "/feed.xml"]
        pages = [path for path, _ in origin.asked if path.startswith("/story/")]
        origin.asked.clear()
        return feed, pages

    assert poll() == [200, 5, 2, 0, 0, 3]
    assert asked() == ([None], ["/story/1", "/story/2"])
    # New items wait: the next poll reads the feed whole (no validators
    # sent, so no 304 hides them) and fetches them before stored ones.
    assert poll() == [200, 5, 2, 0, 0, 3]
    assert asked() == ([None], ["/story/3", "/story/4"])
    assert poll() == [200, 5, 1, 1, 0, 3]
    assert asked() == ([None], ["/story/5", "/story/1"])
    # Nothing new is left over: the validators are kept, and the feed says 304.
    assert poll() == [304, 0, 0, 0, 0, 0]
    assert asked() == (['"feed-1"'], [])


def test_a_feeds_over_long_validator_and_item_title_are_not_a_500(
    own_api: TestClient, origin: _Origin
) -> None:
    # Both came from the feed's server and went to varchar columns: on
    # PostgreSQL an ETag over 500 characters failed the poll's settling, and
    # an item title over 1,000 failed the article. A validator too long to
    # keep is dropped (the next poll is a full one); a title is cut.
    origin.etag = '"' + "e" * 600 + '"'
    origin.title_tail = " " + "t" * 1500
    origin.items = ["/story/long"]
    body = {"url": origin.url("/feed.xml"), "outlet": "Wire", "interval_seconds": 900}
    feed_id = own_api.post("/v1/feeds", json=body).json()["id"]

    polled = own_api.post(f"/v1/feeds/{feed_id}/poll")
    assert polled.status_code == 200, polled.text
    assert (polled.json()["created"], polled.json()["failed"]) == (1, 0)
    assert own_api.get(f"/v1/feeds/{feed_id}").json()["etag"] is None
    article = own_api.get("/v1/articles", params={"url": origin.url("/story/long")}).json()
    stored = article["items"][0]
    version = own_api.get(f"/v1/articles/{stored['id']}/versions/1").json()
    assert version["headline"].startswith("/story/long tttt") and len(version["headline"]) == 1000


def test_a_manual_poll_takes_the_pollers_lease(
    own_api: TestClient, empty_database_url: str, problem: ProblemCheck
) -> None:
    body = {"url": "http://127.0.0.1:9/leased.xml", "outlet": "Wire", "interval_seconds": 900}
    feed_id = own_api.post("/v1/feeds", json=body).json()["id"]
    engine = make_engine(empty_database_url)
    try:
        # The poller (another worker) has the feed: a client's poll waits its turn.
        with Session(engine) as session:
            claimed = FeedQueue(session).claim(lease=timedelta(minutes=5), limit=10)
        assert [f.id for f in claimed] == [feed_id]
        busy = own_api.post(f"/v1/feeds/{feed_id}/poll")
        refused = problem(busy, 409)
        assert "being polled" in refused["detail"]
        assert 1 <= int(busy.headers["Retry-After"]) <= 300
        with Session(engine) as session:
            FeedQueue(session).settle(
                feed_id, status=None, error="x", etag=None, last_modified=None
            )
            session.commit()
        assert own_api.post(f"/v1/feeds/{feed_id}/poll").status_code == 200
        # And the poll a client started holds the lease until it is settled:
        # settled, the feed is free again.
        with Session(engine) as session:
            row = session.exec(select(Feed).where(col(Feed.id) == feed_id)).one()
        assert row.lease_until is None and row.last_polled_at is not None
    finally:
        engine.dispose()


def test_the_poller_claims_a_feed_only_when_it_polls_it(
    empty_database_url: str, origin: _Origin
) -> None:
    """Two feeds due, the first one's origin slow: while it is polled, the
    second stays free (another worker may take it), and the first's lease
    outlasts the longest poll."""
    engine = make_engine(empty_database_url)
    settings = _settings(empty_database_url, fetch_timeout_seconds=600)
    with Session(engine) as session:
        for path in ("/held/a.xml", "/b.xml"):
            session.add(
                Feed(
                    tenant="t",
                    url=origin.url(path),
                    outlet="Wire",
                    interval_seconds=900,
                    next_poll_at=now() - timedelta(seconds=5 if "a" in path else 1),
                )
            )
        session.commit()
    claimed_at = now()
    runner = threading.Thread(target=FeedPoller(engine, settings).step, daemon=True)
    runner.start()
    try:
        assert origin.arrived.wait(30)
        with Session(engine) as session:
            leases = {f.url: f.lease_until for f in session.exec(select(Feed)).all()}
        held = leases[origin.url("/held/a.xml")]
        assert held is not None
        assert utc(held) >= claimed_at + timedelta(seconds=poll_seconds(settings))
        assert leases[origin.url("/b.xml")] is None
    finally:
        origin.release.set()
        runner.join(30)
        engine.dispose()


def test_slow_fetches_hold_their_slots_and_the_server_answers_the_rest(
    tmp_path: Path, origin: _Origin
) -> None:
    """Two fetch slots, both held by an origin that does not answer: a third
    fetch, and a poll, are told to come back (503, ``Retry-After``) without
    reaching the origin, and the server answers other requests meanwhile
    (45 such fetches once took every thread of the pool)."""
    env = {
        "SOURCEDIFF_AUTH_DISABLED": "1",
        "SOURCEDIFF_BACKGROUND": "0",
        "SOURCEDIFF_FETCH_ALLOW": "127.0.0.1",
        "SOURCEDIFF_FETCH_CONCURRENCY": "2",
        "SOURCEDIFF_FETCH_TIMEOUT_SECONDS": "120",
    }
    answers: list[int] = []

    def held_fetch(server: Server, n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=90) as client:
            answers.append(
                client.post("/v1/fetch", json={"url": origin.url(f"/held/{n}")}).status_code
            )

    with (
        Server(f"sqlite:///{tmp_path / 'slots.db'}", env=env) as server,
        httpx.Client(base_url=server.url, timeout=90) as http,
    ):
        feed = http.post(
            "/v1/feeds", json={"url": origin.url("/feed.xml"), "outlet": "Wire"}
        ).json()
        fetches = [threading.Thread(target=held_fetch, args=(server, n)) for n in range(2)]
        for thread in fetches:
            thread.start()
        try:
            assert origin.wait_until_held(2)
            busy = http.post("/v1/fetch", json={"url": origin.url("/story/1")})
            assert check_problem(busy, 503)["type"].endswith(":service-unavailable")
            assert busy.headers["Retry-After"] == "120"
            check_problem(http.post(f"/v1/feeds/{feed['id']}/poll"), 503)
            assert http.get("/v1/articles").status_code == 200
            assert http.get("/healthz").status_code == 200
            assert origin.held == 2 and not [p for p, _ in origin.asked if "story" in p]
        finally:
            origin.release.set()
            for thread in fetches:
                thread.join(90)
        assert answers == [201, 201]
        # The slots are free again.
        assert http.post("/v1/fetch", json={"url": origin.url("/story/1")}).status_code == 201
