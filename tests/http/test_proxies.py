"""Behind a reverse proxy (issue 15, finding 8), over a real ``sourcediff
serve``: the forwarded client address, scheme and host are believed from
``SOURCEDIFF_TRUSTED_PROXIES`` and from nobody else.

The tests' requests all come from 127.0.0.1, so "a trusted proxy" is a
server that trusts 127.0.0.1, and "anyone else" one that trusts only
another address. The forms' origin check and the ``Secure`` cookie are what
a TLS-terminating proxy broke; the per-address limit on comparisons without
a key shows which client address the app sees.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import Session

from service.keys.service import create_key
from service.platform.db import make_engine, upgrade
from tests.serving import Server

PUBLIC = "https://public.example"
FORWARDED = {"x-forwarded-proto": "https", "x-forwarded-host": "public.example"}
BODY = {"left": {"text": '"Ready," she said.'}, "right": {"text": '"Ready."'}}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A migrated SQLite database with a read key: (URL, key)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('proxies') / 'sourcediff.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        key = create_key(session, "proxied", "proxy tests", ["read"]).key
        session.commit()
    engine.dispose()
    return url, key


def serve(database: tuple[str, str], **env: str) -> Server:
    values = {
        "SOURCEDIFF_AUTH_DISABLED": "0",
        "SOURCEDIFF_ANONYMOUS_RATE_LIMIT_PER_MINUTE": "2",
        **env,
    }
    return Server(database[0], env=values)


@pytest.fixture(scope="module")
def behind_trusted_proxy(database: tuple[str, str]) -> Iterator[Server]:
    env = {"SOURCEDIFF_TRUSTED_PROXIES": "127.0.0.1", "SOURCEDIFF_OPEN_COMPARE": "1"}
    with serve(database, **env) as server:
        yield server


@pytest.fixture(scope="module")
def trusting_someone_else(database: tuple[str, str]) -> Iterator[Server]:
    env = {"SOURCEDIFF_TRUSTED_PROXIES": "10.9.9.9", "SOURCEDIFF_OPEN_COMPARE": "1"}
    with serve(database, **env) as server:
        yield server


def sign_in(server: Server, key: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"{server.url}/sign-in",
        data={"key": key},
        headers={"accept": "text/html", **headers},
        timeout=30,
    )


def compare_from(server: Server, forwarded_for: str, times: int) -> list[int]:
    """Statuses of ``times`` comparisons without a key that say they are for
    ``forwarded_for``. The limit is 2 a minute: of 4, the last two hold a
    429 even if a minute ends between two of them."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        return [
            client.post(
                "/v1/compare", json=BODY, headers={"x-forwarded-for": forwarded_for}
            ).status_code
            for _ in range(times)
        ]


def test_a_trusted_proxys_scheme_and_host_make_the_origin(
    behind_trusted_proxy: Server, database: tuple[str, str]
) -> None:
    key = database[1]
    signed = sign_in(behind_trusted_proxy, key, {"origin": PUBLIC, **FORWARDED})
    assert signed.status_code == 303, signed.text
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("sourcediff_session=") and "Secure" in cookie
    # The proxy said nothing of the public origin: the form came from elsewhere.
    assert sign_in(behind_trusted_proxy, key, {"origin": PUBLIC}).status_code == 403
    other = {"origin": "https://evil.example", **FORWARDED}
    assert sign_in(behind_trusted_proxy, key, other).status_code == 403


def test_a_trusted_proxys_client_address_is_the_one_limited(behind_trusted_proxy: Server) -> None:
    statuses = compare_from(behind_trusted_proxy, "203.0.113.5", 4)
    assert statuses[0] == 200 and 429 in statuses[2:], statuses
    # Another client behind the same proxy has its own count.
    assert compare_from(behind_trusted_proxy, "203.0.113.6", 1) == [200]


def test_forwarded_headers_from_anyone_else_are_ignored(
    trusting_someone_else: Server, database: tuple[str, str]
) -> None:
    key = database[1]
    forged = sign_in(trusting_someone_else, key, {"origin": PUBLIC, **FORWARDED})
    assert forged.status_code == 403
    own = {"origin": trusting_someone_else.url, **FORWARDED}
    signed = sign_in(trusting_someone_else, key, own)
    assert signed.status_code == 303, signed.text
    assert "Secure" not in signed.headers["set-cookie"]  # it came over plain HTTP
    # A claimed client address changes nothing: every request is 127.0.0.1's
    # (not exempt, as a proxy is configured).
    statuses = [compare_from(trusting_someone_else, f"203.0.113.{n}", 1)[0] for n in range(10, 14)]
    assert statuses[0] == 200 and 429 in statuses[2:], statuses


def test_without_trusted_proxies_loopback_is_no_proxy_either(database: tuple[str, str]) -> None:
    # uvicorn alone would trust 127.0.0.1; and the interface given to
    # `sourcediff serve --host` (here 127.0.0.1) is the one the app judges by,
    # whatever SOURCEDIFF_HOST said.
    with serve(database, SOURCEDIFF_HOST="0.0.0.0") as server:
        forged = sign_in(server, database[1], {"origin": f"https://{server.url[7:]}", **FORWARDED})
        assert forged.status_code == 403
        signed = sign_in(server, database[1], {"origin": server.url, "x-forwarded-proto": "https"})
        assert signed.status_code == 303 and "Secure" not in signed.headers["set-cookie"]
        # Open on loopback, and local clients are not counted.
        assert set(compare_from(server, "203.0.113.5", 4)) == {200}
