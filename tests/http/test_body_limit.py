"""Request bodies over the limit get a 413 problem, however they arrive."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from service.http import create_app
from service.platform.config import Settings

ProblemCheck = Callable[[httpx2.Response, int], dict[str, Any]]

LIMIT = 4096
JSON = {"content-type": "application/json"}


@pytest.fixture
def small(settings: Settings) -> Iterator[TestClient]:
    app = create_app(Settings(max_body_bytes=LIMIT, max_text_chars=1000))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def body_of_size(size: int) -> bytes:
    """A valid compare request of exactly ``size`` bytes."""
    empty = json.dumps({"left": {"text": ""}, "right": {"text": "b"}}).encode()
    return json.dumps(
        {"left": {"text": "a" * (size - len(empty))}, "right": {"text": "b"}}
    ).encode()


def chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_body_at_the_limit_passes_the_guard(small: TestClient, problem: ProblemCheck) -> None:
    # It gets through the guard; the text itself is over max_text_chars.
    response = small.post("/v1/compare", content=body_of_size(LIMIT), headers=JSON)
    assert "characters" in problem(response, 413)["detail"]


def test_content_length_over_the_limit(small: TestClient, problem: ProblemCheck) -> None:
    response = small.post("/v1/compare", content=body_of_size(LIMIT + 1), headers=JSON)
    details = problem(response, 413)
    assert details["type"] == "urn:sourcediff:problem:payload-too-large"
    assert f"{LIMIT:,} bytes" in details["detail"]
    assert response.headers["connection"] == "close"


def test_chunked_body_over_the_limit(small: TestClient, problem: ProblemCheck) -> None:
    response = small.post("/v1/compare", content=chunks(body_of_size(3 * LIMIT)), headers=JSON)
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.request.headers
    problem(response, 413)


def test_chunked_body_under_the_limit(small: TestClient) -> None:
    body = json.dumps({"left": {"text": '"Yes," he said.'}, "right": {"text": '"Yes."'}}).encode()
    response = small.post("/v1/compare", content=chunks(body, 7), headers=JSON)
    assert response.status_code == 200
    assert response.json()["matches"][0]["relation"] == "identical"


def test_oversize_body_on_any_route(small: TestClient, problem: ProblemCheck) -> None:
    # The guard is outermost: it answers before routing, even for a 404.
    problem(small.post("/nowhere", content=b"x" * (LIMIT + 1), headers=JSON), 413)


def test_text_over_max_text_chars(small: TestClient, problem: ProblemCheck) -> None:
    body = {"left": {"text": "b"}, "right": {"text": "x" * 1001}}
    details = problem(small.post("/v1/compare", json=body), 413)
    assert details["detail"].startswith("right text has 1,001 characters")


def test_extracted_html_over_max_text_chars(small: TestClient, problem: ProblemCheck) -> None:
    html = "<p>" + "word " * 300 + "</p>"
    details = problem(
        small.post("/v1/compare", json={"left": {"html": html}, "right": {"text": "b"}}), 413
    )
    assert details["detail"].startswith("left text has")
