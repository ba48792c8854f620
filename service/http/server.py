"""Running the HTTP service with uvicorn: ``service.main:app``, served as
``uvicorn.run`` would, with one fix for several workers (below) and
uvicorn's own access log off (the app logs each request, see
``service.http.observability``).

With ``--workers N`` uvicorn (0.54 and before) binds the listening socket
with protocol 0, and asyncio sets ``TCP_NODELAY`` only on connections it
accepts from a socket declared ``IPPROTO_TCP``; so Nagle's algorithm stays
on and every keep-alive request after the first waits for a delayed ACK,
about 40 ms (uvicorn issue 3149). Declaring the protocol on the listening
socket is enough: accepted sockets inherit it, in every worker.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

__all__ = ["run"]

APP = "service.main:app"


class _Config(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
            tcp.set_inheritable(True)
            return tcp
        return sock


def run(host: str, port: int, workers: int) -> None:
    """Serve the app on ``host:port`` with ``workers`` processes, until stopped."""
    config = _Config(APP, host=host, port=port, workers=workers, access_log=False)
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()
