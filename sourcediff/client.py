"""A Python client for a Sourcediff service, for newsroom integrations.

>>> from sourcediff.client import Client, stored
>>> with Client("http://127.0.0.1:8000", api_key="sdk_…") as sd:  # doctest: +SKIP
...     result = sd.compare('"We will not," she said.', '"We will," she said.')
...     [match.relation for match in result.matches]
['reworded']

Each method is one request and answers the service's own response model
(``service.*.schemas``, the models the server validates and documents in
``openapi.json``), so a field the service adds reaches the caller typed.
A side (``compare``, ``check``) is a text (a ``str``), ``html(...)``,
``stored(article_id, version)`` or any mapping in the request's shape.

Decisions:

- **Errors are problems.** A 4xx or 5xx answer raises ``ProblemError``
  with the RFC 9457 fields (``status``, ``type``, ``title``, ``detail``,
  ``errors``, ``request_id``); a service that cannot be reached raises
  ``httpx.TransportError`` as httpx does.
- **Retries where the service asks for them.** A 429 (rate limit) or 503
  (overloaded, every fetch slot taken, a database contention) is tried
  again, at most ``retries`` times, after the ``Retry-After`` the answer
  gives (seconds or an HTTP date; capped at ``max_wait``), else after 0.5,
  1, 2 … seconds. Every request here is safe to repeat: reads and
  comparisons change nothing, and storing the same text again is answered
  ``created: false`` (send an ``idempotency_key`` to have the first answer
  replayed exactly). A transport error (connection refused, a timeout) is
  raised at once: the client cannot tell whether the service is coming
  back, and the caller's own retry policy knows better.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from service.articles.schemas import ArticleRecorded, VersionDiff, VersionPage
from service.checks.schemas import CheckResponse
from service.compare.schemas import CompareResponse
from service.quotes.schemas import SearchPage

__all__ = ["RETRIED", "Client", "ProblemError", "Side", "html", "stored", "text"]

Side = str | Mapping[str, Any]
Model = TypeVar("Model", bound=BaseModel)

# The statuses a request is tried again on: the service says "later".
RETRIED = frozenset({429, 503})


def text(value: str, *, outlet: str | None = None) -> dict[str, Any]:
    """A side given as plain text."""
    return {"text": value} | ({"outlet": outlet} if outlet else {})


def html(value: str, *, outlet: str | None = None) -> dict[str, Any]:
    """A side given as an HTML page (the service extracts its article)."""
    return {"html": value} | ({"outlet": outlet} if outlet else {})


def stored(article_id: str, version: int | None = None) -> dict[str, Any]:
    """A stored article's version (the latest when ``version`` is ``None``)."""
    return {"article_id": article_id} | ({"version": version} if version is not None else {})


def _side(side: Side) -> dict[str, Any]:
    return text(side) if isinstance(side, str) else dict(side)


