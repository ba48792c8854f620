"""Every bad request gets an RFC 9457 problem, never a 500 or a bare text."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from service.http import create_app
from service.http.problems import problem_response
from service.platform.config import Settings
from service.platform.errors import InvalidRequest

ProblemCheck = Callable[[httpx2.Response, int], dict[str, Any]]

GOOD = {"text": '"Fine," she said.'}
JSON = {"content-type": "application/json"}


INVALID_BODIES = {
    "empty-object": ({}, ["/left", "/right"]),
    "missing-side": ({"left": GOOD}, ["/right"]),
    "empty-side": ({"left": GOOD, "right": {}}, ["/right"]),
    "text-and-html": ({"left": GOOD, "right": {"text": "a", "html": "<p>b</p>"}}, ["/right"]),
    "text-and-article": ({"left": {"text": "a", "article_id": "x"}, "right": GOOD}, ["/left"]),
    "empty-text": ({"left": GOOD, "right": {"text": ""}}, ["/right/text"]),
    "blank-text": ({"left": GOOD, "right": {"text": " \n\t "}}, ["/right/text"]),
    "blank-html": ({"left": {"html": "  "}, "right": GOOD}, ["/left/html"]),
    "text-not-string": ({"left": {"text": 42}, "right": GOOD}, ["/left/text"]),
    "text-null": ({"left": GOOD, "right": {"text": None}}, ["/right"]),
    "side-not-object": ({"left": "text", "right": GOOD}, ["/left"]),
    "outlet-not-string": ({"left": GOOD, "right": {"text": "a", "outlet": 7}}, ["/right/outlet"]),
    "version-string": (
        {"left": GOOD, "right": {"article_id": "a", "version": "2"}},
        ["/right/version"],
    ),
    "version-zero": (
        {"left": GOOD, "right": {"article_id": "a", "version": 0}},
        ["/right/version"],
    ),
    "empty-article-id": ({"left": GOOD, "right": {"article_id": ""}}, ["/right/article_id"]),
    "version-with-text": ({"left": GOOD, "right": {"text": "a", "version": 2}}, ["/right"]),
    "outlet-with-article": (
        {"left": GOOD, "right": {"article_id": "a", "outlet": "x"}},
        ["/right"],
    ),
    "unknown-top-field": ({"left": GOOD, "right": GOOD, "mode": "fast"}, ["/mode"]),
    "unknown-side-field": ({"left": {**GOOD, "lang": "en"}, "right": GOOD}, ["/left/lang"]),
    "array-body": ([GOOD, GOOD], [""]),
    "string-body": ("text", [""]),
}


@pytest.mark.parametrize(("body", "pointers"), INVALID_BODIES.values(), ids=INVALID_BODIES.keys())
def test_invalid_bodies_are_422_with_pointers(
    client: TestClient, problem: ProblemCheck, body: Any, pointers: list[str]
) -> None:
    response = client.post("/v1/compare", json=body)
    details = problem(response, 422)
    assert details["type"] == "urn:sourcediff:problem:invalid-request"
    assert [e["pointer"] for e in details["errors"]] == pointers
    assert all(e["detail"] and e["type"] for e in details["errors"])


def test_both_text_and_html_says_why(client: TestClient, problem: ProblemCheck) -> None:
    response = client.post("/v1/compare", json={"left": GOOD, "right": {"text": "a", "html": "b"}})
    (error,) = problem(response, 422)["errors"]
    assert error["type"] == "side_shape"
    assert "exactly one of text, html or article_id" in error["detail"]


def test_lone_surrogate_is_422(client: TestClient, problem: ProblemCheck) -> None:
    content = b'{"left": {"text": "a \\ud800 b"}, "right": {"text": "b"}}'
    response = client.post("/v1/compare", content=content, headers=JSON)
    assert problem(response, 422)["errors"][0]["pointer"] == "/left/text"


def test_json_pointer_escapes(client: TestClient, problem: ProblemCheck) -> None:
    response = client.post("/v1/compare", json={"left": GOOD, "right": GOOD, "a/b~c": 1})
    assert problem(response, 422)["errors"][0]["pointer"] == "/a~1b~0c"


@pytest.mark.parametrize(
    ("content", "status", "slug"),
    [
        pytest.param(b"", 422, "invalid-request", id="empty-body"),
        pytest.param(b'{"left": {"text": "a"},', 400, "malformed-body", id="truncated-json"),
        pytest.param(b"{'left': 1}", 400, "malformed-body", id="single-quoted-json"),
        pytest.param(b"not json at all", 400, "malformed-body", id="plain-words"),
        pytest.param(
            b'{"left": {"text": "caf\xe9"}, "right": {"text": "b"}}',
            400,
            "malformed-body",
            id="latin-1",
        ),
        pytest.param(b"\xff\xfe\x00{", 400, "malformed-body", id="garbage-bytes"),
    ],
)
def test_unparseable_bodies(
    client: TestClient, problem: ProblemCheck, content: bytes, status: int, slug: str
) -> None:
    response = client.post("/v1/compare", content=content, headers=JSON)
    assert problem(response, status)["type"] == f"urn:sourcediff:problem:{slug}"


def test_invalid_utf8_says_so(client: TestClient, problem: ProblemCheck) -> None:
    content = b'{"left": {"text": "caf\xe9"}, "right": {"text": "b"}}'
    response = client.post("/v1/compare", content=content, headers=JSON)
    assert "UTF-8" in problem(response, 400)["detail"]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "text/json",
        None,
    ],
)
def test_non_json_content_types_are_415(
    client: TestClient, problem: ProblemCheck, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    content = b'{"left": {"text": "a"}, "right": {"text": "b"}}'
    response = client.post("/v1/compare", content=content, headers=headers)
    details = problem(response, 415)
    assert "application/json" in details["detail"]


def test_unknown_article_is_404(client: TestClient, problem: ProblemCheck) -> None:
    response = client.post(
        "/v1/compare", json={"left": {"article_id": "nope-123", "version": 3}, "right": GOOD}
    )
    details = problem(response, 404)
    assert details["type"] == "urn:sourcediff:problem:not-found"
    assert "nope-123" in details["detail"]


def test_html_without_text_is_422(client: TestClient, problem: ProblemCheck) -> None:
    html = "<html><head><title>t</title></head><body><script>alert('x')</script></body></html>"
    response = client.post("/v1/compare", json={"left": {"html": html}, "right": GOOD})
    details = problem(response, 422)
    assert details["type"] == "urn:sourcediff:problem:unprocessable"
    assert "left" in details["detail"]


def test_hostile_html_never_reaches_the_text(client: TestClient) -> None:
    html = (
        '<body onload="steal()"><p onclick="evil()">He said: “Stay calm.”'
        "<script>document.write('“INJECTED”')</script>"
        "<style>p::after { content: '“STYLED”' }</style>"
        '<img src="x" onerror="alert(1)"><iframe srcdoc="<p>“FRAMED”</p>"></iframe>'
        "<noscript>“NOSCRIPT”</noscript><template>“TEMPLATE”</template></p></body>"
    )
    response = client.post("/v1/compare", json={"left": GOOD, "right": {"html": html}})
    assert response.status_code == 200
    right = response.json()["right"]
    assert right["text"] == "He said: “Stay calm.”"
    assert [q["text"] for q in right["quotes"]] == ["Stay calm."]


def test_unknown_route_is_404(client: TestClient, problem: ProblemCheck) -> None:
    details = problem(client.get("/v2/compare"), 404)
    assert details["type"] == "urn:sourcediff:problem:not-found"


def test_wrong_method_is_405(client: TestClient, problem: ProblemCheck) -> None:
    response = client.get("/v1/compare")
    details = problem(response, 405)
    assert details["type"] == "urn:sourcediff:problem:method-not-allowed"
    assert response.headers["allow"] == "POST"


def test_unexpected_errors_are_500_problems_and_logged(
    problem: ProblemCheck, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings())

    def boom() -> None:
        raise RuntimeError("database password is hunter2")

    app.add_api_route("/boom", boom)
    with (
        TestClient(app, raise_server_exceptions=False) as client,
        caplog.at_level(logging.ERROR, logger="service.http.problems"),
    ):
        response = client.get("/boom")

    details = problem(response, 500)
    assert details["type"] == "urn:sourcediff:problem:internal-error"
    # The server drops the connection after a 500: the client is told so.
    assert response.headers["connection"] == "close"
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    (record,) = caplog.records
    assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])


def test_a_problem_body_is_the_json_it_always_was() -> None:
    """Serialised once, by the schema: the same bytes as the JSON response
    of its members, absent ones left out (``json.dumps``, compact, UTF-8)."""
    detail = 'No resource at /v1/«x»\u2028"\\\x01\ttab 😀'
    errors = [{"pointer": "/left/text", "detail": "Field required", "type": "missing"}]
    response = problem_response(InvalidRequest(detail, errors=errors), "/v1/é")
    members = {
        "type": "urn:sourcediff:problem:invalid-request",
        "title": InvalidRequest.title,
        "status": 422,
        "detail": detail,
        "instance": "/v1/é",
        "errors": errors,
    }
    expected = json.dumps(members, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert bytes(response.body) == expected
    assert response.media_type == "application/problem+json"
