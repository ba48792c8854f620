"""Issue 15, finding 1: comparing and diffing run with a deadline, in the
compute pool's worker processes (``service.platform.compute``).

- A comparison, a version diff (API and pages) that overruns
  ``compute_timeout_seconds`` gets a 422 ``too-complex`` problem (a page:
  its error view) and the service goes on answering.
- A full pool answers 503 ``overloaded`` with ``Retry-After``.
- Through the pool, the answers are byte for byte those computed in the
  server's threads, stored sides included, on both databases.

The slow inputs are real: a side of 1,000,000 “ (the issue's), and long
generated articles; no timed assertions (a deadline of 0.2 s against work
of a second or more, and a 60 s deadline against a task that never ends).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.http import create_app
from service.platform.compute import Compute
from service.platform.config import Settings
from tests.core._samples import long_article
from tests.platform.test_compute import spin
from tests.problems import ProblemCheck

MIB = 1024 * 1024
HTML = {"accept": "text/html,application/xhtml+xml"}
SMALL = {"left": {"text": '"We will win," he said.'}, "right": {"text": '"We win," she said.'}}
# The input: 1,000,000 opening marks (1.7 s of work on two cores).
HUGE = {"left": {"text": "“" * 1_000_000}, "right": {"text": '"We win," she said.'}}


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def _app(database_url: str | None = None, **overrides: Any) -> TestClient:
    settings = Settings(
        background=False, max_body_bytes=16 * MIB, max_text_chars=1_000_000, **overrides
    )
    if database_url is not None:
        settings = settings.model_copy(update={"database_url": database_url})
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def hasty() -> Iterator[TestClient]:
    """Everything through the pool, with a deadline of 0.2 s."""
    with _app(compute_timeout_seconds=0.2, compute_inline_chars=0) as client:
        # The pool is up (its first start, with the fork server's, is slow).
        assert client.post("/v1/compare", json=SMALL).status_code == 200
        yield client


def test_a_comparison_over_the_deadline_is_too_complex(
    hasty: TestClient, problem: ProblemCheck
) -> None:
    response = hasty.post(
        "/v1/compare", content=_json(HUGE), headers={"content-type": "application/json"}
    )

    body = problem(response, 422)
    assert body["type"] == "urn:sourcediff:problem:too-complex"
    assert body["title"] == "Too complex"
    assert "limit of 0.2 s" in body["detail"]
    assert '"passages": false' in body["detail"]
    # Its worker was replaced: the next comparison is answered.
    assert hasty.post("/v1/compare", json=SMALL).status_code == 200


def test_a_pasted_comparison_over_the_deadline_comes_back_to_the_form(
    hasty: TestClient,
) -> None:
    # Form fields stop at 1 MiB: ~120,000 characters, most of a second of work.
    left, _ = long_article(20000, seed=5)
    form = {"left_text": left, "right_text": left.replace(" said", " told reporters")}

    page = hasty.post("/compare", data=form, headers=HTML)

    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "limit of 0.2 s" in page.text and "compare shorter texts" in page.text
    assert "<textarea" in page.text  # the form, with what was pasted


def test_a_full_pool_answers_503_with_retry_after(problem: ProblemCheck) -> None:
    settings = {"compute_workers": 1, "compute_queue": 0, "compute_timeout_seconds": 60}
    with _app(compute_inline_chars=0, **settings) as client:
        assert client.portal is not None
        compute: Compute = client.app.state.compute  # type: ignore[attr-defined]
        # A task that never ends on its own holds the only place.
        busy = client.portal.start_task_soon(functools.partial(compute.run, spin, 600))
        try:
            while compute.in_flight == 0:
                assert not busy.done(), busy.exception()
            body = problem(client.post("/v1/compare", json=SMALL), 503)
            page = client.post("/compare", data={"left_text": "a", "right_text": "b"}, headers=HTML)
        finally:
            busy.cancel()
    assert body["type"] == "urn:sourcediff:problem:overloaded"
    assert "retry in 60 s" in body["detail"]
    assert page.status_code == 503 and page.headers["retry-after"] == "60"
    assert page.headers["content-type"].startswith("text/html")


def test_a_full_pool_says_when_to_retry() -> None:
    settings = {"compute_workers": 1, "compute_queue": 0, "compute_timeout_seconds": 7.5}
    with _app(compute_inline_chars=0, **settings) as client:
        assert client.portal is not None
        compute: Compute = client.app.state.compute  # type: ignore[attr-defined]
        busy = client.portal.start_task_soon(functools.partial(compute.run, spin, 600))
        try:
            # Polled with a pause: a tight loop here held the GIL that the
            # portal's thread needs to start the task (flaky under load).
            while compute.in_flight == 0:
                assert not busy.done(), busy.exception()
                time.sleep(0.01)
            response = client.post("/v1/compare", json=SMALL)
        finally:
            busy.cancel()
        assert response.status_code == 503
        assert response.headers["retry-after"] == "8"
        # The place is free again once the task is gone: its cancellation
        # reaches the pool asynchronously, so wait for it (at most a minute).
        gone = time.monotonic() + 60
        while compute.in_flight and time.monotonic() < gone:
            time.sleep(0.01)
        assert compute.in_flight == 0
        assert client.post("/v1/compare", json=SMALL).status_code == 200


# Through the pool and inline: the same bytes ------------------------------


def _pair() -> tuple[str, str]:
    """Two generated articles of ~30,000 characters each: over the default
    ``compute_inline_chars``, so the default server uses its pool."""
    left, _ = long_article(5000, seed=3)
    return left, left.replace(" said", " told reporters").replace("council", "County Council")


@pytest.fixture(scope="module")
def both(module_database_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps on one database: one computing in its threads, one in its
    worker processes."""
    with (
        _app(module_database_url, compute_inline_chars=10**9) as inline,
        _app(module_database_url, compute_inline_chars=0) as pooled,
    ):
        yield inline, pooled


