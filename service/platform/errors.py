"""Domain errors, each carrying the HTTP status and problem type it maps to.

Raise them anywhere below the API (use cases, CLI helpers); one set of
handlers in ``service.http.problems`` renders them as RFC 9457 problem
details, and the CLI prints their ``detail``. The hierarchy::

    SourcediffError              500  internal-error
    ├── BadRequest               400  bad-request
    │   └── MalformedBody        400  malformed-body    (not JSON, not UTF-8)
    ├── Unauthorized             401  unauthorized      (WWW-Authenticate: Bearer)
    ├── Forbidden                403  forbidden         (the key lacks a scope)
    ├── NotFound                 404  not-found
    ├── RequestTimeout           408  request-timeout   (the body did not arrive in time)
    ├── Conflict                 409  conflict
    ├── PayloadTooLarge          413  payload-too-large
    ├── UnsupportedMediaType     415  unsupported-media-type
    ├── Unprocessable            422  unprocessable
    │   ├── InvalidRequest       422  invalid-request   (with per-field errors)
    │   ├── FetchRefused         422  fetch-refused     (a URL we will not fetch, or its answer)
    │   └── TooComplex           422  too-complex       (the work overran its deadline)
    ├── TooManyRequests          429  rate-limited      (Retry-After: seconds)
    ├── ClientClosed             499  client-closed-request (the client left; work stopped)
    ├── BadGateway               502  bad-gateway       (the origin of a fetched URL failed)
    └── ServiceUnavailable       503  service-unavailable
        └── Overloaded           503  overloaded        (Retry-After: seconds)

An error may carry response ``headers`` (``WWW-Authenticate``,
``Retry-After``). A problem's ``type`` is ``urn:sourcediff:problem:<slug>``:

>>> err = NotFound("article 'a1' not found")
>>> err.status, err.type, err.title, err.detail
(404, 'urn:sourcediff:problem:not-found', 'Not found', "article 'a1' not found")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar

__all__ = [
    "BadGateway",
    "BadRequest",
    "ClientClosed",
    "Conflict",
    "FetchRefused",
    "FieldError",
    "Forbidden",
    "InvalidRequest",
    "MalformedBody",
    "NotFound",
    "Overloaded",
    "PayloadTooLarge",
    "RequestTimeout",
    "ServiceUnavailable",
    "SourcediffError",
    "TooComplex",
    "TooManyRequests",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
    "existing",
    "problem_type",
]

PROBLEM_TYPE_PREFIX = "urn:sourcediff:problem:"

# One entry of a problem's ``errors`` list: ``{"pointer": "/left/text", "detail": …}`` (RFC 6901).
FieldError = Mapping[str, str]


def problem_type(slug: str) -> str:
    """The problem ``type`` URI for ``slug``: ``urn:sourcediff:problem:<slug>``."""
    return PROBLEM_TYPE_PREFIX + slug


class SourcediffError(Exception):
    """Base of every error the service reports to its callers on purpose."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)
        self.headers: Mapping[str, str] = dict(headers or {})

    @property
    def type(self) -> str:
        return problem_type(self.slug)

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors come back pickled from worker processes (service.platform.
        # compute): rebuilt from their args and attributes, since __init__'s
        # signature differs from class to class.
        return (_rebuild, (type(self), self.args), self.__dict__)


def _rebuild(cls: type[SourcediffError], args: tuple[Any, ...]) -> SourcediffError:
    """An error of ``cls`` with ``args``, its attributes set by pickle.

    >>> import pickle
    >>> err = pickle.loads(pickle.dumps(TooManyRequests("slow down", retry_after=7)))
    >>> err.detail, err.retry_after, dict(err.headers)
    ('slow down', 7, {'Retry-After': '7'})
    """
    error = cls.__new__(cls)
    error.args = args
    return error


class BadRequest(SourcediffError):
    status = 400
    slug = "bad-request"
    title = "Bad request"


class MalformedBody(BadRequest):
    slug = "malformed-body"
    title = "Malformed request body"


class Unauthorized(SourcediffError):
    """No API key, or one that is unknown or revoked."""

    status = 401
    slug = "unauthorized"
    title = "Unauthorized"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(SourcediffError):
    """A valid API key without the scope the request needs."""

    status = 403
    slug = "forbidden"
    title = "Forbidden"


class NotFound(SourcediffError):
    status = 404
    slug = "not-found"
    title = "Not found"


Found = TypeVar("Found")


def existing(found: Found | None, what: str) -> Found:
    """``found``, the result of a read by id or name; ``NotFound`` ("{what}
    not found") when the read found nothing.

    >>> existing(None, "feed 7")
    Traceback (most recent call last):
    ...
    service.platform.errors.NotFound: feed 7 not found
    """
    if found is None:
        raise NotFound(f"{what} not found")
    return found


class RequestTimeout(SourcediffError):
    """The request's body did not arrive within ``body_timeout_seconds``."""

    status = 408
    slug = "request-timeout"
    title = "Request timeout"


class Conflict(SourcediffError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class PayloadTooLarge(SourcediffError):
    status = 413
    slug = "payload-too-large"
    title = "Payload too large"


class UnsupportedMediaType(SourcediffError):
    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported media type"


class Unprocessable(SourcediffError):
    status = 422
    slug = "unprocessable"
    title = "Unprocessable content"


class InvalidRequest(Unprocessable):
    slug = "invalid-request"
    title = "Invalid request"


class FetchRefused(Unprocessable):
    """A URL Sourcediff will not fetch (a scheme other than http/https,
    credentials in it, an address that is not public), or an answer it will
    not take (a content type it did not ask for, a body over the limit)."""

    slug = "fetch-refused"
    title = "Fetch refused"


class TooComplex(Unprocessable):
    """The work a request asked for overran the deadline for computing
    (``compute_timeout_seconds``) and was stopped; the detail says what to
    send instead."""

    slug = "too-complex"
    title = "Too complex"


class TooManyRequests(SourcediffError):
    """The key's requests this minute are over its limit; ``retry_after``
    is the number of seconds until the next window."""

    status = 429
    slug = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int | None = None) -> None:
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        super().__init__(detail, headers=headers)
        self.retry_after = retry_after


class ClientClosed(SourcediffError):
    """The client closed the connection before its answer was ready, so the
    work for it was stopped. Nobody reads this answer; the status (nginx's
    499) is for the log and the metrics."""

    status = 499
    slug = "client-closed-request"
    title = "Client closed request"


class BadGateway(SourcediffError):
    """The origin of a fetched URL failed: no answer in time, no connection,
    an error status (its 404 too), too many redirects."""

    status = 502
    slug = "bad-gateway"
    title = "Bad gateway"


class ServiceUnavailable(SourcediffError):
    status = 503
    slug = "service-unavailable"
    title = "Service unavailable"


class Overloaded(ServiceUnavailable):
    """Too much heavy work is running or waiting to take one more; retry
    after ``retry_after`` seconds."""

    slug = "overloaded"
    title = "Service overloaded"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after
