"""Fixtures for the API tests: an app per test, and a problem-details check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.config import Settings

ProblemCheck = Callable[[httpx2.Response, int], dict[str, Any]]


@pytest.fixture
def settings() -> Settings:
    # Explicit limits: init values win over any SOURCEDIFF_* in the environment.
    return Settings(max_body_bytes=1024 * 1024, max_text_chars=100_000)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def check_problem(response: httpx2.Response, status: int) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem with ``status``; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:sourcediff:problem:")
    assert body["title"] and body["detail"]
    assert body["instance"] == response.request.url.path
    assert "Traceback" not in response.text
    return body


@pytest.fixture
def problem() -> ProblemCheck:
    return check_problem
