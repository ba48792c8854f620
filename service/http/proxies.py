"""Requests through a trusted reverse proxy: the host the client asked for.

uvicorn's own proxy middleware (on when ``Settings.trusted_proxies`` names
any proxy, see ``service.http.server``) takes the client's address from
``X-Forwarded-For`` and the scheme from ``X-Forwarded-Proto``, but leaves
``Host`` as the proxy sent it, often the upstream's name (``127.0.0.1:8000``).
The pages compare a form's ``Origin`` with the scheme and host the browser
used, and would refuse every form behind such a proxy; so ``ForwardedHost``,
outside uvicorn's middleware (it must see the proxy's own address), sets
``Host`` from ``X-Forwarded-Host`` when the peer is a trusted proxy, and
only then. From anyone else the header is ignored.

>>> trusted_networks(["10.0.0.0/8", "192.0.2.7"])
(IPv4Network('10.0.0.0/8'), IPv4Network('192.0.2.7/32'))
>>> [forwarded_host(v) for v in ("public.example", "a.example, b.example:8443", "x y")]
['public.example', 'b.example:8443', None]
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["ForwardedHost", "forwarded_host", "trusted_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# A host name or a bracketed IPv6 address, and maybe a port.
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_NAME}|\[[0-9A-Fa-f:.]+\])(?::\d{{1,5}})?")


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """The networks of ``entries`` (addresses and CIDR networks)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def forwarded_host(value: str) -> str | None:
    """The host an ``X-Forwarded-Host`` value names: its last entry (the one
    the nearest proxy wrote), when it is a host name or address with an
    optional port; ``None`` otherwise."""
    last = value.rsplit(",", 1)[-1].strip()
    return last if _HOST.fullmatch(last) else None


class ForwardedHost:
    """Pure ASGI middleware: ``Host`` from a trusted proxy's
    ``X-Forwarded-Host`` (see the module docstring)."""

    def __init__(self, app: ASGIApp, trusted: Iterable[str]) -> None:
        self.app = app
        self.trusted = trusted_networks(trusted)

    def _from_proxy(self, scope: Scope) -> bool:
        client = scope.get("client")
        if not client:
            return False
        try:
            address = ipaddress.ip_address(client[0])
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self._from_proxy(scope):
            values = [value for name, value in scope["headers"] if name == b"x-forwarded-host"]
            host = forwarded_host(values[-1].decode("latin-1")) if values else None
            if host is not None:
                headers = [(name, value) for name, value in scope["headers"] if name != b"host"]
                scope = {**scope, "headers": [*headers, (b"host", host.encode("ascii"))]}
        await self.app(scope, receive, send)
