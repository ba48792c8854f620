"""Limits on callers without a valid key, by client address: comparisons
without a key, and refused keys.

An API key's own limit is counted in the database, shared by every worker
(``service.keys.service.admit``). These are not: a client without a key has
only its address, and an address's count need not survive a restart or be
exact across workers. Each worker process counts in its memory, per clock
minute, so with N workers a client gets up to N times the limit. The counts
of a minute are dropped when the next begins, and at most ``MAX_CLIENTS``
addresses are held in a minute (the rest share one count), so memory stays
bounded whatever the traffic.

An IPv6 client counts by its /64 network: one host is usually given a whole
/64, and could otherwise take a fresh address for every request.

>>> counter = MinuteCounter(limit=2)
>>> [counter.add("198.51.100.7", now=60.0) for _ in range(3)]
[None, None, 60]
>>> counter.add("198.51.100.8", now=61.0) is None
True
>>> counter.add("198.51.100.7", now=120.0) is None  # the next minute
True
>>> client_bucket("2001:db8::1") == client_bucket("2001:db8::2")
True
"""

from __future__ import annotations

import ipaddress
import math
import threading
from dataclasses import dataclass, field

from service.platform.config import Settings, is_loopback

__all__ = [
    "MAX_CLIENTS",
    "ClientLimits",
    "MinuteCounter",
    "client_bucket",
    "exempt_from_anonymous_limit",
]

WINDOW_SECONDS = 60
MAX_CLIENTS = 100_000
_OVERFLOW = "(overflow)"


def client_bucket(address: str) -> str:
    """What an address is counted as: itself, or its /64 for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass
class MinuteCounter:
    """Events per client address per clock minute, up to ``limit`` (0: no
    limit); thread-safe (sync dependencies run on a thread pool)."""

    limit: int
    _window: int = -1
    _counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _roll(self, now: float) -> int:
        window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        if window != self._window:
            self._window, self._counts = window, {}
        return window

    def _retry_after(self, now: float) -> int:
        return max(1, math.ceil(self._window + WINDOW_SECONDS - now))

    def add(self, address: str, *, now: float) -> int | None:
        """Count one event of ``address``; ``None`` while it is within the
        limit, else the seconds until the minute ends (``Retry-After``)."""
        if self.limit <= 0:
            return None
        with self._lock:
            self._roll(now)
            bucket = client_bucket(address)
            if bucket not in self._counts and len(self._counts) >= MAX_CLIENTS:
                bucket = _OVERFLOW
            count = self._counts.get(bucket, 0) + 1
            self._counts[bucket] = count
            return self._retry_after(now) if count > self.limit else None

    def over(self, address: str, *, now: float) -> int | None:
        """Without counting: ``None`` while ``address`` may have one more
        event this minute, else the seconds until the minute ends."""
        if self.limit <= 0:
            return None
        with self._lock:
            self._roll(now)
            bucket = client_bucket(address)
            if bucket not in self._counts and len(self._counts) >= MAX_CLIENTS:
                bucket = _OVERFLOW
            count = self._counts.get(bucket, 0)
            return self._retry_after(now) if count >= self.limit else None


@dataclass
class ClientLimits:
    """One app's per-address counters: comparisons without a key, and
    refused keys."""

    anonymous: MinuteCounter
    failed_keys: MinuteCounter

    @classmethod
    def of(cls, settings: Settings) -> ClientLimits:
        return cls(
            anonymous=MinuteCounter(settings.anonymous_rate_limit_per_minute),
            failed_keys=MinuteCounter(settings.failed_key_limit_per_minute),
        )


def exempt_from_anonymous_limit(settings: Settings, address: str) -> bool:
    """Whether ``address`` compares without a key and without a limit: a
    client on this machine, while no proxy is trusted (quality harnesses
    send thousands of comparisons from 127.0.0.1). Behind a proxy, the
    proxy's own loopback address would stand for every client, so no
    address is exempt then."""
    return not settings.trusted_proxies and is_loopback(address)
