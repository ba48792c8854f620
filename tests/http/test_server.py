"""``sourcediff serve``: the listening socket asyncio needs for TCP_NODELAY."""

from __future__ import annotations

import asyncio
import socket

from service.http.server import _Config


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
