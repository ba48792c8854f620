"""Signing in to the pages (issue 15, finding 8), on SQLite and PostgreSQL:
only a form from Sourcediff's own pages signs in or out, the cookie holds a
session's token rather than the key, and the session ends at sign-out, at
its expiry and with its key.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from service.http import create_app
from service.keys.service import create_key, revoke_key
from service.platform.config import Settings
from service.platform.deps import get_now

HTML = {"accept": "text/html"}
OWN = {"origin": "http://testserver"}
NOW = 1_800_000_000.0
HOURS = 3600


def settings_for(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "auth_disabled": False,
        "rate_limit_per_minute": 0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def clock() -> list[float]:
    return [NOW]


@pytest.fixture
def app(database_url: str, clock: list[float]) -> FastAPI:
    app = create_app(settings_for(database_url))
    app.dependency_overrides[get_now] = lambda: clock[0]
    return app


@pytest.fixture
def pages(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def new_key(engine: Engine, *scopes: str, tenant: str | None = None) -> tuple[str, str]:
    """A key of a fresh tenant (or ``tenant``): (key, key id)."""
    with Session(engine) as session:
        created = create_key(session, tenant or f"t-{uuid.uuid4().hex[:12]}", "pages", scopes)
        session.commit()
    return created.key, created.info.key_id


def sign_in(pages: TestClient, key: str, **headers: str) -> Any:
    return pages.post(
        "/sign-in",
        data={"key": key, "next": "/articles"},
        headers={**OWN, **HTML, **headers},
        follow_redirects=False,
    )


def can_read(pages: TestClient) -> bool:
    """Whether the browser's cookie opens a stored page (else: to sign-in)."""
    page = pages.get("/articles", headers=HTML, follow_redirects=False)
    assert page.status_code in (200, 303), page.text
    return page.status_code == 200


# Where a form comes from -------------------------------------------------------


