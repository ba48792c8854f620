"""The request body limit, as pure ASGI middleware: a body over
``max_body_bytes`` is refused with a 413 problem response, whether
``Content-Length`` announces it or a chunked body streams past it.

It reads the whole body (up to the limit) before the app sees the request,
then replays it: a rejection is then a clean response rather than an
exception raised from inside the app's body parsing, which FastAPI would
turn into a plain 400.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.http.problems import problem_response
from service.platform.errors import (
    NotFound,
    PayloadTooLarge,
    SourcediffError,
    Unprocessable,
)

__all__ = ["BodySizeLimit", "NoNulInUrl"]


class BodySizeLimit:
    """Refuses request bodies over ``max_body_bytes`` (413)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._reject(scope, receive, send)
            return

        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left; nobody to answer
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._reject(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # e.g. http.disconnect, for streaming responses
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = PayloadTooLarge(f"Request body exceeds the limit of {self.max_body_bytes:,} bytes")
        # The unread rest of the body makes the connection unusable: close it.
        response = problem_response(error, scope["path"], headers={"Connection": "close"})
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


class NoNulInUrl:
    """Answers a URL that holds a NUL character before any route reads it:
    no database keeps one in text, and PostgreSQL fails a query that
    compares with one (an id, an outlet, a URL), which answered 500. A path
    with one names nothing (404); a query with one cannot be run (422)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            error: SourcediffError | None = None
            if "\x00" in scope["path"]:
                error = NotFound("No resource has a NUL character (%00) in its path")
            elif b"%00" in scope["query_string"] or b"\x00" in scope["query_string"]:
                error = Unprocessable("The query holds a NUL character (%00), which nothing takes")
            if error is not None:
                await problem_response(error, scope["path"])(scope, receive, send)
                return
        await self.app(scope, receive, send)
