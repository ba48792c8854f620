"""Request ids, the request log and the request metrics: pure ASGI middleware.

``RequestObservability`` wraps the whole app (outside Starlette's error
middleware, so a 500 is seen too). For each HTTP request it

- takes the caller's ``X-Request-ID`` when it is 1–128 visible ASCII
  characters, else makes one (32 hex digits), makes it current for the
  request (``service.platform.logs.request_context``: every record logged while
  the request is handled carries it, and problem bodies include it) and
  sends it back as the ``X-Request-ID`` response header;
- logs one record to ``sourcediff.access`` when the response is sent:
  ``method``, ``route`` (the template, ``/v1/articles/{article_id}``,
  or null when no route matched), ``status``, ``duration_ms``,
  ``request_id`` and ``client`` (the peer's address);
- counts it in ``service.platform.metrics.REQUESTS`` and ``REQUEST_DURATION``.

A request whose client left before any response has status 499 (nginx's
"client closed request").
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.platform import metrics
from service.platform.logs import request_context

__all__ = ["REQUEST_ID_HEADER", "RequestObservability"]

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")
# Visible ASCII only: the id is echoed in a header and written to logs.
_SANE_ID = re.compile(r"[\x21-\x7e]{1,128}")
_CLIENT_CLOSED = 499
_UNMATCHED = "unmatched"

access_logger = logging.getLogger("sourcediff.access")


def _request_id(scope: Scope) -> str:
    for key, value in scope["headers"]:
        if key == _HEADER_KEY:
            candidate: str = value.decode("latin-1")
            if _SANE_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def _route_template(scope: Scope) -> str | None:
    # Starlette's router puts the matched route (or, for a 405, the route
    # that has the path) into the scope; ``path`` is its template.
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None


def _client(scope: Scope) -> str | None:
    client = scope.get("client")
    return None if client is None else str(client[0])


class RequestObservability:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        header = (_HEADER_KEY, request_id.encode("latin-1"))
        status = _CLIENT_CLOSED
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != _HEADER_KEY]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        with request_context(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                # Starlette's error middleware has sent the 500 (if it could)
                # and re-raises for the server to see; count it here first.
                if status == _CLIENT_CLOSED:
                    status = 500
                raise
            finally:
                self._record(scope, request_id, status, time.perf_counter() - started)

    @staticmethod
    def _record(scope: Scope, request_id: str, status: int, seconds: float) -> None:
        method: str = scope["method"]
        route = _route_template(scope)
        label = route or _UNMATCHED
        metrics.REQUESTS.labels(method=method, route=label, status=str(status)).inc()
        metrics.REQUEST_DURATION.labels(method=method, route=label).observe(seconds)
        duration_ms = round(seconds * 1000, 2)
        # The raw path stays out: it may hold ids, or newlines that would
        # forge lines in a plain-text log.
        access_logger.info(
            "%s %s %s %.2fms",
            method,
            label,
            status,
            duration_ms,
            extra={
                "request_id": request_id,
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
                "client": _client(scope),
            },
        )
