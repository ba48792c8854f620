"""Every error as an RFC 9457 problem response."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException

from service.platform import metrics
from service.platform.errors import (
    FieldError,
    InvalidRequest,
    MalformedBody,
    SourcediffError,
    problem_type,
)
from service.platform.logs import current_request_id
from service.platform.problems import Problem, ProblemError

__all__ = ["ProblemResponse", "answer", "install_problem_handlers", "problem_response"]


logger = logging.getLogger(__name__)


# One class per status: the direct subclasses (BadRequest, NotFound, …).
_BY_STATUS = {cls.status: cls for cls in SourcediffError.__subclasses__()}


class ProblemResponse(Response):
    """A ``Problem`` as ``application/problem+json``, serialised once by its
    schema (absent members left out)."""

    media_type = "application/problem+json"

    def render(self, content: Any) -> bytes:
        assert isinstance(content, Problem)
        return content.model_dump_json(exclude_none=True).encode("utf-8")


def _response(
    status: int,
    type_: str,
    title: str,
    detail: str | None,
    instance: str,
    *,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    problem = Problem(
        type=type_,
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=[ProblemError.model_validate(e) for e in errors] or None,
        request_id=current_request_id(),
    )
    metrics.ERRORS.labels(type=type_.rsplit(":", 1)[-1]).inc()
    return ProblemResponse(problem, status_code=status, headers=headers)


def problem_response(
    error: SourcediffError, instance: str, *, headers: Mapping[str, str] | None = None
) -> ProblemResponse:
    """``error`` as a problem response about the request for ``instance``,
    with the error's own headers (``WWW-Authenticate``, ``Retry-After``) and
    ``headers``."""
    return _response(
        error.status,
        error.type,
        error.title,
        error.detail,
        instance,
        errors=error.errors,
        headers={**error.headers, **(headers or {})} or None,
    )


def _pointer(loc: Iterable[int | str]) -> str:
    """Where a validation error is, as an RFC 6901 JSON pointer into the
    request body (``""`` is the whole body); an error in the query, path or
    headers points at its parameter under ``/query``, ``/path``, ``/header``.

    >>> _pointer(("body", "bodies", 0, "value")), _pointer(("body",)), _pointer(("query", "limit"))
    ('/bodies/0/value', '', '/query/limit')
    >>> _pointer(("body", "a/b~c"))
    '/a~1b~0c'
    """
    parts = list(loc)
    if parts[:1] == ["body"]:
        parts = parts[1:]
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped)


def _validation_error(exc: RequestValidationError) -> SourcediffError:
    errors = list(exc.errors())
    invalid_json = [e for e in errors if e.get("type") == "json_invalid"]
    if invalid_json:
        where = invalid_json[0]["loc"][-1]
        reason = invalid_json[0].get("ctx", {}).get("error", "invalid JSON")
        return MalformedBody(f"Request body is not valid JSON: {reason} at character {where}")
    fields = [
        {"pointer": _pointer(e["loc"]), "detail": e["msg"], "type": e["type"]} for e in errors
    ]
    count = f"{len(fields)} error" + ("s" if len(fields) != 1 else "")
    places = {str(e["loc"][0]) for e in errors if e.get("loc")}
    what = _PLACES.get(places.pop(), "request") if len(places) == 1 else "request"
    return InvalidRequest(f"The {what} is invalid ({count}; see errors)", errors=fields)


# Where a validation error is, as FastAPI's locations name it.
_PLACES = {
    "body": "request body",
    "query": "query string",
    "path": "request path",
    "header": "request's headers",
}


def _allowed_methods(request: Request, exc: HTTPException) -> str:
    """Every method that some route with this path template takes.
    Starlette's 405 names only the first route whose path matched (``POST``
    on ``/v1/articles``, where ``GET`` works too)."""
    template = getattr(request.scope.get("route"), "path", None)
    methods: set[str] = set()
    if template is not None:
        for route in iter_route_contexts(request.app.routes):
            if route.path == template:
                methods |= route.methods or set()
    return ", ".join(sorted(methods)) or (exc.headers or {}).get("Allow", "")


def _http_detail(request: Request, exc: HTTPException) -> str:
    """Starlette's detail, or a useful one where it only repeats the phrase."""
    path = request.url.path
    if exc.detail != HTTPStatus(exc.status_code).phrase:
        return exc.detail
    if exc.status_code == 404:
        return f"No resource at {path}"
    if exc.status_code == 405:
        return f"{request.method} is not allowed on {path}; use {_allowed_methods(request, exc)}"
    return exc.detail


