"""Anonymous use (issue 15, finding 9), on SQLite and PostgreSQL: comparing
without a key is open only where every caller is on this machine (unless
configured), is limited per client address, and refused keys are limited
per client address too.

The in-process client's address is set per test client (``client=``): an
address from a documentation range for a remote client, 127.0.0.1 for a
local one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from service.http import create_app
from service.keys.limits import MAX_CLIENTS, MinuteCounter
from service.keys.service import create_key
from service.platform.config import Settings
from service.platform.deps import get_now
from tests.problems import ProblemCheck

REMOTE = ("198.51.100.7", 40000)
OTHER = ("198.51.100.8", 40000)
LOCAL = ("127.0.0.1", 40000)
NOW = 1_800_000_000.0 + 15  # 15 s into a minute: 45 s left
BODY = {"left": {"text": '"We are ready," she said.'}, "right": {"text": '"We are ready."'}}
FORM = {"left_text": '"We are ready," she said.', "right_text": '"We are ready."'}
HTML = {"accept": "text/html"}


def settings_for(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "auth_disabled": False,
        "rate_limit_per_minute": 0,
        **overrides,
    }
    return Settings(**values)


@contextmanager
def clients(
    settings: Settings, *addresses: tuple[str, int], clock: list[float] | None = None
) -> Iterator[list[TestClient]]:
    """Test clients of one app (one worker's counters), one per address."""
    app = create_app(settings)
    if clock is not None:
        app.dependency_overrides[get_now] = lambda: clock[0]
    opened = [TestClient(app, raise_server_exceptions=False, client=a) for a in addresses]
    with opened[0]:  # one lifespan for all
        yield opened


def new_key(engine: Engine, *scopes: str) -> str:
    with Session(engine) as session:
        created = create_key(session, f"t-{uuid.uuid4().hex[:12]}", "limits", scopes)
        session.commit()
    return created.key


# Open or not --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "open_"),
    [
        ({}, True),  # `sourcediff serve` on its default interface
        ({"host": "::1"}, True),
        ({"host": "localhost"}, True),
        ({"host": "0.0.0.0"}, False),  # the Docker image
        ({"host": "10.1.2.3"}, False),
        ({"trusted_proxies": ["10.0.0.0/8"]}, False),  # callers come through a proxy
        ({"host": "0.0.0.0", "open_compare": True}, True),  # a trusted network, said so
        ({"open_compare": False}, False),
    ],
)
def test_where_comparing_without_a_key_is_open(values: dict[str, Any], open_: bool) -> None:
    assert Settings(**values).compare_open is open_


def test_the_setting_reads_auto_true_and_false(monkeypatch: pytest.MonkeyPatch) -> None:
    for text, expected in [("auto", "auto"), ("AUTO", "auto"), ("1", True), ("false", False)]:
        monkeypatch.setenv("SOURCEDIFF_OPEN_COMPARE", text)
        assert Settings().open_compare == expected
    monkeypatch.setenv("SOURCEDIFF_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16")
    assert Settings().trusted_proxies == ["10.0.0.1", "192.168.0.0/16"]
    monkeypatch.setenv("SOURCEDIFF_TRUSTED_PROXIES", "proxy.internal")
    with pytest.raises(ValueError, match="trusted_proxies"):
        Settings()


