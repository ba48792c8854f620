"""The guards in front of the app (issue 15, finding 9), in-process: a
body nested too deeply is a malformed body, a body that does not arrive in
time is a 408, and the guards' refusals are pages when a browser asked for
a page. The slow body over a real socket is in ``test_slow_clients.py``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import anyio
import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from service.http import create_app
from service.platform.config import Settings
from service.platform.ninjs import MAX_DEPTH
from tests.problems import ProblemCheck

JSON = {"content-type": "application/json"}
HTML = {"accept": "text/html,application/xhtml+xml"}
LIMIT = 4096


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_json_nested_past_the_parser_is_a_malformed_body(
    client: TestClient, problem: ProblemCheck, depth: int
) -> None:
    # It was a bare 400 bad-request ("There was an error parsing the body").
    response = client.post("/v1/compare", content=_nested(depth), headers=JSON)
    body = problem(response, 400)
    assert body["type"] == "urn:sourcediff:problem:malformed-body"
    assert "deeply" in body["detail"]


@pytest.fixture
def stored(sqlite_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, background=False, auth_disabled=True)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 300, 900])
def test_a_ninjs_item_nested_too_deeply_is_refused(
    stored: TestClient, problem: ProblemCheck, depth: int
) -> None:
    # Past a depth of a few hundred pydantic's serialiser gave up writing the
    # item for its Idempotency-Key: a 500.
    head = f'{{"uri": "urn:deep:{depth}", "body_text": "Hello.", "associations": '.encode()
    content = head + _nested(depth - 1) + b"}"
    headers = {**JSON, "Idempotency-Key": f"deep-{depth}"}
    body = problem(stored.post("/v1/articles", content=content, headers=headers), 422)
    assert f"nests {depth} levels" in body["detail"]


def test_a_ninjs_item_nested_as_deep_as_allowed_is_stored(stored: TestClient) -> None:
    item = {"uri": "urn:deep:ok", "body_text": "Hello.", "associations": json.loads("[]")}
    for _ in range(MAX_DEPTH - 2):
        item["associations"] = [item["associations"]]
    response = stored.post("/v1/articles", json=item, headers={"Idempotency-Key": "deep-ok"})
    assert response.status_code == 201, response.text


# The guards' answers are pages for browsers ------------------------------------


@pytest.fixture
def small(sqlite_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, background=False, max_body_bytes=LIMIT)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def test_a_413_on_a_page_is_a_page(small: TestClient) -> None:
    form = {"left_text": "x" * LIMIT, "right_text": "y"}
    page = small.post("/compare", data=form, headers=HTML)
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert "Payload too large" in page.text and f"{LIMIT:,} bytes" in page.text
    assert "content-security-policy" in page.headers
    assert page.headers["connection"] == "close"  # the rest of the body is never read


def test_a_413_is_a_problem_for_the_api_and_for_clients_that_want_no_page(
    small: TestClient, problem: ProblemCheck
) -> None:
    content = json.dumps({"left": {"text": "x" * LIMIT}, "right": {"text": "y"}})
    api = small.post("/v1/compare", content=content, headers={**JSON, **HTML})
    problem(api, 413)
    form = {"left_text": "x" * LIMIT, "right_text": "y"}
    problem(small.post("/compare", data=form), 413)  # no Accept: text/html


def test_a_nul_in_a_page_path_is_a_404_page(small: TestClient) -> None:
    page = small.get("/articles/a%00b", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


# The body's deadline -------------------------------------------------------------


async def _exchange(
    settings: Settings, head: Message, *, stall: bool, path: str = "/v1/compare"
) -> list[Message]:
    """One request to ``path`` through the app as a server would run it:
    ``head`` is the first body message; with ``stall`` the rest never comes.
    (No lifespan: nothing here reaches the database.)"""
    app = create_app(settings)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[Message] = []
    messages = [head]

    async def receive() -> Message:
        if messages:
            return messages.pop()
        if stall:
            await anyio.sleep_forever()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    with anyio.fail_after(30):  # a bound for a broken guard, never reached
        await app(scope, receive, send)
    return sent


def test_a_body_that_stops_arriving_is_a_408() -> None:
    settings = Settings(body_timeout_seconds=0.2)
    head = {"type": "http.request", "body": b'{"left": ', "more_body": True}
    sent = anyio.run(lambda: _exchange(settings, head, stall=True))
    start = sent[0]
    assert start["status"] == 408
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert body["type"] == "urn:sourcediff:problem:request-timeout"
    assert "0.2 seconds" in body["detail"]


def test_a_body_that_arrives_whole_goes_on_to_the_app() -> None:
    settings = Settings(body_timeout_seconds=0.2)
    head = {"type": "http.request", "body": b"{}", "more_body": False}
    sent = anyio.run(lambda: _exchange(settings, head, stall=False, path="/nowhere"))
    assert sent[0]["status"] == 404  # routing answered: the guard let it through
