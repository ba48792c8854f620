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

uvicorn's own limits (``Limits``, from the settings) bound what a client
can hold: an idle keep-alive connection closes after ``keep_alive_seconds``,
a request head still unfinished past ``max_header_bytes`` gets a 400 (uvicorn
buffers no more of it), and past
``max_connections`` connections and requests in one worker new requests get
a 503, before a worker runs out of file descriptors (often 1,024) or of
memory for bodies (each up to ``max_body_bytes``). The app itself bounds the
time a body may take (``body_timeout_seconds``, see
``service.http.middleware``). uvicorn has no deadline for a request's head:
a client may trickle its headers for as long as it likes, so in production a
reverse proxy with its own timeouts sits in front (README, "Operations").

With several workers each has a listening socket of its own, all bound to
the one port with ``SO_REUSEPORT``, so that the kernel spreads new
connections over the workers (by a hash of each connection's addresses).
With one shared socket every worker waits in ``accept`` on it and whichever
wakes first takes the connection: under 20 keep-alive clients one worker
often held all of them while the other core idled (issue 18). The
supervisor binds and listens on each socket before starting its worker, so
the connections hashed to a worker still starting wait in its backlog until
it serves (had only started workers' sockets listened, every client that
connected in the first seconds would have gone to the first worker up, and
kept its connection there); it closes its own copy once the worker has it,
so a socket whose worker died closes with it rather than holding the
connections the kernel hashes to it. Where there is no ``SO_REUSEPORT`` the
workers share one socket as before. Any process of the same user could bind
the port too and take a share of the connections: run the service under a
user of its own.

Forwarded headers are believed only from ``Settings.trusted_proxies``:
uvicorn's proxy middleware is off without any (uvicorn would otherwise trust
127.0.0.1 and ::1, so that anyone on the machine could claim any client
address), and with some it takes the client address and the scheme from
them, and ``ForwardedHost`` the host (``service.http.proxies``).
"""

from __future__ import annotations

import logging
import socket
import sys
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from service.http.proxies import ForwardedHost
from service.platform.config import Settings

__all__ = ["Limits", "run"]

APP = "service.main:app"

# How long the supervisor waits for a worker to answer its health check
# before it kills it and starts another (Settings.worker_healthcheck_seconds).
# uvicorn's 5 s was shorter than a worker's start on a busy machine, and
# workers were killed and restarted in a loop, never serving. A worker now
# answers within moments of starting (``_bare_main``); the margin is for a
# machine so busy that even that is slow.
WORKER_HEALTHCHECK_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Limits:
    """What uvicorn lets one client hold (see the module docstring); the
    defaults are ``Settings``'."""

    keep_alive_seconds: int = 5
    max_header_bytes: int = 16 * 1024
    max_connections: int = 1000

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.keep_alive_seconds, settings.max_header_bytes, settings.max_connections)


def _reuse_port_socket(config: uvicorn.Config) -> socket.socket:
    """A TCP socket bound to ``config``'s host and port with ``SO_REUSEPORT``
    (and ``IPPROTO_TCP``: see the module docstring), listening."""
    family = socket.AF_INET6 if config.host and ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((config.host, config.port))
        sock.listen(config.backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class _ReusePortMultiprocess(Multiprocess):
    """uvicorn's supervisor, giving each worker it starts a socket of its own
    (``_reuse_port_socket``): uvicorn reads ``sockets`` each time it makes a
    worker (at the start, and to replace one that died, was restarted or
    added), so here each read binds a new one. The supervisor's copies are
    closed at its next check of the workers, after their workers have
    started (spawn hands a worker its sockets before ``start`` returns)."""

    def __init__(self, config: uvicorn.Config) -> None:
        self._handed: list[socket.socket] = []
        super().__init__(config, sockets=[])

    @property
    def sockets(self) -> list[socket.socket]:
        sock = _reuse_port_socket(self.config)
        self._handed.append(sock)
        return [sock]

    @sockets.setter
    def sockets(self, value: list[socket.socket]) -> None:
        pass  # uvicorn's own list (empty): each worker gets a new socket instead

    def keep_subprocess_alive(self) -> None:
        self._close_handed()
        super().keep_subprocess_alive()

    def run(self) -> None:
        try:
            super().run()
        finally:
            self._close_handed()

    def _close_handed(self) -> None:
        while self._handed:
            self._handed.pop().close()


def _supervisor(config: uvicorn.Config) -> Multiprocess:
    """A socket per worker where the platform has ``SO_REUSEPORT``, else the
    one socket all share (see the module docstring)."""
    if hasattr(socket, "SO_REUSEPORT"):
        logger = logging.getLogger("uvicorn.error")
        try:  # fails at once (port taken, bad host), as uvicorn does, not in each worker
            _reuse_port_socket(config).close()
        except OSError as exc:
            logger.error(exc)
            sys.exit(STARTUP_FAILURE)
        scheme = "https" if config.is_ssl else "http"
        host = f"[{config.host}]" if ":" in config.host else config.host
        logger.info(
            "Uvicorn running on %s://%s:%d, a socket per worker (Press CTRL+C to quit)",
            scheme,
            host,
            config.port,
        )
        return _ReusePortMultiprocess(config)
    return Multiprocess(config, sockets=[config.bind_socket()])


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


def run(
    host: str,
    port: int,
    workers: int,
    *,
    trusted_proxies: Sequence[str] = (),
    limits: Limits = Limits(),
    healthcheck_seconds: int = WORKER_HEALTHCHECK_SECONDS,
) -> None:
    """Serve the app on ``host:port`` with ``workers`` processes, until
    stopped, believing forwarded headers from ``trusted_proxies`` only and
    holding clients to ``limits``."""
    config = _Config(
        APP,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies) or None,
        timeout_keep_alive=limits.keep_alive_seconds,
        h11_max_incomplete_event_size=limits.max_header_bytes,
        limit_concurrency=limits.max_connections,
        timeout_worker_healthcheck=healthcheck_seconds,
    )
    if config.workers > 1:
        with _bare_main():
            _supervisor(config).run()
    else:
        uvicorn.Server(config).run()


@contextmanager
def _bare_main() -> Iterator[None]:
    """The supervisor's ``__main__`` replaced by an empty module while it runs.

    uvicorn starts workers with multiprocessing's spawn, which makes each
    new process import the parent's ``__main__`` first: the ``sourcediff``
    command line, which imports the whole service (2 s on an idle machine,
    many more on a busy one), before the worker starts the thread that
    answers the supervisor's health checks. A worker needs none of it (the
    config names the app by its import string, imported after that thread
    has started), so with an empty ``__main__`` a new worker imports only
    uvicorn and this module before it answers."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
