"""Two guards in front of the app, as pure ASGI middleware.

``BodySizeLimit``: a body over ``max_body_bytes`` is refused with a 413,
whether ``Content-Length`` announces it or a chunked body streams past it;
a body that has not fully arrived ``body_timeout_seconds`` after the
request's head is refused with a 408 (a client that announces 1,000 bytes
and sends 7 held its connection, and a worker's memory, for as long as it
liked). It reads the whole body (up to the limit) before the app sees the
request, then replays it: a rejection is then a clean response rather than
an exception raised from inside the app's body parsing, which FastAPI would
turn into a plain 400.

``NoNulInUrl``: a URL with a NUL character is answered before any route
reads it. ``BodySizeLimit`` likewise refuses a JSON body that holds one (the
escape ``\\u0000`` in any string): no database keeps a NUL in text and
PostgreSQL fails a statement that carries one, so a feed's outlet or a
story's article id with one answered 500. Refusing it once, here, covers
every route and every field, present and future, before any reaches SQL.

Both answer as the app's handlers do (``service.http.problems.answer``): a
problem, or the error page when a browser asked for a page.
"""

from __future__ import annotations

import re

import anyio
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.http.problems import answer
from service.platform.errors import (
    NotFound,
    PayloadTooLarge,
    RequestTimeout,
    SourcediffError,
    Unprocessable,
)

__all__ = ["BodySizeLimit", "NoNulInUrl"]

# JSON's escape of a NUL, not itself escaped: an odd run of backslashes then
# u0000. (A raw NUL byte is not valid JSON; the parser refuses it.) Linear:
# the look-behind lets a match start only at the head of a run.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


async def _refuse(
    error: SourcediffError, scope: Scope, receive: Receive, send: Send, *, close: bool = False
) -> None:
    response = answer(error, Request(scope))
    if close:
        # The unread rest of the body makes the connection unusable: close it.
        response.headers["Connection"] = "close"
    await response(scope, receive, send)


class BodySizeLimit:
    """Refuses request bodies over ``max_body_bytes`` (413) and bodies that
    take longer than ``body_timeout_seconds`` to arrive (408)."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, body_timeout_seconds: float = 30.0
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_seconds = body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await _refuse(self._too_large(), scope, receive, send, close=True)
            return
        try:
            # One deadline for the whole body, not one per chunk: a byte a
            # second would renew a per-chunk one for ever.
            with anyio.fail_after(self.body_timeout_seconds):
                body = await self._body(receive)
        except TimeoutError:
            late = RequestTimeout(
                f"The request body did not arrive within {self.body_timeout_seconds:g} seconds"
            )
            await _refuse(late, scope, receive, send, close=True)
            return
        except PayloadTooLarge as error:
            await _refuse(error, scope, receive, send, close=True)
            return
        if body is None:
            return  # the client left; nobody to answer
        # The substring test first: it rules out almost every body at C
        # speed, before the header is parsed and the pattern is run.
        if b"\\u0000" in body and _is_json(scope) and _JSON_NUL.search(body):
            nul = Unprocessable(
                "The request body holds a NUL character (\\u0000), which nothing takes"
            )
            await _refuse(nul, scope, receive, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # e.g. http.disconnect, for streaming responses
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _body(self, receive: Receive) -> bytes | None:
        """The whole body, ``None`` when the client left first;
        ``PayloadTooLarge`` as soon as it is over the limit."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise self._too_large()
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"Request body exceeds the limit of {self.max_body_bytes:,} bytes")


def _is_json(scope: Scope) -> bool:
    media = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


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
                await _refuse(error, scope, receive, send)
                return
        await self.app(scope, receive, send)
