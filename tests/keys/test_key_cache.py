"""A worker remembers a verified key for ``KEY_CACHE_SECONDS`` (issue 18):
one look-up per key and window, not one per request, and a revoked key
refused once the window ends, on SQLite and PostgreSQL. The window's clock
is the test's, so nothing sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

import service.keys.service as keys_service
from service.http import create_app
from service.keys.cache import KEY_CACHE_SECONDS, VerifiedKeys
from service.keys.service import Caller, create_key, hash_key, revoke_key
from service.platform.config import Settings


@pytest.fixture
def now() -> list[float]:
    return [1000.0]


@pytest.fixture
def look_ups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys looked up in the database, in order."""
    seen: list[str] = []
    real = keys_service.authenticate

    def counting(session: Session, presented: str | None) -> Caller:
        seen.append(presented or "")
        return real(session, presented)

    monkeypatch.setattr(keys_service, "authenticate", counting)
    return seen


def _key(engine: Engine, tenant: str = "cache") -> tuple[str, str]:
    with Session(engine) as session:
        created = create_key(session, tenant, "cache test", ["read"])
        session.commit()
    return created.info.key_id, created.key


def _api(database_url: str, now: list[float], rate_limit: int = 0) -> TestClient:
    settings = Settings(
        database_url=database_url, auth_disabled=False, rate_limit_per_minute=rate_limit
    )
    app = create_app(settings)
    app.state.verified_keys = VerifiedKeys(clock=lambda: now[0])
    return TestClient(app, raise_server_exceptions=False)


def _get(api: TestClient, key: str) -> int:
    return api.get("/v1/articles", headers={"Authorization": f"Bearer {key}"}).status_code


@pytest.fixture
def client_and_key(
    database_url: str, engine: Engine, now: list[float]
) -> Iterator[tuple[TestClient, str, str]]:
    key_id, key = _key(engine)
    with _api(database_url, now) as api:
        yield api, key_id, key


def test_a_key_is_looked_up_once_a_window(
    client_and_key: tuple[TestClient, str, str], now: list[float], look_ups: list[str]
) -> None:
    api, _, key = client_and_key
    assert [_get(api, key) for _ in range(5)] == [200] * 5
    assert look_ups == [key]
    now[0] += KEY_CACHE_SECONDS  # the verification is as old as the window
    assert _get(api, key) == 200
    assert look_ups == [key, key]


def test_a_revoked_key_is_refused_once_the_window_ends(
    client_and_key: tuple[TestClient, str, str], engine: Engine, now: list[float]
) -> None:
    api, key_id, key = client_and_key
    assert _get(api, key) == 200
    with Session(engine) as session:
        revoke_key(session, key_id)
        session.commit()
    # Believed for what is left of the window, never longer.
    assert _get(api, key) == 200
    now[0] += KEY_CACHE_SECONDS - 0.01
    assert _get(api, key) == 200
    now[0] += 0.01
    response = api.get("/v1/articles", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "The API key has been revoked"
    # And stays refused: a refused key is not remembered.
    now[0] += 0.5
    assert _get(api, key) == 401


def test_wrong_keys_are_looked_up_every_time(
    client_and_key: tuple[TestClient, str, str], look_ups: list[str]
) -> None:
    api, _, key = client_and_key
    wrong = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")
    assert [_get(api, wrong) for _ in range(3)] == [401] * 3
    assert look_ups == [wrong] * 3


def test_a_remembered_key_is_still_counted_against_its_limit(
    database_url: str, engine: Engine, now: list[float], look_ups: list[str]
) -> None:
    _, key = _key(engine, "cache-limited")
    with _api(database_url, now, rate_limit=3) as api:
        assert [_get(api, key) for _ in range(4)] == [200, 200, 200, 429]
    assert look_ups == [key]


def test_the_memory_is_bounded_and_keeps_digests_only() -> None:
    now = [0.0]
    keys = VerifiedKeys(seconds=2, clock=lambda: now[0], max_keys=3)
    callers = [Caller(f"k{i}", "t", frozenset({"read"})) for i in range(4)]
    for i, caller in enumerate(callers):
        keys.put(hash_key(f"sdk_key{i}"), caller)
    assert keys.get(hash_key("sdk_key0")) is None  # the oldest, forgotten
    assert [keys.get(hash_key(f"sdk_key{i}")) for i in (1, 2, 3)] == callers[1:]
    assert all(len(digest) == 64 for digest in keys._keys)
