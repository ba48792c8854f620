"""Slow and greedy clients against a real ``sourcediff serve`` (issue 15,
finding 9), over raw sockets: a body that stops arriving gets a 408 and the
connection closes; uvicorn's own limits (idle keep-alive, header size,
connections per worker) are the settings' values. The tests assert what
the server answers, never how long it took."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.serving import Server

BODY_TIMEOUT = "1"
MAX_HEADER_BYTES = 4096


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    env = {
        "SOURCEDIFF_BODY_TIMEOUT_SECONDS": BODY_TIMEOUT,
        "SOURCEDIFF_KEEP_ALIVE_SECONDS": "1",
        "SOURCEDIFF_MAX_HEADER_BYTES": str(MAX_HEADER_BYTES),
    }
    with Server(env=env) as running:
        yield running


def _connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=60)


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One response from ``sock``: its status, headers and body."""
    reply = sock.makefile("rb")
    status = int(reply.readline().split()[1])
    headers: dict[str, str] = {}
    while (line := reply.readline().strip()) != b"":
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reply.read(int(headers.get("content-length", "0")))
    return status, headers, body


def _closed(sock: socket.socket) -> bool:
    """Whether the server closes ``sock`` (it reads until the end, within
    the socket's generous timeout)."""
    try:
        while chunk := sock.recv(4096):
            del chunk
    except TimeoutError:
        return False
    return True


def _get(path: str = "/healthz") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def test_a_body_that_stops_arriving_gets_a_408_and_the_connection_closes(
    server: Server,
) -> None:
    head = (
        b"POST /v1/compare HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    with _connect(server) as sock:
        sock.sendall(head + b'{"left"')  # 7 of the 1,000 bytes announced
        status, headers, body = _read_response(sock)
        assert status == 408
        assert headers["content-type"] == "application/problem+json"
        assert headers["connection"] == "close"
        problem: dict[str, Any] = json.loads(body)
        assert problem["type"] == "urn:sourcediff:problem:request-timeout"
        assert f"{BODY_TIMEOUT} seconds" in problem["detail"]
        assert _closed(sock)
    # The server answers others as before.
    with _connect(server) as sock:
        sock.sendall(_get())
        assert _read_response(sock)[0] == 200


def test_an_idle_keep_alive_connection_is_closed(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(_get())
        status, headers, _ = _read_response(sock)
        assert status == 200 and headers.get("connection") != "close"
        assert _closed(sock)  # after SOURCEDIFF_KEEP_ALIVE_SECONDS of silence


def test_a_request_head_longer_than_the_limit_is_refused(server: Server) -> None:
    # uvicorn (h11) buffers at most max_header_bytes of a head that has not
    # ended: a client trickling headers cannot make it keep more.
    start = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: "
    with _connect(server) as sock:
        sock.sendall(start + b"a" * (2 * MAX_HEADER_BYTES))  # no end of line, no end of head
        assert _read_response(sock)[0] == 400
    with _connect(server) as sock:
        sock.sendall(start + b"a" * (MAX_HEADER_BYTES // 4) + b"\r\n\r\n")
        assert _read_response(sock)[0] == 200


def test_connections_past_the_limit_get_503() -> None:
    env = {"SOURCEDIFF_MAX_CONNECTIONS": "3", "SOURCEDIFF_KEEP_ALIVE_SECONDS": "60"}
    with Server(env=env) as server:
        held = [_connect(server) for _ in range(2)]
        try:
            for sock in held:  # each served, and kept open
                sock.sendall(_get())
                assert _read_response(sock)[0] == 200
            with _connect(server) as third:
                third.sendall(_get())
                assert _read_response(third)[0] == 503
        finally:
            for sock in held:
                sock.close()