def test_sign_in_needs_an_origin_of_its_own(pages: TestClient, engine: Engine) -> None:
    key, _ = new_key(engine, "read")
    refused: list[dict[str, str]] = [
        {"origin": "null"},  # a sandboxed frame or a data: page of another site
        {},  # no Origin and no Referer
        {"referer": "https://evil.example/form"},
        {"origin": "https://evil.example"},
        {"origin": "null", "referer": "http://testserver/sign-in"},
        {"origin": "https://testserver"},  # another scheme is another origin
        {"referer": "not a url"},
    ]
    for headers in refused:
        forged = pages.post(
            "/sign-in", data={"key": key}, headers={**HTML, **headers}, follow_redirects=False
        )
        assert forged.status_code == 403, headers
        assert forged.headers["content-type"].startswith("text/html"), headers  # a page
        assert "set-cookie" not in forged.headers, headers
        assert not can_read(pages), headers
    # A browser that leaves Origin out still sends a same-origin Referer.
    done = pages.post(
        "/sign-in",
        data={"key": key},
        headers={"referer": "http://testserver/sign-in?next=%2F"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and can_read(pages)


def test_sign_out_needs_an_origin_of_its_own(pages: TestClient, engine: Engine) -> None:
    key, _ = new_key(engine, "read")
    assert sign_in(pages, key).status_code == 303
    for headers in ({}, {"origin": "null"}, {"origin": "https://evil.example"}):
        forged = pages.post("/sign-out", headers=headers, follow_redirects=False)
        assert forged.status_code == 403, headers
        assert can_read(pages), headers  # still signed in
    out = pages.post("/sign-out", headers=OWN, follow_redirects=False)
    assert out.status_code == 303 and not can_read(pages)


def test_the_paste_form_refuses_a_foreign_or_null_origin(database_url: str) -> None:
    form = {"left_text": '"Yes," he said.', "right_text": '"Yes," she said.'}
    with TestClient(create_app(settings_for(database_url, open_compare=True))) as pages:
        assert pages.post("/compare", data=form, headers={"origin": "null"}).status_code == 403
        evil = {"origin": "https://evil.example"}
        assert pages.post("/compare", data=form, headers=evil).status_code == 403
        assert pages.post("/compare", data=form, headers=OWN).status_code == 200
        # A script that says nothing of where it is may paste (it reads nothing stored).
        assert pages.post("/compare", data=form).status_code == 200


# What the cookie holds -------------------------------------------------------------


def test_the_cookie_holds_a_session_token_not_the_key(pages: TestClient, engine: Engine) -> None:
    key, key_id = new_key(engine, "read")
    signed = sign_in(pages, key)
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("sourcediff_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "Max-Age=43200" in cookie  # 12 hours, not 30 days
    token = pages.cookies["sourcediff_session"]
    secret = key.split("_", 2)[2]
    assert key not in cookie and secret not in cookie and key_id not in token
    with engine.connect() as connection:
        rows = (
            connection.execute(
                text("SELECT * FROM web_sessions WHERE key_id = :id"), {"id": key_id}
            )
            .mappings()
            .all()
        )
    assert len(rows) == 1
    assert rows[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert rows[0]["scopes"] == "read" and rows[0]["ended_at"] is None
    for value in rows[0].values():
        assert token not in str(value) and secret not in str(value)
    # The key itself, put in a cookie by hand (what signing in stored before), is no session.
    pages.cookies.clear()
    pages.cookies.set("sourcediff_session", key)
    pages.cookies.set("sourcediff_key", key)
    assert not can_read(pages)


def test_the_session_has_the_keys_scopes_and_tenant(pages: TestClient, engine: Engine) -> None:
    writer, _ = new_key(engine, "write")
    assert sign_in(pages, writer).status_code == 303
    refused = pages.get("/articles", headers=HTML)
    assert refused.status_code == 403 and "read" in refused.text
    tenant = f"t-{uuid.uuid4().hex[:12]}"
    admin, _ = new_key(engine, "admin", tenant=tenant)
    body = {"outlet": "Daily", "url": f"https://daily.example/{tenant}", "text": '"A," he said.'}
    stored = pages.post("/v1/articles", json=body, headers={"Authorization": f"Bearer {admin}"})
    article = stored.json()["id"]
    reader, _ = new_key(engine, "read", tenant=tenant)
    assert sign_in(pages, reader).status_code == 303
    assert pages.get(f"/articles/{article}", headers=HTML).status_code == 200
    other, _ = new_key(engine, "admin")
    assert sign_in(pages, other).status_code == 303
    assert pages.get(f"/articles/{article}", headers=HTML).status_code == 404


# When it ends ---------------------------------------------------------------------


def test_sign_out_ends_the_session_in_the_database(pages: TestClient, engine: Engine) -> None:
    key, key_id = new_key(engine, "read")
    assert sign_in(pages, key).status_code == 303
    token = pages.cookies["sourcediff_session"]
    out = pages.post("/sign-out", headers=OWN, follow_redirects=False)
    assert out.status_code == 303 and 'sourcediff_session=""' in out.headers["set-cookie"]
    # A copy of the cookie kept elsewhere (another tab's jar, a thief's) is worth nothing now.
    pages.cookies.set("sourcediff_session", token)
    assert not can_read(pages)
    with engine.connect() as connection:
        ended = connection.execute(
            text("SELECT ended_at FROM web_sessions WHERE key_id = :id"), {"id": key_id}
        ).scalar_one()
    assert ended is not None


def test_a_session_expires(pages: TestClient, engine: Engine, clock: list[float]) -> None:
    key, _ = new_key(engine, "read")
    assert sign_in(pages, key).status_code == 303
    clock[0] = NOW + 12 * HOURS - 1
    assert can_read(pages)
    clock[0] = NOW + 12 * HOURS
    assert not can_read(pages)


def test_the_session_length_is_a_setting(database_url: str, engine: Engine) -> None:
    key, _ = new_key(engine, "read")
    with TestClient(create_app(settings_for(database_url, session_seconds=600))) as pages:
        assert "Max-Age=600" in sign_in(pages, key).headers["set-cookie"]
    with pytest.raises(ValueError, match="session_seconds"):
        settings_for(database_url, session_seconds=30 * 24 * HOURS)


def test_revoking_the_key_ends_its_sessions(
    app: FastAPI, engine: Engine, database_url: str
) -> None:
    key, key_id = new_key(engine, "read")
    with (
        TestClient(app, raise_server_exceptions=False) as one,
        TestClient(app, raise_server_exceptions=False) as two,
    ):
        assert sign_in(one, key).status_code == 303 and sign_in(two, key).status_code == 303
        assert can_read(one) and can_read(two)
        with Session(engine) as session:
            revoke_key(session, key_id)
            session.commit()
        assert not can_read(one) and not can_read(two)
    with engine.connect() as connection:
        open_sessions = connection.execute(
            text("SELECT count(*) FROM web_sessions WHERE key_id = :id AND ended_at IS NULL"),
            {"id": key_id},
        ).scalar_one()
    assert open_sessions == 0


def test_a_session_is_counted_against_its_keys_rate_limit(
    database_url: str, engine: Engine, clock: list[float]
) -> None:
    key, _ = new_key(engine, "read")
    app = create_app(settings_for(database_url, rate_limit_per_minute=2))
    app.dependency_overrides[get_now] = lambda: clock[0]
    with TestClient(app, raise_server_exceptions=False) as pages:
        assert sign_in(pages, key).status_code == 303
        assert [pages.get("/articles", headers=HTML).status_code for _ in range(3)] == [
            200,
            200,
            429,
        ]
