"""Crash safety of ingest: the server is SIGKILLed mid-stream and restarted.

A real uvicorn (two workers, so a process group) serves each database.
Client threads post versions over HTTP the whole time: some each edit
articles of their own (new texts, unchanged resubmissions, reverts), the
others post the very same text for one shared article at the same moment.
Eight clients in all (four of each kind); the server is killed and
restarted on the same database five times while they run; requests that
fail meanwhile are not acknowledged, and the clients simply go on. Only 2xx answers count.

Afterwards, read back through the API:

- every acknowledged ``(id, version, content_hash)`` is stored, with that
  hash, which is the fingerprint of the text that was sent;
- each article's versions are numbered 1..n without gaps, no two
  consecutive ones have the same hash (racing identical submissions made one
  version), and each is a text some client sent for that article, intact;
- one article per URL;
- every stored version has its quotations in the quote index, and only the
  latest version's are marked latest (the index is written in the version's
  transaction, so a kill cannot leave one without the other);
- on SQLite, ``PRAGMA integrity_check`` says ``ok``.

Nothing here depends on timing: the kills are placed by progress (so many
acknowledgements since the last restart), not by the clock.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from service.core import extract_quotes, fingerprint
from service.models.articles import Article, Version
from service.models.quotes import QuoteRecord
from service.platform.config import DEFAULT_TENANT
from service.platform.db import is_sqlite
from service.quotes.repository import indexed_quotes
from tests.serving import Server

OWN_CLIENTS = 4
OWN_ARTICLES = 3  # per own client
SHARED_CLIENTS = 4
KILLS = 5
ACKS_PER_ROUND = 40
PROGRESS_TIMEOUT = 30.0  # seconds without the expected progress: the test fails
# uvicorn --workers N leaves Nagle on for accepted connections: every
# keep-alive request after the first waits ~40 ms for a delayed ACK
# (Kludex/uvicorn#3149). A connection per request avoids it.
NO_KEEPALIVE = httpx.Limits(max_keepalive_connections=0)


@dataclass(frozen=True, slots=True)
class Ack:
    url: str
    article_id: str
    version: int
    content_hash: str
    created: bool
    text: str


@dataclass
class Ledger:
    """What the clients sent and what the server acknowledged."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acks: list[Ack] = field(default_factory=list)
    sent: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    transport_errors: int = 0
    statuses: list[int] = field(default_factory=list)

    def note_sent(self, url: str, text: str) -> None:
        with self.lock:
            self.sent[url].add(text)

    def note_ack(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)

    def note_failure(self, status: int | None) -> None:
        with self.lock:
            if status is None:
                self.transport_errors += 1
            else:
                self.statuses.append(status)

    @property
    def acknowledged(self) -> int:
        with self.lock:
            return len(self.acks)


def post(http: httpx.Client, ledger: Ledger, url: str, text: str) -> None:
    """One submission; acknowledged only by a 2xx."""
    ledger.note_sent(url, text)
    try:
        response = http.post(
            "/v1/articles", json={"outlet": "Crash Wire", "url": url, "text": text}
        )
    except httpx.TransportError:
        # The server is down or was killed mid-request: not acknowledged.
        ledger.note_failure(None)
        time.sleep(0.02)
        return
    if not response.is_success:
        ledger.note_failure(response.status_code)
        return
    body = response.json()
    ledger.note_ack(
        Ack(url, body["id"], body["version"], body["content_hash"], body["created"], text)
    )


def own_client(
    base_url: str, ledger: Ledger, stop: threading.Event, base: str, prefix: str
) -> None:
    """Edits articles of its own: new texts, unchanged resubmissions, reverts."""
    urls = [f"{prefix}/own-{i}" for i in range(OWN_ARTICLES)]
    history: dict[str, list[str]] = {url: [] for url in urls}
    with httpx.Client(base_url=base_url, timeout=30, limits=NO_KEEPALIVE) as http:
        step = 0
        while not stop.is_set():
            url = urls[step % OWN_ARTICLES]
            texts = history[url]
            n = len(texts)
            if n % 5 == 4:
                text = texts[-1]  # unchanged: acknowledged with 200
            elif n % 7 == 6:
                text = texts[-2]  # a revert, which is a new version
            else:
                text = f"{base}\n\nUpdate {n} to {url}: the figures were revised."
            texts.append(text)
            post(http, ledger, url, text)
            step += 1


def shared_client(
    base_url: str,
    ledger: Ledger,
    stop: threading.Event,
    barrier: threading.Barrier,
    base: str,
    url: str,
) -> None:
    """Posts the same text as the other shared clients, at the same moment."""
    with httpx.Client(base_url=base_url, timeout=30, limits=NO_KEEPALIVE) as http:
        step = 0
        try:
            while not stop.is_set():
                barrier.wait(timeout=PROGRESS_TIMEOUT)
                post(http, ledger, url, f"{base}\n\nCorrection {step // 2}: a name was misspelt.")
                step += 1
        except threading.BrokenBarrierError:
            pass  # another shared client stopped first
        finally:
            barrier.abort()


