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

Forwarded headers are believed only from ``Settings.trusted_proxies``:
uvicorn's proxy middleware is off without any (uvicorn would otherwise trust
127.0.0.1 and ::1, so that anyone on the machine could claim any client
address), and with some it takes the client address and the scheme from
them, and ``ForwardedHost`` the host (``service.http.proxies``).
"""

from __future__ import annotations

import socket
from collections.abc import Sequence

import uvicorn
from uvicorn.supervisors import Multiprocess

from service.http.proxies import ForwardedHost

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

    def load(self) -> None:
        super().load()
        if self.proxy_headers:
            # Outside uvicorn's proxy middleware: it must see the proxy's address.
            trusted = self.forwarded_allow_ips
            entries = trusted.split(",") if isinstance(trusted, str) else trusted
            self.loaded_app = ForwardedHost(self.loaded_app, entries)


def run(host: str, port: int, workers: int, *, trusted_proxies: Sequence[str] = ()) -> None:
    """Serve the app on ``host:port`` with ``workers`` processes, until
    stopped, believing forwarded headers from ``trusted_proxies`` only."""
    config = _Config(
        APP,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies) or None,
    )
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()
