"""A check is a read (issue 15, finding 9), on SQLite and PostgreSQL: a
read-only key may run one, failing or not, but only a key that may write
queues ``check.failed``, so a read-only key sets off no outbound POST."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from service.http import create_app
from service.keys.service import create_key
from service.platform.config import Settings
from tests.checks.test_api import BASE, TRIMMED


def _key(engine: Engine, tenant: str, *scopes: str) -> dict[str, str]:
    with Session(engine) as session:
        created = create_key(session, tenant, f"checks {' '.join(scopes)}", scopes)
        session.commit()
    return {"Authorization": f"Bearer {created.key}"}


@pytest.fixture
def keyed(database_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url,
        auth_disabled=False,
        rate_limit_per_minute=0,
        fetch_allow=["127.0.0.1"],
        background=False,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def test_only_a_key_that_may_write_queues_check_failed(
    keyed: TestClient, engine: Engine, tenant: str
) -> None:
    reader, writer = _key(engine, tenant, "read"), _key(engine, tenant, "read", "write")
    hook = keyed.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["check.failed"]},
        headers=writer,
    )
    assert hook.status_code == 201, hook.text
    failing = {
        "baseline": {"text": BASE},
        "candidate": {"text": TRIMMED},
        "policy": {"fail_on": ["partial_quote"]},
    }

    def pending() -> int:
        found = keyed.get(f"/v1/webhooks/{hook.json()['id']}", headers=reader)
        count: int = found.json()["pending"]
        return count

    read = keyed.post("/v1/checks", json=failing, headers=reader)
    assert read.status_code == 200 and read.json()["passed"] is False
    assert pending() == 0
    written = keyed.post("/v1/checks", json=failing, headers=writer)
    assert written.status_code == 200 and written.json()["passed"] is False
    assert pending() == 1
