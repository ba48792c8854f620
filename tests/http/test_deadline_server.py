"""Issue 15, finding 1, through a real server (``sourcediff serve``): while a
slow comparison computes, the server keeps answering (``/healthz``), and a
client that leaves stops the work: the worker process computing it is
killed, and the pool takes the next comparison.

The slow comparison is real: a side of 5,000,000 “ (some fifteen seconds of
work on two cores; the limits are raised for it). The pool has one worker
and no queue, and a deadline far off, so only the client's leaving can stop
it. Nothing is timed: the test waits for log lines and processes, with
generous bounds.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.serving import Server

ENV = {
    "SOURCEDIFF_AUTH_DISABLED": "1",
    "SOURCEDIFF_COMPUTE_WORKERS": "1",
    "SOURCEDIFF_COMPUTE_QUEUE": "0",
    "SOURCEDIFF_COMPUTE_TIMEOUT_SECONDS": "600",
    "SOURCEDIFF_COMPUTE_INLINE_CHARS": "0",
    "SOURCEDIFF_MAX_TEXT_CHARS": "5000000",
    "SOURCEDIFF_MAX_BODY_BYTES": str(64 * 1024 * 1024),
    "SOURCEDIFF_LOG_LEVEL": "DEBUG",
    "SOURCEDIFF_LOG_JSON": "false",
}
SMALL = {"left": {"text": '"We will win," he said.'}, "right": {"text": '"We win," she said.'}}


def _eventually(condition: Callable[[], object], what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still not {what} after {limit:.0f} s")
        time.sleep(0.05)


def _group(leader: int) -> dict[int, int]:
    """The live processes of the server's process group: pid to parent pid."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        state, ppid, pgrp = fields[0], int(fields[1]), int(fields[2])
        if pgrp == leader and state not in ("Z", "X"):
            found[int(stat.parent.name)] = ppid
    return found


def _pool_workers(server: Server) -> set[int]:
    """The compute pool's workers: forked by the fork server, so not
    children of the server process itself."""
    leader = server.process.pid
    return {pid for pid, ppid in _group(leader).items() if pid != leader and ppid != leader}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc to see the worker processes")
    with Server(f"sqlite:///{tmp_path / 'deadline.db'}", env=ENV) as running:
        yield running


def _send_slow_comparison(server: Server) -> socket.socket:
    body = {"left": {"text": "“" * 5_000_000}, "right": {"text": '"We win," she said.'}}
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"POST /v1/compare HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode()
    client = socket.create_connection(("127.0.0.1", server.port))
    client.sendall(head + payload)
    return client


def test_the_server_answers_during_a_slow_comparison_which_stops_when_its_client_leaves(
    server: Server,
) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        assert http.post("/v1/compare", json=SMALL).status_code == 200  # the pool is up
        _eventually(lambda: len(_pool_workers(server)) == 1, "one pool worker")
        (worker,) = _pool_workers(server)

        slow = _send_slow_comparison(server)
        try:
            _eventually(
                lambda: "_answer started in a worker process" in server.log_text(),
                "computing the slow comparison",
            )
            health = http.get("/healthz")
            assert health.status_code == 200
            # ... while the slow comparison is still unanswered.
            readable, _, _ = select.select([slow], [], [], 0)
            assert not readable
        finally:
            slow.close()  # the client leaves

        _eventually(lambda: "the client left; stopped _answer" in server.log_text(), "stopped")
        _eventually(lambda: worker not in _pool_workers(server), "killed the worker")
        # The pool (one worker, no queue) takes the next comparison at once.
        assert http.post("/v1/compare", json=SMALL).status_code == 200
    assert " 499 " in server.log_text()  # the access log's status for it
