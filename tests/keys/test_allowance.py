"""A worker counts a key's minute in blocks (``service.keys.allowance``):
never over the limit, exact near it, at most a little under it; one write
per block, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from service.http import create_app
from service.keys.allowance import FRACTION, MOST, Allowances
from service.keys.repository import RateCounterRepository
from service.keys.service import create_key
from service.models.keys import RateCounter
from service.platform.config import Settings
from service.platform.deps import get_now

WINDOW = 60


class Workers:
    """Workers claiming from one shared count, as ``count_request`` does
    against the database's row."""

    def __init__(self, workers: int, limit: int) -> None:
        self.allowances = [Allowances() for _ in range(workers)]
        self.limit = limit
        self.count = 0
        self.claims = 0

    def request(self, worker: int) -> bool:
        a = self.allowances[worker]
        if a.take("k", WINDOW):
            return True
        n = a.block("k", window=WINDOW, limit=self.limit)
        self.count += n
        self.claims += 1
        return a.claimed("k", window=WINDOW, limit=self.limit, count=self.count, n=n)


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(1, 3000),
    workers=st.integers(1, 4),
    order=st.lists(st.integers(0, 3), min_size=1, max_size=4000),
)
def test_never_over_the_limit_and_at_most_an_eighth_under_per_worker(
    limit: int, workers: int, order: list[int]
) -> None:
    pool = Workers(workers, limit)
    admitted = sum(pool.request(w % workers) for w in order)
    assert admitted <= limit
    if len(order) >= limit + workers * (limit // FRACTION + 1):
        # Enough requests to use every claim up: only claims still held by
        # the other workers are lost, each at most an eighth of the limit.
        assert admitted >= limit - (workers - 1) * max(1, limit // FRACTION)


@given(limit=st.integers(1, FRACTION - 1), order=st.lists(st.integers(0, 2), max_size=60))
def test_a_small_limit_is_counted_one_request_at_a_time(limit: int, order: list[int]) -> None:
    pool = Workers(3, limit)
    statuses = [pool.request(w) for w in order]
    # Exactly as one shared counter: the first `limit` requests, whoever serves them.
    assert statuses == [k < limit for k in range(len(order))]
    assert pool.claims == len(order)


def test_a_busy_key_is_written_once_per_block() -> None:
    pool = Workers(1, 100_000)
    assert all(pool.request(0) for _ in range(1000))
    assert pool.claims == 1000 // MOST


def test_a_claim_does_not_outlive_its_minute() -> None:
    a = Allowances()
    assert a.claimed("k", window=60, limit=1200, count=100, n=100)
    assert a.take("k", 60)
    assert not a.take("k", 120)  # the next minute: claim again
    assert a.block("k", window=120, limit=1200) == MOST


def _app(database_url: str, now: list[float], limit: int) -> TestClient:
    app = create_app(
        Settings(database_url=database_url, auth_disabled=False, rate_limit_per_minute=limit)
    )
    app.dependency_overrides[get_now] = lambda: now[0]
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def claims(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The blocks claimed in the database (``RateCounterRepository.increment``'s ``by``)."""
    seen: list[int] = []
    increment = RateCounterRepository.increment

    def counting(self: RateCounterRepository, key_id: str, window: int, by: int = 1) -> int:
        seen.append(by)
        return increment(self, key_id, window, by)

    monkeypatch.setattr(RateCounterRepository, "increment", counting)
    return seen


def _reader(engine: Engine) -> tuple[str, dict[str, str]]:
    """A new read key of a tenant of its own: its id, and its request headers."""
    with Session(engine) as session:
        created = create_key(session, f"allow-{uuid.uuid4().hex[:8]}", "allowance test", ["read"])
        session.commit()
    return created.info.key_id, {"Authorization": f"Bearer {created.key}"}


def test_two_workers_share_the_limit_in_blocks(
    database_url: str, engine: Engine, claims: list[int]
) -> None:
    key_id, headers = _reader(engine)
    now = [6_000_030.0]
    limit = 200
    statuses: list[int] = []
    with _app(database_url, now, limit) as one, _app(database_url, now, limit) as two:
        for k in range(260):
            api = one if k % 2 else two
            statuses.append(api.get("/v1/articles", headers=headers).status_code)
        with Session(engine) as session:
            row = session.get(RateCounter, (key_id, 6_000_000))
            assert row is not None
            counted = row.count
        now[0] += 60  # the next minute: admitted again
        after = one.get("/v1/articles", headers=headers).status_code
    admitted = statuses.count(200)
    least = limit - 2 * (limit // FRACTION)
    assert least <= admitted <= limit
    assert statuses[:least] == [200] * least
    assert statuses[-10:] == [429] * 10
    # Far fewer writes than requests: each refused request claims one (and is
    # counted, as before), the admitted ones took blocks. The row holds them all.
    assert len(claims) - statuses.count(429) < 40
    assert counted == sum(claims[:-1]) >= limit
    assert after == 200


def test_a_remembered_key_within_its_claim_writes_nothing(
    database_url: str, engine: Engine, claims: list[int]
) -> None:
    _, headers = _reader(engine)
    with _app(database_url, [6_000_030.0], 1200) as api:
        assert [api.get("/v1/articles", headers=headers).status_code for _ in range(50)] == [
            200
        ] * 50
    assert claims == [MOST]  # one claim of 100 covers the 50 requests