def wait_for_progress(ledger: Ledger, acks: int, server: Server) -> None:
    target = ledger.acknowledged + acks
    deadline = time.monotonic() + PROGRESS_TIMEOUT
    while ledger.acknowledged < target:
        if time.monotonic() > deadline:
            pytest.fail(
                f"{ledger.acknowledged} acknowledgements, {target} expected; "
                f"failures {ledger.statuses[-5:]}, {ledger.transport_errors} transport errors\n"
                f"{server.log_text()[-4000:]}"
            )
        time.sleep(0.01)


def run_clients(server: Server, texts: tuple[str, str], prefix: str) -> Ledger:
    """Clients ingesting while the server is killed and restarted ``KILLS`` times."""
    ledger = Ledger()
    stop = threading.Event()
    barrier = threading.Barrier(SHARED_CLIENTS)
    left, right = texts
    jobs: list[Callable[[], None]] = [
        partial(own_client, server.url, ledger, stop, left, f"{prefix}/c{i}")
        for i in range(OWN_CLIENTS)
    ]
    shared = partial(shared_client, server.url, ledger, stop, barrier, right, f"{prefix}/shared")
    jobs += [shared] * SHARED_CLIENTS
    with ThreadPoolExecutor(len(jobs)) as pool:
        futures = [pool.submit(job) for job in jobs]
        try:
            for _ in range(KILLS):
                wait_for_progress(ledger, ACKS_PER_ROUND, server)
                server.kill()
                # Let the clients run into the outage before the server returns.
                time.sleep(0.3)
                server.start()
            wait_for_progress(ledger, ACKS_PER_ROUND, server)
        finally:
            stop.set()
            barrier.abort()
            for future in futures:
                future.result()
    return ledger


def stored_versions(http: httpx.Client, article_id: str) -> Iterator[dict[str, Any]]:
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 100}
        if cursor is not None:
            params["cursor"] = cursor
        response = http.get(f"/v1/articles/{article_id}/versions", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        yield from page["items"]
        cursor = page["next"]
        if cursor is None:
            return


def check_store(base_url: str, ledger: Ledger) -> None:
    by_url: dict[str, list[Ack]] = defaultdict(list)
    for ack in ledger.acks:
        assert ack.content_hash == fingerprint(ack.text)
        by_url[ack.url].append(ack)
    with httpx.Client(base_url=base_url, timeout=30, limits=NO_KEEPALIVE) as http:
        for url, texts in ledger.sent.items():
            found = http.get("/v1/articles", params={"url": url}).json()["items"]
            if not found:
                # Never stored: possible only if no request for it got through.
                assert not by_url[url], url
                continue
            (article,) = found
            article_id = article["id"]
            assert {ack.article_id for ack in by_url[url]} <= {article_id}

            versions = list(stored_versions(http, article_id))
            numbers = [v["version"] for v in versions]
            assert numbers == list(range(1, len(versions) + 1)), url
            hashes = [v["content_hash"] for v in versions]
            repeats = [n for n, (a, b) in enumerate(pairwise(hashes), 2) if a == b]
            assert not repeats, f"{url}: versions {repeats} repeat the one before"

            for ack in by_url[url]:
                assert ack.version <= len(hashes), (url, ack)
                assert hashes[ack.version - 1] == ack.content_hash, (url, ack)

            for number, content_hash in enumerate(hashes, 1):
                response = http.get(f"/v1/articles/{article_id}/versions/{number}")
                assert response.status_code == 200, response.text
                stored = response.json()
                assert stored["content_hash"] == content_hash
                assert stored["text"] in texts, f"{url} v{number}: a text nobody sent"
                assert fingerprint(stored["text"]) == content_hash


def test_acknowledged_versions_survive_kills(
    database_url: str, engine: Engine, pair_texts: tuple[str, str]
) -> None:
    # ``engine`` has migrated the database, which PostgreSQL needs first.
    # API keys off: not about auth; every request is the tenant ``default``.
    prefix = f"https://crash.example/{uuid.uuid4().hex[:12]}"
    with Server(database_url, workers=2, env={"SOURCEDIFF_AUTH_DISABLED": "1"}) as server:
        ledger = run_clients(server, pair_texts, prefix)
        assert all(status == 503 for status in ledger.statuses), ledger.statuses
        assert any(ack.created for ack in ledger.acks)
        assert any(not ack.created for ack in ledger.acks)
        check_store(server.url, ledger)

    check_quote_index(engine, prefix)
    if is_sqlite(engine):
        with engine.connect() as connection:
            result = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        assert result == ["ok"]


def check_quote_index(engine: Engine, prefix: str) -> None:
    with Session(engine) as session:
        articles = session.exec(select(Article).where(col(Article.url).startswith(prefix))).all()
        assert articles
        for article in articles:
            versions = session.exec(select(Version).where(Version.article_id == article.id)).all()
            latest = max(v.number for v in versions)
            for version in versions:
                filed = session.exec(
                    select(QuoteRecord)
                    .where(QuoteRecord.version_id == version.id)
                    .order_by(col(QuoteRecord.ordinal))
                ).all()
                expected = indexed_quotes(extract_quotes(version.text), DEFAULT_TENANT)
                assert [r.text for r in filed] == [q.quote.text for q in expected]
                assert {r.latest for r in filed} <= {version.number == latest}
