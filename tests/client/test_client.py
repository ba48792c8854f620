"""``sourcediff.client`` against a real server (``sourcediff serve``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session

from service.keys.service import create_key
from service.platform.db import make_engine, upgrade
from sourcediff.client import Client, ProblemError, retry_after, stored
from tests.serving import Server

URL = "https://daily.example/2026/12/06/council-vote"
FIRST = (
    'The council voted 7-2. "We will build the lanes this spring," the mayor said. '
    '"Nobody asked the shop owners," a trader said.'
)
SECOND = (
    'The council voted 7-2. "We will build the lanes," the mayor said. '
    "Shops were not consulted, traders said."
)


def _database(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'sourcediff.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        key = create_key(session, "newsroom", "client tests", ["read", "write"]).key
        session.commit()
    engine.dispose()
    return url, key


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    url, key = _database(tmp_path_factory, "client")
    env = {"SOURCEDIFF_AUTH_DISABLED": "0", "SOURCEDIFF_BACKGROUND": "0"}
    with Server(url, env=env) as server:
        yield server, key


@pytest.fixture
def client(served: tuple[Server, str]) -> Iterator[Client]:
    server, key = served
    with Client(server.url, api_key=key) as sd:
        yield sd


def test_compare_answers_the_typed_response(client: Client) -> None:
    result = client.compare(
        '"We will build the lanes this spring," the mayor said.',
        '"We will build the bus lanes this spring," the mayor said.',
    )
    assert [m.relation for m in result.matches] == ["reworded"]
    left = {q.id: q.text for q in result.left.quotes}
    assert left[result.matches[0].left] == "We will build the lanes this spring,"


def test_ingest_versions_diff_search_and_check(client: Client) -> None:
    first = client.ingest({"outlet": "Daily", "url": URL, "text": FIRST})
    again = client.ingest({"outlet": "Daily", "url": URL, "text": FIRST})
    second = client.ingest({"outlet": "Daily", "url": URL, "text": SECOND})
    assert (first.created, again.created, second.created) == (True, False, True)
    assert second.id == first.id and second.version == 2

    page = client.versions(first.id)
    assert [v.version for v in page.items] == [1, 2]

    diff = client.diff(first.id)
    removed = [q.text for q in diff.quotes.removed]
    assert "Nobody asked the shop owners," in removed

    hits = client.search("We will build the lanes this spring")
    assert any(hit.article_id == first.id for hit in hits.items)

    check = client.check(stored(first.id, 1), stored(first.id, 2))
    assert check.passed is False
    assert any(f.kind == "dropped_quote" for f in check.findings)


def test_a_problem_is_raised_with_its_fields(client: Client) -> None:
    with pytest.raises(ProblemError) as raised:
        client.diff("no-such-article")
    problem = raised.value
    assert problem.status == 404 and problem.type.endswith("not-found")
    assert problem.request_id and "article" in problem.detail.lower()


def test_a_refused_key_is_a_401_problem(served: tuple[Server, str]) -> None:
    server, _ = served
    with (
        Client(server.url, api_key="sdk_0000000000000000_nope") as sd,
        pytest.raises(ProblemError) as raised,
    ):
        sd.versions("x")
    assert raised.value.status == 401


def test_a_429_is_tried_again_after_the_retry_after_it_gives(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # A real rate limit: two requests a minute for the key.
    url, key = _database(tmp_path_factory, "limited")
    env = {
        "SOURCEDIFF_AUTH_DISABLED": "0",
        "SOURCEDIFF_BACKGROUND": "0",
        "SOURCEDIFF_RATE_LIMIT_PER_MINUTE": "2",
    }
    waits: list[float] = []
    with (
        Server(url, env=env) as server,
        Client(server.url, api_key=key, retries=2, sleep=waits.append) as sd,
    ):
        sd.search("anything")
        sd.search("anything")
        with pytest.raises(ProblemError) as raised:
            sd.search("anything")  # limited, tried twice more at once, still limited
    assert raised.value.status == 429
    assert len(waits) == 2 and all(0 < w <= 60 for w in waits), waits


def test_retry_after_reads_seconds_and_dates() -> None:
    def answer(value: str) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": value} if value else {})

    now = datetime(2026, 12, 6, 12, 0, 0, tzinfo=UTC)
    assert retry_after(answer("7"), now=now) == 7.0
    assert retry_after(answer("Sun, 06 Dec 2026 12:00:30 GMT"), now=now) == 30.0
    assert retry_after(answer("Sun, 06 Dec 2026 11:00:00 GMT"), now=now) == 0.0
    assert retry_after(answer("soon"), now=now) is None
    assert retry_after(answer(""), now=now) is None