def _store(client: TestClient, url: str, text: str) -> str:
    response = client.post("/v1/articles", json={"outlet": "Daily", "url": url, "text": text})
    assert response.status_code in (200, 201), response.text
    article_id: str = response.json()["id"]
    return article_id


def test_comparisons_through_the_pool_equal_those_computed_inline(
    both: tuple[TestClient, TestClient],
) -> None:
    inline, pooled = both
    left, right = _pair()
    article = _store(inline, "https://daily.example/pool-compare", right)
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in left.split("\n\n"))
    bodies = [
        {"left": {"text": left}, "right": {"text": right}},
        {"left": {"html": html + "</article></body></html>"}, "right": {"text": right}},
        {"left": {"text": left}, "right": {"article_id": article}, "passages": False},
        {"left": {"text": left}, "right": {"text": right}, "primary": [{"text": right[:5000]}]},
    ]
    for body in bodies:
        answers = [client.post("/v1/compare", json=body) for client in (inline, pooled)]
        assert [a.status_code for a in answers] == [200, 200], answers[1].text
        assert answers[0].headers["content-type"] == answers[1].headers["content-type"]
        assert answers[0].content == answers[1].content
        assert answers[1].json()["matches"]


def test_version_diffs_through_the_pool_equal_those_computed_inline(
    both: tuple[TestClient, TestClient],
) -> None:
    inline, pooled = both
    old, new = _pair()
    url = "https://daily.example/pool-diff"
    article = _store(inline, url, old)
    _store(inline, url, new)
    answers = [client.get(f"/v1/articles/{article}/diff") for client in (inline, pooled)]
    assert [a.status_code for a in answers] == [200, 200], answers[1].text
    assert answers[0].content == answers[1].content
    assert answers[1].json()["quotes"]["changed"]
    pages = [c.get(f"/articles/{article}/diff", headers=HTML) for c in (inline, pooled)]
    assert [p.status_code for p in pages] == [200, 200]
    assert pages[0].text == pages[1].text


def test_a_version_diff_over_the_deadline_is_too_complex(
    module_database_url: str, problem: ProblemCheck
) -> None:
    old, _ = long_article(20000, seed=5)  # ~120,000 characters: a second of diffing
    new = old.replace(" said", " told reporters")
    with _app(module_database_url, compute_timeout_seconds=0.2, compute_inline_chars=0) as client:
        url = "https://daily.example/slow-diff"
        article = _store(client, url, old)
        _store(client, url, new)
        assert client.get(f"/v1/articles/{article}/versions").status_code == 200

        body = problem(client.get(f"/v1/articles/{article}/diff"), 422)
        page = client.get(f"/articles/{article}/diff", headers=HTML)
        stored = client.get(f"/compare?left={article}@1&right={article}@2", headers=HTML)

    assert body["type"] == "urn:sourcediff:problem:too-complex"
    assert "limit of 0.2 s" in body["detail"] and "closer" in body["detail"]
    for shown in (page, stored):
        assert shown.status_code == 422
        assert shown.headers["content-type"].startswith("text/html")
        assert "Too complex" in shown.text and "limit of 0.2 s" in shown.text
