"""API keys over HTTP, on SQLite and PostgreSQL: 401, 403, tenants, the
first start's key, rate limits.

Each test makes keys of its own for two fresh tenants, A and B, straight in
the database, before the app starts (so the app's first start finds keys
and creates none).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from service.http import create_app
from service.keys.service import create_first_admin_key, create_key, revoke_key
from service.platform.config import DEFAULT_TENANT, Settings
from service.platform.db import make_engine
from service.platform.deps import get_now
from tests.problems import ProblemCheck
from tests.serving import Server

KEY = re.compile(r"sdk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")
# Routes that answer without a key (when the app has them).
OPEN_PATHS = {"/healthz", "/readyz", "/metrics"}


@dataclass(frozen=True, slots=True)
class Keys:
    tenant_a: str
    tenant_b: str
    a_admin: str
    a_read: str
    a_write: str
    a_revoked: str
    b_admin: str


def new_key(engine: Engine, tenant: str, *scopes: str, revoked: bool = False) -> str:
    with Session(engine) as session:
        created = create_key(session, tenant, f"test {' '.join(scopes)}", scopes)
        if revoked:
            revoke_key(session, created.info.key_id)
        session.commit()
    return created.key


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def keys(engine: Engine) -> Keys:
    a, b = f"a-{uuid.uuid4().hex[:12]}", f"b-{uuid.uuid4().hex[:12]}"
    return Keys(
        tenant_a=a,
        tenant_b=b,
        a_admin=new_key(engine, a, "admin"),
        a_read=new_key(engine, a, "read"),
        a_write=new_key(engine, a, "write"),
        a_revoked=new_key(engine, a, "admin", revoked=True),
        b_admin=new_key(engine, b, "admin"),
    )


def auth_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "auth_disabled": False,
        "rate_limit_per_minute": 0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def api(database_url: str, keys: Keys) -> Iterator[TestClient]:
    with TestClient(
        create_app(auth_settings(database_url)), raise_server_exceptions=False
    ) as client:
        yield client


def store(api: TestClient, key: str, url: str, *texts: str) -> str:
    """Store ``texts`` as successive versions of the article at ``url``; its id."""
    article_id = ""
    for body in texts:
        response = api.post(
            "/v1/articles", json={"outlet": "Daily", "url": url, "text": body}, headers=auth(key)
        )
        assert response.status_code == 201, response.text
        article_id = response.json()["id"]
    return article_id


# 401 -----------------------------------------------------------------------


def test_no_key_is_401(api: TestClient, problem: ProblemCheck) -> None:
    for response in (
        api.get("/v1/articles"),
        api.get("/v1/articles/whatever"),
        api.post("/v1/articles", json={}),
        api.post("/v1/compare", json={"left": {"article_id": "a1"}, "right": {"text": "x"}}),
    ):
        body = problem(response, 401)
        assert body["type"] == "urn:sourcediff:problem:unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_comparing_inline_texts_needs_no_key(database_url: str) -> None:
    """What the compare contract's clients and quality harness send (docs/compare-api.md):
    no credentials."""
    body = {
        "left": {"text": '"We are ready," she said.'},
        "right": {"text": 'He said "we are ready".'},
    }
    settings = auth_settings(database_url)
    with TestClient(create_app(settings)) as open_api:
        response = open_api.post("/v1/compare", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["matches"][0]["relation"] == "identical"
    closed = settings.model_copy(update={"open_compare": False})
    with TestClient(create_app(closed)) as closed_api:
        assert closed_api.post("/v1/compare", json=body).status_code == 401


def test_bad_and_revoked_keys_are_401(api: TestClient, keys: Keys, problem: ProblemCheck) -> None:
    key_id, secret = keys.a_admin.removeprefix("sdk_").split("_", 1)
    wrong_secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    bad = [
        "nonsense",
        f"sdk_{key_id}_{wrong_secret}",
        f"sdk_{'f' * 16}_{secret}",  # unknown id
        f"sdk_{key_id}_{secret}x",
        keys.a_admin.upper(),
    ]
    for key in bad:
        response = api.get("/v1/articles", headers=auth(key))
        assert problem(response, 401)["detail"] == "The API key is not valid", key
        assert response.headers["WWW-Authenticate"] == "Bearer"
    # Another scheme is no key at all.
    basic = api.get("/v1/articles", headers={"Authorization": f"Basic {keys.a_admin}"})
    problem(basic, 401)
    revoked = api.get("/v1/articles", headers=auth(keys.a_revoked))
    assert problem(revoked, 401)["detail"] == "The API key has been revoked"


def test_bearer_and_x_api_key_both_work(api: TestClient, keys: Keys) -> None:
    assert api.get("/v1/articles", headers=auth(keys.a_read)).status_code == 200
    assert api.get("/v1/articles", headers={"X-API-Key": keys.a_read}).status_code == 200
    assert api.get("/v1/articles", headers={"authorization": f"bearer {keys.a_read}"}).is_success


def test_open_routes_need_no_key(api: TestClient) -> None:
    assert api.get("/healthz").status_code == 200
    assert api.get("/openapi.json").status_code == 200
    assert api.get("/docs").status_code == 200
    for path in OPEN_PATHS:
        assert api.get(path).status_code in {200, 503}, path  # /readyz may say "not ready"


# 403 -----------------------------------------------------------------------


def test_scopes(api: TestClient, keys: Keys, problem: ProblemCheck) -> None:
    article = {"outlet": "Daily", "url": f"https://daily.example/{uuid.uuid4().hex}", "text": "A."}
    compare = {"left": {"text": '"Yes," he said.'}, "right": {"text": '"Yes," she said.'}}

    denied = api.post("/v1/articles", json=article, headers=auth(keys.a_read))
    assert problem(denied, 403)["type"] == "urn:sourcediff:problem:forbidden"
    assert "'write'" in denied.json()["detail"]
    assert api.post("/v1/compare", json=compare, headers=auth(keys.a_read)).status_code == 200

    created = api.post("/v1/articles", json=article, headers=auth(keys.a_write))
    assert created.status_code == 201
    article_id = created.json()["id"]
    problem(api.get(f"/v1/articles/{article_id}", headers=auth(keys.a_write)), 403)
    problem(api.post("/v1/compare", json=compare, headers=auth(keys.a_write)), 403)

    assert api.get(f"/v1/articles/{article_id}", headers=auth(keys.a_read)).status_code == 200
    assert api.get(f"/v1/articles/{article_id}", headers=auth(keys.a_admin)).status_code == 200
    article["text"] = "B."
    assert api.post("/v1/articles", json=article, headers=auth(keys.a_admin)).status_code == 201


def test_the_document_names_the_scheme_and_scope_of_every_route() -> None:
    document = create_app().openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["HTTPBearer"]["description"],
    }
    assert schemes["APIKeyHeader"]["name"] == "X-API-Key"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path in OPEN_PATHS:
                assert "security" not in operation, (method, path)
                continue
            # Comparing and checking only read, whatever their method.
            reads_only = path in {"/v1/compare", "/v1/checks"}
            writes = method in {"post", "put", "delete"} and not reads_only
            scope = "write" if writes else "read"
            optional = [{}] if (method, path) == ("post", "/v1/compare") else []
            assert operation["security"] == [
                *optional,
                {"HTTPBearer": [scope]},
                {"APIKeyHeader": [scope]},
            ]
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)


# Tenants -----------------------------------------------------------------

# A value for every path parameter of every route: a route with a new one
# fails the test below until it is given a value here.
# article_id: A's article; key: a story of A's that holds it; name: A's
# policy; the rest are made in the test (None here).
PATH_VALUES: dict[str, Any] = {
    "article_id": None,
    "number": 1,
    "key": "tenant-story",
    "name": "tenant-policy",
    "webhook_id": None,
    "delivery_id": None,
    "feed_id": None,
}
# Bodies for POST routes with path parameters, by path ("{article_id}": A's).
BODIES: dict[str, Any] = {"/v1/stories/{key}/articles": {"article_id": "{article_id}"}}
# Upserts in the caller's own namespace: another tenant's PUT makes its own.
UPSERTS = {("put", "/v1/policies/{name}")}


def id_routes(document: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """``(method, path, path parameter names)`` of every operation whose path
    has a ``{…}`` parameter."""
    found = []
    for path, item in document["paths"].items():
        if "{" not in path:
            continue
        for method, operation in item.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            assert set(names) == set(re.findall(r"\{(\w+)\}", path)), path
            found.append((method, path, names))
    return found


def test_another_tenants_ids_are_404_on_every_route(
    database_url: str, keys: Keys, problem: ProblemCheck
) -> None:
    # Its own app: webhook and feed URLs on 127.0.0.1 must be allowed, and
    # nothing should be sent or polled in the background meanwhile.
    settings = auth_settings(database_url, fetch_allow=["127.0.0.1"], background=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as api:
        check_every_route(api, keys, problem)


def check_every_route(api: TestClient, keys: Keys, problem: ProblemCheck) -> None:
    a = auth(keys.a_admin)
    hook = api.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["version.created"]},
        headers=a,
    )
    assert hook.status_code == 201, hook.text
    url = f"https://daily.example/{uuid.uuid4().hex}"
    article_id = store(api, keys.a_admin, url, '"One," he said.', '"Two," he said.')
    webhook_id = hook.json()["id"]
    log = api.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=a).json()["items"]
    feed = api.post(
        "/v1/feeds",
        json={"url": f"http://127.0.0.1:9/{uuid.uuid4().hex}.xml", "outlet": "Daily"},
        headers=a,
    )
    assert feed.status_code == 201, feed.text
    policy = api.put(
        f"/v1/policies/{PATH_VALUES['name']}", json={"fail_on": ["dropped_quote"]}, headers=a
    )
    assert policy.status_code in (200, 201), policy.text
    values = {
        **PATH_VALUES,
        "article_id": article_id,
        "webhook_id": webhook_id,
        "delivery_id": log[0]["id"],
        "feed_id": feed.json()["id"],
    }
    joined = api.post(
        f"/v1/stories/{values['key']}/articles",
        json={"article_id": article_id},
        headers=a,
    )
    assert joined.status_code == 201, joined.text

    routes = id_routes(api.app.openapi())  # type: ignore[attr-defined]
    assert {(m, p) for m, p, _ in routes} >= {
        ("get", "/v1/articles/{article_id}"),
        ("get", "/v1/articles/{article_id}/versions"),
        ("get", "/v1/articles/{article_id}/versions/{number}"),
        ("get", "/v1/articles/{article_id}/versions/{number}/ninjs"),
        ("get", "/v1/articles/{article_id}/diff"),
    }
    # Deletions last, so that every other route still finds A's objects.
    for method, path, names in sorted(routes, key=lambda r: r[0] == "delete"):
        if (method, path) in UPSERTS:
            continue
        missing = [name for name in names if name not in values]
        assert not missing, f"{path}: add a value for {missing} to PATH_VALUES"
        target = path.format(**{name: values[name] for name in names})
        body = BODIES.get(path, {}) if method in {"post", "put", "patch"} else None
        if body is not None:
            body = json.loads(json.dumps(body).replace("{article_id}", article_id))

        def call(key: str, method: str = method, target: str = target, body: Any = body) -> Any:
            return api.request(method.upper(), target, json=body, headers=auth(key))

        other = call(keys.b_admin)
        assert problem(other, 404)["type"] == "urn:sourcediff:problem:not-found", target
        own = call(keys.a_admin)
        assert own.is_success, (method, target, own.text)

    # B's PUT of A's policy name makes B's own policy, never touching A's.
    target = f"/v1/policies/{PATH_VALUES['name']}"
    theirs = api.put(target, json={"fail_on": ["partial_quote"]}, headers=auth(keys.b_admin))
    assert theirs.status_code == 201, theirs.text

    # Nor do listings or stored sides of /v1/compare show them.
    assert api.get("/v1/articles", params={"url": url}, headers=auth(keys.b_admin)).json() == {
        "items": [],
        "next": None,
    }
    sides = {"left": {"article_id": article_id}, "right": {"text": '"One," he said.'}}
    problem(api.post("/v1/compare", json=sides, headers=auth(keys.b_admin)), 404)
    assert api.post("/v1/compare", json=sides, headers=auth(keys.a_admin)).status_code == 200


# Storage -----------------------------------------------------------------


def test_keys_are_stored_as_hashes_only(engine: Engine, keys: Keys) -> None:
    key_id, secret = keys.a_read.removeprefix("sdk_").split("_", 1)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT * FROM api_keys WHERE id = :id"), {"id": key_id}
        ).mappings()
        stored = dict(row.one())
    assert stored["key_hash"] == hashlib.sha256(keys.a_read.encode()).hexdigest()
    assert stored["tenant"] == keys.tenant_a and stored["scopes"] == "read"
    for value in stored.values():
        assert secret not in str(value) and keys.a_read not in str(value)


# The first start -------------------------------------------------------------


def start(app: FastAPI) -> None:
    with TestClient(app):
        pass


def test_first_start_prints_one_admin_key_once(
    empty_database_url: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    settings = auth_settings(empty_database_url)
    start(create_app(settings))
    first = capfd.readouterr()
    printed = KEY.findall(first.err)
    assert len(printed) == 1, first.err
    assert printed[0] not in first.out and printed[0] not in caplog.text
    key_id = printed[0].split("_")[1]
    assert key_id in caplog.text  # logged: that it happened, and which key

    start(create_app(settings))  # the second start creates and prints nothing
    assert not KEY.search(capfd.readouterr().err)

    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/v1/articles",
            json={"outlet": "Daily", "url": "https://daily.example/first", "text": "A."},
            headers=auth(printed[0]),
        )
        assert response.status_code == 201  # admin may write (and read)
        assert client.get("/v1/articles", headers=auth(printed[0])).json()["items"]
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, tenant, scopes FROM api_keys")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [(key_id, DEFAULT_TENANT, "admin")]


def test_no_first_key_with_auth_disabled(
    empty_database_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = auth_settings(empty_database_url, auth_disabled=True)
    with TestClient(create_app(settings)) as client:
        body = {"outlet": "Daily", "url": "https://daily.example/open", "text": "A."}
        assert client.post("/v1/articles", json=body).status_code == 201
        assert client.get("/v1/articles").json()["items"][0]["outlet"] == "Daily"
    assert not KEY.search(capfd.readouterr().err)
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM api_keys")).scalar() == 0
    engine.dispose()


def test_racing_first_starts_make_one_key(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    barrier = threading.Barrier(8)
    results: list[object] = []

    def first_start() -> None:
        barrier.wait()
        results.append(create_first_admin_key(engine))

    threads = [threading.Thread(target=first_start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM api_keys")).scalar()
    engine.dispose()
    assert len(results) == 8 and sum(result is not None for result in results) == 1
    assert count == 1


def test_several_workers_print_one_key(empty_database_url: str) -> None:
    env = {"SOURCEDIFF_AUTH_DISABLED": "0"}
    with Server(empty_database_url, workers=3, env=env) as server:
        printed = KEY.findall(server.log_text())
        assert len(printed) == 1, server.log_text()
        response = httpx.get(f"{server.url}/v1/articles", headers=auth(printed[0]), timeout=30)
        assert response.status_code == 200
        assert httpx.get(f"{server.url}/v1/articles", timeout=30).status_code == 401


# Rate limits -------------------------------------------------------------

NOW = 1_800_000_000.0 + 15  # 15 s into a minute: 45 s left in the window


@pytest.fixture
def clock() -> list[float]:
    return [NOW]


def limited_app(database_url: str, clock: list[float], limit: int) -> FastAPI:
    app = create_app(auth_settings(database_url, rate_limit_per_minute=limit))
    app.dependency_overrides[get_now] = lambda: clock[0]
    return app


def test_rate_limit_is_429_with_retry_after(
    database_url: str, keys: Keys, clock: list[float], problem: ProblemCheck
) -> None:
    with TestClient(limited_app(database_url, clock, 3), raise_server_exceptions=False) as api:
        for _ in range(3):
            assert api.get("/v1/articles", headers=auth(keys.a_read)).status_code == 200
        limited = api.get("/v1/articles", headers=auth(keys.a_read))
        assert problem(limited, 429)["type"] == "urn:sourcediff:problem:rate-limited"
        assert limited.headers["Retry-After"] == "45"
        # Per key: another key of the same tenant still has its own minute.
        assert api.get("/v1/articles", headers=auth(keys.a_admin)).status_code == 200
        clock[0] = NOW + 44.5
        assert api.get("/v1/articles", headers=auth(keys.a_read)).headers["Retry-After"] == "1"
        clock[0] = NOW + 45  # the next minute
        assert api.get("/v1/articles", headers=auth(keys.a_read)).status_code == 200


def test_workers_share_one_limit(database_url: str, keys: Keys, clock: list[float]) -> None:
    # Two apps on one database stand for two worker processes.
    with (
        TestClient(limited_app(database_url, clock, 4), raise_server_exceptions=False) as one,
        TestClient(limited_app(database_url, clock, 4), raise_server_exceptions=False) as two,
    ):
        statuses = [
            client.get("/v1/articles", headers=auth(keys.b_admin)).status_code
            for client in (one, two, one, two, one, two)
        ]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_no_limit_when_zero(api: TestClient, keys: Keys) -> None:
    for _ in range(30):
        assert api.get("/v1/articles", headers=auth(keys.a_read)).status_code == 200