def _deliver(request: Request, problem: ProblemResponse) -> Response:
    """``problem``, or the page that shows it when a browser asked for a
    page (``app.state.wants_page`` and ``error_page``, set by the pages)."""
    state = request.app.state
    wants_page = getattr(state, "wants_page", None)
    if wants_page is not None and wants_page(request):
        try:
            page: Response = state.error_page(request, problem)
        except Exception:  # the page must never hide the problem it shows
            logger.exception("error page failed; answering with the problem itself")
            return problem
        return page
    return problem


def answer(error: SourcediffError, request: Request) -> Response:
    """``error`` as the answer to ``request``: its problem response, or the
    page that shows it when a browser asked for a page. For middleware that
    answers before the app's handlers can (the body limit, NUL in a URL)."""
    return _deliver(request, problem_response(error, request.url.path))


def _body_error(exc: HTTPException) -> MalformedBody | None:
    """The body FastAPI could not parse, said as a malformed body (400 with
    a reason) rather than its bare 400 ``There was an error parsing the body``."""
    cause = exc.__cause__
    if exc.status_code != 400 or cause is None:
        return None
    if isinstance(cause, UnicodeDecodeError):
        return MalformedBody(f"Request body is not valid UTF-8: {cause.reason}")
    if isinstance(cause, RecursionError):
        # Python's JSON parser stops at its recursion limit (about 1,000 levels).
        return MalformedBody("Request body nests arrays or objects too deeply to be read")
    return MalformedBody(f"Request body could not be read: {exc.detail}")


async def _on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SourcediffError)
    return _deliver(request, problem_response(exc, request.url.path))


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return _deliver(request, problem_response(_validation_error(exc), request.url.path))


async def _on_http_error(request: Request, exc: Exception) -> Response:
    # Routing errors (404, 405) and FastAPI's own 400 for an unparseable body.
    assert isinstance(exc, HTTPException)
    status, path, detail = exc.status_code, request.url.path, _http_detail(request, exc)
    headers = exc.headers
    if status == 405:
        headers = {**(headers or {}), "Allow": _allowed_methods(request, exc)}
    cls = _BY_STATUS.get(status)
    error: SourcediffError | None = _body_error(exc)
    if error is None and cls is not None:
        error = cls(detail)
    if error is None:
        phrase = HTTPStatus(status).phrase
        title = phrase[:1] + phrase[1:].lower()  # sentence case, like the domain errors
        slug = phrase.lower().replace(" ", "-")
        problem = _response(status, problem_type(slug), title, detail, path, headers=headers)
        return _deliver(request, problem)
    return _deliver(request, problem_response(error, path, headers=headers))


async def _on_unexpected_error(request: Request, exc: Exception) -> Response:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    error = SourcediffError("The server failed to handle this request; it has been logged.")
    # Starlette re-raises the error once this answer is sent, and the server
    # then drops the connection: say so, so that a keep-alive client opens a
    # new one for its next request instead of failing on this one.
    response = _deliver(request, problem_response(error, request.url.path))
    response.headers["Connection"] = "close"
    return response


def install_problem_handlers(app: FastAPI) -> None:
    """Render every error ``app`` raises as a problem response."""
    app.add_exception_handler(SourcediffError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected_error)