class ProblemError(Exception):
    """The service answered with a problem (RFC 9457)."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        self.status = status
        self.problem = dict(problem)
        self.type: str = str(problem.get("type", "about:blank"))
        self.title: str = str(problem.get("title", ""))
        self.detail: str = str(problem.get("detail", ""))
        self.errors: list[Any] = list(problem.get("errors") or [])
        self.request_id: str | None = problem.get("request_id")
        super().__init__(f"{status} {self.title}: {self.detail}".strip())

    @classmethod
    def of(cls, response: httpx.Response) -> ProblemError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {"title": response.reason_phrase, "detail": response.text[:500]}
        return cls(response.status_code, body)


def retry_after(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """The seconds ``Retry-After`` asks to wait (a number or an HTTP date),
    ``None`` when it is absent or unreadable."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Client:
    """A Sourcediff service at ``url``; ``api_key`` is sent as a bearer token.

    Use it as a context manager, or call ``close``. ``transport`` is
    httpx's (a test can hand an ``httpx.MockTransport`` or an app's
    transport); ``sleep`` is how the client waits between tries.
    """

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        max_wait: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(
            base_url=url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )
        self.retries = retries
        self.max_wait = max_wait
        self._sleep = sleep

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # The service's operations ------------------------------------------

    def compare(
        self,
        left: Side,
        right: Side,
        *,
        primary: Sequence[Side] | None = None,
        **options: Any,
    ) -> CompareResponse:
        """``POST /v1/compare``: the quotations of two sides aligned and
        diffed; ``options`` are the request's other fields (``passages``,
        ``min_score``, …)."""
        body: dict[str, Any] = {"left": _side(left), "right": _side(right), **options}
        if primary is not None:
            body["primary"] = [_side(p) for p in primary]
        return self._call(CompareResponse, "POST", "/v1/compare", json=body)

    def ingest(
        self,
        article: Mapping[str, Any],
        *,
        outlet: str | None = None,
        idempotency_key: str | None = None,
    ) -> ArticleRecorded:
        """``POST /v1/articles``: store a version of an article, given in
        Sourcediff's shape (``outlet``, ``url`` or ``external_id``, ``text``
        or ``html``, …) or as a ninjs item (``outlet`` then names who
        published it)."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        params = {"outlet": outlet} if outlet else {}
        return self._call(
            ArticleRecorded,
            "POST",
            "/v1/articles",
            json=dict(article),
            params=params,
            headers=headers,
        )

    def versions(
        self, article_id: str, *, cursor: str | None = None, limit: int | None = None
    ) -> VersionPage:
        """``GET /v1/articles/{id}/versions``: one page of its versions,
        oldest first (``next`` is the cursor of the following page)."""
        params = _present(cursor=cursor, limit=limit)
        return self._call(VersionPage, "GET", f"/v1/articles/{article_id}/versions", params=params)

    def diff(
        self, article_id: str, *, from_version: int | None = None, to_version: int | None = None
    ) -> VersionDiff:
        """``GET /v1/articles/{id}/diff``: two versions' word diff (by
        default the latest against the one before) and quotation changes."""
        params = _present(**{"from": from_version, "to": to_version})
        return self._call(VersionDiff, "GET", f"/v1/articles/{article_id}/diff", params=params)

    def check(
        self,
        baseline: Side,
        candidate: Side,
        *,
        policy: str | Mapping[str, Any] | None = None,
    ) -> CheckResponse:
        """``POST /v1/checks``: whether ``candidate`` dropped or reworded
        what ``baseline`` quotes (``policy``: a saved policy's name, or
        ``{"fail_on": [...], "min_passage_words": n}``)."""
        body: dict[str, Any] = {"baseline": _side(baseline), "candidate": _side(candidate)}
        if policy is not None:
            body["policy"] = policy if isinstance(policy, str) else dict(policy)
        return self._call(CheckResponse, "POST", "/v1/checks", json=body)

    def search(
        self,
        q: str,
        *,
        min_score: float | None = None,
        scope: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> SearchPage:
        """``GET /v1/quotes/search``: stored quotations that are variants of ``q``."""
        params = _present(q=q, min_score=min_score, scope=scope, cursor=cursor, limit=limit)
        return self._call(SearchPage, "GET", "/v1/quotes/search", params=params)

    # Sending --------------------------------------------------------------

    def _call(self, model: type[Model], method: str, path: str, **request: Any) -> Model:
        return model.model_validate_json(self.request(method, path, **request).content)

    def request(self, method: str, path: str, **request: Any) -> httpx.Response:
        """One request, tried again on 429 and 503 (see the module
        docstring); its successful response, else ``ProblemError``."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            response = self._http.request(method, path, **request)
            if response.status_code in RETRIED and not last:
                self._sleep(self._backoff(attempt, retry_after(response)))
                continue
            if response.is_error:
                raise ProblemError.of(response)
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _backoff(self, attempt: int, asked: float | None) -> float:
        return min(self.max_wait, asked if asked is not None else 0.5 * 2**attempt)


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
