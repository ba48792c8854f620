"""End to end: a real uvicorn server in a subprocess, spoken to over TCP.

The server is started the way users start it (``sourcediff serve``, i.e.
``uvicorn service.main:app``) on a free 127.0.0.1 port, configured through
``SOURCEDIFF_*`` variables, with a small body limit so that oversize bodies
stay small. No mocks: httpx for ordinary requests, raw sockets where the
framing itself is under test.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.compare.schemas import CompareResponse
from service.compare.service import TextSource
from service.core import compare_texts

LIMIT = 16 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"server did not come up in 30 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**os.environ, "SOURCEDIFF_MAX_BODY_BYTES": str(LIMIT)}
    log = tmp_path_factory.mktemp("server") / "server.log"
    command = [sys.executable, "-m", "service.cli.app", "serve", "--host", "127.0.0.1"]
    with log.open("wb") as out:
        process = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=out, stderr=out)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process, log)
        yield f"http://127.0.0.1:{port}", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def http(server: tuple[str, int]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server[0], timeout=30) as client:
        yield client


def raw_exchange(
    port: int, head: bytes, body_parts: list[bytes]
) -> tuple[int, dict[str, str], Any]:
    """Send a hand-framed request; the status, headers and JSON body of the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        for part in body_parts:
            sock.sendall(part)
        with sock.makefile("rb") as reply:
            status = int(reply.readline().split()[1])
            headers = {}
            while (line := reply.readline().strip()) != b"":
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = json.loads(reply.read(int(headers["content-length"])))
    return status, headers, body


def assert_413(status: int, headers: dict[str, str], body: Any) -> None:
    assert status == 413
    assert headers["content-type"] == "application/problem+json"
    assert body["status"] == 413
    assert body["type"] == "urn:sourcediff:problem:payload-too-large"
    assert f"{LIMIT:,} bytes" in body["detail"]


def test_healthz(http: httpx.Client) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_compare_the_pair(http: httpx.Client, pair_texts: tuple[str, str]) -> None:
    left, right = pair_texts
    response = http.post("/v1/compare", json={"left": {"text": left}, "right": {"text": right}})
    assert response.status_code == 200
    sides = TextSource(left), TextSource(right)
    expected = CompareResponse.of(compare_texts(left, right), *sides)
    assert response.json() == expected.model_dump(mode="json", exclude_unset=True)


def test_compare_html(http: httpx.Client) -> None:
    html = '<p onclick="x()">He said: “We will not export them.”<script>evil()</script></p>'
    body = {"left": {"text": '"We will not export them."'}, "right": {"html": html}}
    response = http.post("/v1/compare", json=body)
    assert response.status_code == 200
    right = response.json()["right"]
    assert right["text"] == "He said: “We will not export them.”"
    (quote,) = right["quotes"]
    assert right["text"][quote["start"] : quote["end"]] == quote["text"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        (
            "POST",
            "/v1/compare",
            {"content": b"{", "headers": {"content-type": "application/json"}},
            400,
        ),
        ("POST", "/v1/compare", {"content": b"{}", "headers": {"content-type": "text/plain"}}, 415),
        ("POST", "/v1/compare", {"json": {"left": {"text": "a", "html": "b"}}}, 422),
        (
            "POST",
            "/v1/compare",
            {"json": {"left": {"article_id": "x"}, "right": {"text": "a"}}},
            404,
        ),
        ("GET", "/v1/compare", {}, 405),
        ("GET", "/nowhere", {}, 404),
    ],
)
def test_errors_are_problems(
    http: httpx.Client, method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    response = http.request(method, path, **kwargs)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status


def test_streamed_chunked_body_over_the_limit(http: httpx.Client) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"left": {"text": "'
        for _ in range(5):
            yield b"a" * 4096
        yield b'"}, "right": {"text": "b"}}'

    response = http.post(
        "/v1/compare", content=body(), headers={"content-type": "application/json"}
    )
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert_413(response.status_code, dict(response.headers), response.json())


def test_raw_chunked_body_over_the_limit(server: tuple[str, int]) -> None:
    head = (
        b"POST /v1/compare HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"a" * 4096
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(5)] + [b"0\r\n\r\n"]
    assert_413(*raw_exchange(server[1], head, parts))


def test_raw_content_length_over_the_limit(server: tuple[str, int]) -> None:
    # Announced, never sent: the guard answers from the headers alone.
    head = (
        b"POST /v1/compare HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
    )
    status, headers, body = raw_exchange(server[1], head, [])
    assert_413(status, headers, body)
    assert headers["connection"] == "close"


def test_a_keep_alive_connection_survives_a_4xx(server: tuple[str, int]) -> None:
    # One socket, two requests: a bad one (422), then a good one on it.
    connection = HTTPConnection("127.0.0.1", server[1], timeout=30)
    try:
        connection.request(
            "POST", "/v1/compare", body=b"{}", headers={"Content-Type": "application/json"}
        )
        bad = connection.getresponse()
        bad.read()
        assert bad.status == 422 and bad.getheader("connection") != "close"
        socket_before = connection.sock
        connection.request("GET", "/healthz")
        good = connection.getresponse()
        good.read()
        assert good.status == 200 and connection.sock is socket_before
    finally:
        connection.close()
