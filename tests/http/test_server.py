"""``sourcediff serve``: the listening socket asyncio needs for TCP_NODELAY,
and a socket per worker that the kernel spreads connections over."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import pytest

from service.http.server import _Config, _ReusePortMultiprocess
from tests.serving import Server, free_port


def test_workers_accept_tcp_sockets_that_asyncio_sets_nodelay_on() -> None:
    config = _Config("service.main:app", host="127.0.0.1", port=0, workers=2)
    listener = config.bind_socket()
    try:
        assert listener.proto == socket.IPPROTO_TCP
        listener.listen()
        nodelay: list[int] = []

        async def main() -> None:
            def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                sock = writer.get_extra_info("socket")
                nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                writer.close()

            server = await asyncio.start_server(accepted, sock=listener)
            _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            for _ in range(100):
                if nodelay:
                    break
                await asyncio.sleep(0.01)
            writer.close()
            server.close()

        asyncio.run(main())
        assert nodelay and nodelay[0] != 0
    finally:
        listener.close()


def test_each_worker_gets_a_socket_of_its_own_on_the_port() -> None:
    config = _Config("service.main:app", host="127.0.0.1", port=free_port(), workers=2)
    supervisor = _ReusePortMultiprocess(config)
    first, second = supervisor.sockets[0], supervisor.sockets[0]
    try:
        assert first is not second and first.fileno() != second.fileno()
        for sock in (first, second):
            assert sock.getsockname() == ("127.0.0.1", config.port)
            assert sock.proto == socket.IPPROTO_TCP
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
        # The supervisor's copies close at its next look at the workers.
        supervisor.keep_subprocess_alive()
        assert first.fileno() == -1 and second.fileno() == -1
    finally:
        first.close()
        second.close()


def _held_by_workers(server: Server) -> list[int]:
    """Established connections to the server's port held by each worker,
    read from /proc: the kernel's TCP table, then each worker's files."""
    local = f":{server.port:04X}"
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(local) and fields[3] == "01":  # 01: established
                inodes.add(f"socket:[{fields[9]}]")
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    held = []
    for child in children:
        if b"resource_tracker" in Path(f"/proc/{child}/cmdline").read_bytes():
            continue
        fds = Path(f"/proc/{child}/fd").iterdir()
        held.append(sum(1 for fd in fds if os.readlink(fd) in inodes))
    return held


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc")
def test_two_workers_share_twenty_keep_alive_connections(tmp_path: Path) -> None:
    """With one socket for all, one worker often took every connection while
    the other idled (issue 18); with a socket each, the kernel spreads them
    (all 20 on one worker by chance: 2 in a million)."""
    env = {"SOURCEDIFF_AUTH_DISABLED": "1"}
    with Server(f"sqlite:///{tmp_path}/spread.db", workers=2, env=env) as server:
        clients = []
        try:
            for _ in range(20):
                client = socket.create_connection(("127.0.0.1", server.port))
                clients.append(client)
                client.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
                assert client.recv(4096).startswith(b"HTTP/1.1 200")
            held = _held_by_workers(server)
        finally:
            for client in clients:
                client.close()
    assert len(held) == 2 and sum(held) == 20
    assert min(held) >= 1, held
