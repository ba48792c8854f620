"""``sourcediff keys create | list | revoke``, on SQLite and PostgreSQL, and
the keys they make as the API sees them."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterator

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from service.cli.app import app
from service.http import create_app
from service.keys.cache import KEY_CACHE_SECONDS, VerifiedKeys
from service.platform.config import Settings

Cli = Callable[..., Result]
KEY = re.compile(r"^sdk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$")


@pytest.fixture
def cli(runner: CliRunner, database_url: str, engine: Engine) -> Cli:
    """``cli(*args)``: run ``sourcediff *args --database-url …`` on each
    database (migrated by ``engine``)."""

    def run(*args: str) -> Result:
        return runner.invoke(app, [*args, "--database-url", database_url])

    return run


@pytest.fixture
def api(database_url: str, engine: Engine) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, auth_disabled=False, rate_limit_per_minute=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def create(cli: Cli, tenant: str, name: str, *scopes: str) -> str:
    args = ["keys", "create", "--tenant", tenant, "--name", name]
    for scope in scopes:
        args += ["--scope", scope]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    key: str = result.stdout.strip()
    assert KEY.match(key), result.stdout
    return key


def test_create_prints_the_key_once_and_stores_its_hash(
    cli: Cli, engine: Engine, api: TestClient, tenant: str
) -> None:
    key = create(cli, tenant, "newsroom bot", "read", "write", "read")
    key_id = key.split("_")[1]
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT tenant, name, scopes, key_hash FROM api_keys WHERE id = :id"),
            {"id": key_id},
        ).one()
    assert tuple(row) == (
        tenant,
        "newsroom bot",
        "read write",
        hashlib.sha256(key.encode()).hexdigest(),
    )

    headers = {"Authorization": f"Bearer {key}"}
    body = {"outlet": "Daily", "url": f"https://daily.example/{tenant}", "text": "A."}
    assert api.post("/v1/articles", json=body, headers=headers).status_code == 201
    listed = api.get("/v1/articles", headers=headers).json()["items"]
    assert [item["url"] for item in listed] == [body["url"]]  # the key's tenant's, only


def test_create_refuses_bad_scopes_and_names(cli: Cli, engine: Engine, tenant: str) -> None:
    for args in (
        ["--scope", "superuser"],
        [],  # no scope at all
    ):
        result = cli("keys", "create", "--tenant", tenant, "--name", "x", *args)
        assert result.exit_code == 2, result.output
    blank = cli("keys", "create", "--tenant", tenant, "--name", " ", "--scope", "read")
    assert blank.exit_code == 2 and "name" in blank.stderr
    assert (
        "unknown scope 'superuser'"
        in cli("keys", "create", "--tenant", tenant, "--name", "x", "--scope", "superuser").stderr
    )
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM api_keys WHERE tenant = :t"), {"t": tenant}
        ).scalar()
    assert count == 0


def test_list_shows_keys_but_never_their_secrets(cli: Cli, tenant: str) -> None:
    reader = create(cli, tenant, "reader", "read")
    admin = create(cli, tenant, "the admin", "admin")
    other = create(cli, f"{tenant}-other", "elsewhere", "read")
    assert cli("keys", "revoke", reader.split("_")[1]).exit_code == 0

    table = cli("keys", "list", "--tenant", tenant)
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "key",
        "id",
        "tenant",
        "scopes",
        "created",
        "(UTC)",
        "revoked",
        "name",
    ]
    assert len(lines) == 3
    reader_line, admin_line = lines[1:]
    assert reader_line.startswith(reader.split("_")[1]) and " yes " in reader_line
    assert reader_line.endswith("reader") and " read " in reader_line
    assert admin_line.startswith(admin.split("_")[1]) and " no " in admin_line
    assert admin_line.endswith("the admin")
    assert other.split("_")[1] not in table.stdout

    rows = json.loads(cli("keys", "list", "--tenant", tenant, "--json").stdout)
    assert [(r["key_id"], r["name"], r["scopes"]) for r in rows] == [
        (reader.split("_")[1], "reader", ["read"]),
        (admin.split("_")[1], "the admin", ["admin"]),
    ]
    assert rows[0]["revoked_at"] is not None and rows[1]["revoked_at"] is None
    assert set(rows[0]) == {"key_id", "tenant", "name", "scopes", "created_at", "revoked_at"}
    everything = cli("keys", "list").stdout
    assert other.split("_")[1] in everything
    for key in (reader, admin, other):
        secret = key.split("_", 2)[2]
        assert secret not in table.stdout + everything
        assert hashlib.sha256(key.encode()).hexdigest() not in table.stdout + everything


def test_revoke(cli: Cli, api: TestClient, tenant: str) -> None:
    # The server remembers a verified key for KEY_CACHE_SECONDS: a key
    # revoked by another process (this command) is refused once that has
    # passed. The server's clock is the test's, moved rather than slept.
    now = [1000.0]
    saved = getattr(api.app.state, "verified_keys", None)
    api.app.state.verified_keys = VerifiedKeys(clock=lambda: now[0])
    try:
        key = create(cli, tenant, "leaked", "read")
        key_id = key.split("_")[1]
        headers = {"X-API-Key": key}
        assert api.get("/v1/articles", headers=headers).status_code == 200

        revoked = cli("keys", "revoke", key_id)
        assert revoked.exit_code == 0, revoked.output
        assert revoked.stdout.startswith(f"revoked {key_id} ({tenant}: leaked) at ")
        now[0] += KEY_CACHE_SECONDS
        response = api.get("/v1/articles", headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"] == "The API key has been revoked"
    finally:
        api.app.state.verified_keys = saved

    again = cli("keys", "revoke", key_id)
    assert again.exit_code == 0 and again.stdout == revoked.stdout  # the first time stays

    unknown = cli("keys", "revoke", uuid.uuid4().hex[:16])
    assert unknown.exit_code == 1 and "no API key has the id" in unknown.stderr