def test_a_public_interface_needs_a_key(
    database_url: str, engine: Engine, problem: ProblemCheck
) -> None:
    settings = settings_for(database_url, host="0.0.0.0")
    with clients(settings, REMOTE) as (api,):
        refused = api.post("/v1/compare", json=BODY)
        assert problem(refused, 401)["type"] == "urn:sourcediff:problem:unauthorized"
        key = {"Authorization": f"Bearer {new_key(engine, 'read')}"}
        assert api.post("/v1/compare", json=BODY, headers=key).status_code == 200
        # The paste form sends the browser to sign in.
        page = api.post("/compare", data=FORM, headers=HTML, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")
        form = api.get("/compare", headers=HTML, follow_redirects=False)
        assert form.status_code == 303


# Per-address limit without a key -----------------------------------------------------


def test_comparisons_without_a_key_are_limited_per_address(
    database_url: str, engine: Engine, problem: ProblemCheck
) -> None:
    clock = [NOW]
    settings = settings_for(database_url, anonymous_rate_limit_per_minute=3)
    with clients(settings, REMOTE, OTHER, clock=clock) as (remote, other):
        assert [remote.post("/v1/compare", json=BODY).status_code for _ in range(3)] == [200] * 3
        limited = remote.post("/v1/compare", json=BODY)
        body = problem(limited, 429)
        assert body["type"] == "urn:sourcediff:problem:rate-limited"
        assert "without an API key" in body["detail"]
        assert limited.headers["Retry-After"] == "45"
        # Another address has its own count; a key is never counted here.
        assert other.post("/v1/compare", json=BODY).status_code == 200
        key = {"Authorization": f"Bearer {new_key(engine, 'read')}"}
        assert remote.post("/v1/compare", json=BODY, headers=key).status_code == 200
        clock[0] = NOW + 45  # the next minute
        assert remote.post("/v1/compare", json=BODY).status_code == 200


def test_the_paste_form_is_limited_too(database_url: str) -> None:
    settings = settings_for(database_url, anonymous_rate_limit_per_minute=1)
    with clients(settings, REMOTE) as (browser,):
        # The pages read the real clock: three pastes, so that a minute
        # ending between two of them still leaves one over the limit.
        pages = [browser.post("/compare", data=FORM, headers=HTML) for _ in range(3)]
    assert pages[0].status_code == 200
    limited = [page for page in pages[1:] if page.status_code == 429]
    assert limited and limited[-1].headers["content-type"].startswith("text/html")
    assert 1 <= int(limited[-1].headers["Retry-After"]) <= 60
    assert "without an API key" in limited[-1].text


def test_loopback_is_exempt_unless_a_proxy_is_trusted(database_url: str) -> None:
    settings = settings_for(database_url, anonymous_rate_limit_per_minute=2)
    with clients(settings, LOCAL) as (local,):
        statuses = {local.post("/v1/compare", json=BODY).status_code for _ in range(10)}
        assert statuses == {200}
        assert local.post("/compare", data=FORM).status_code == 200
    # Behind a proxy on this machine, every client would be 127.0.0.1.
    proxied = settings.model_copy(update={"trusted_proxies": ["127.0.0.1"], "open_compare": True})
    with clients(proxied, LOCAL) as (local,):
        statuses = {local.post("/v1/compare", json=BODY).status_code for _ in range(3)}
        assert statuses == {200, 429}


def test_an_ipv6_client_counts_by_its_64(database_url: str) -> None:
    settings = settings_for(database_url, anonymous_rate_limit_per_minute=2)
    with clients(
        settings, ("2001:db8:1:2::a", 1), ("2001:db8:1:2::b", 1), ("2001:db8:1:3::a", 1)
    ) as (one, same_64, other_64):
        assert one.post("/v1/compare", json=BODY).status_code == 200
        assert same_64.post("/v1/compare", json=BODY).status_code == 200
        assert same_64.post("/v1/compare", json=BODY).status_code == 429
        assert other_64.post("/v1/compare", json=BODY).status_code == 200


def test_the_counts_of_a_minute_hold_a_bounded_number_of_addresses() -> None:
    counter = MinuteCounter(limit=1)
    for n in range(MAX_CLIENTS):
        assert counter.add(f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}", now=NOW) is None
    # Past the bound, new addresses share one count (a flood of addresses
    # is limited as one client), and the ones already counted keep theirs.
    assert counter.add("203.0.113.1", now=NOW) is None
    assert counter.add("203.0.113.2", now=NOW) == 45
    assert counter.add("10.0.0.0", now=NOW) == 45
    # The next minute starts from nothing.
    assert counter.add("203.0.113.2", now=NOW + 45) is None


# Refused keys --------------------------------------------------------------------------


def guess(key: str) -> str:
    """A key of the same shape as ``key``, with another secret."""
    prefix, secret = key.rsplit("_", 1)
    return f"{prefix}_{'A' if secret[0] != 'A' else 'B'}{secret[1:]}"


@pytest.mark.parametrize("address", [REMOTE, LOCAL])
def test_refused_keys_are_limited_per_address(
    database_url: str, engine: Engine, problem: ProblemCheck, address: tuple[str, int]
) -> None:
    clock = [NOW]
    key = new_key(engine, "read")
    settings = settings_for(database_url, failed_key_limit_per_minute=3)
    with clients(settings, address, OTHER, clock=clock) as (guesser, other):
        for _ in range(3):
            problem(guesser.get("/v1/articles", headers={"X-API-Key": guess(key)}), 401)
        # Over the limit, a right key from that address is refused too: a
        # guesser must not learn which guess was right.
        for presented in (guess(key), key):
            limited = guesser.get("/v1/articles", headers={"Authorization": f"Bearer {presented}"})
            assert problem(limited, 429)["detail"].startswith("Too many refused API keys")
            assert limited.headers["Retry-After"] == "45"
        # A sign-in from that address is refused the same way.
        page = guesser.post(
            "/sign-in", data={"key": key}, headers={"origin": "http://testserver", **HTML}
        )
        assert page.status_code == 429 and "Retry-After" in page.headers
        # Another address still gets in; and the next minute, this one.
        assert other.get("/v1/articles", headers={"X-API-Key": key}).status_code == 200
        clock[0] = NOW + 45
        assert guesser.get("/v1/articles", headers={"X-API-Key": key}).status_code == 200


def test_sign_in_failures_count_and_junk_does_not(database_url: str, engine: Engine) -> None:
    key = new_key(engine, "read")
    settings = settings_for(database_url, failed_key_limit_per_minute=2)
    own = {"origin": "http://testserver", **HTML}
    with clients(settings, REMOTE) as (browser,):
        # What cannot be a key is no guess: 401 as often as it is sent.
        for junk in ("nonsense", "sdk_nope", "", "Bearer x"):
            for _ in range(3):
                assert browser.get("/v1/articles", headers={"X-API-Key": junk}).status_code == 401
        for _ in range(2):
            assert (
                browser.post("/sign-in", data={"key": guess(key)}, headers=own).status_code == 401
            )
        assert browser.post("/sign-in", data={"key": key}, headers=own).status_code == 429
        assert browser.get("/v1/articles", headers={"X-API-Key": key}).status_code == 429


def test_no_limits_with_auth_disabled(database_url: str) -> None:
    settings = settings_for(
        database_url, auth_disabled=True, host="0.0.0.0", anonymous_rate_limit_per_minute=1
    )
    with clients(settings, REMOTE) as (api,):
        assert {api.post("/v1/compare", json=BODY).status_code for _ in range(3)} == {200}
