"""A short memory of verified API keys, so that a client's every request does
not look its key up in the database again.

``VerifiedKeys`` remembers, per worker process, the caller a key was
verified as, for ``KEY_CACHE_SECONDS`` (2 s) from the verification; after
that the key is looked up again. What is remembered is the SHA-256 of the
key (``service.keys.service.hash_key``, the digest the table keeps), never
the key. Only a key found valid is remembered: a wrong, unknown or revoked
one is looked up every time (and counted against its client's address).

Revocation is why the memory is short: a key is revoked in the database
(``sourcediff keys revoke``, another process), and each worker of each
server stops admitting it at most ``KEY_CACHE_SECONDS`` after the
revocation, when its memory of the key ends. A key's rate limit is still
counted in the database on every request where there is one
(``service.keys.service.count_request``): only the look-up is saved, and
with no limit (``rate_limit_per_minute`` 0) the request reads nothing.

The clock is given (``time.monotonic`` by default), so tests move it
rather than sleep:

>>> from service.keys.service import Caller
>>> now = [100.0]
>>> keys = VerifiedKeys(seconds=2, clock=lambda: now[0])
>>> caller = Caller("k1", "t1", frozenset({"read"}))
>>> keys.put("digest", caller)
>>> keys.get("digest") == caller
True
>>> now[0] = 102.0  # the verification is 2 s old: look the key up again
>>> keys.get("digest") is None
True
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.keys.service import Caller

__all__ = ["KEY_CACHE_SECONDS", "MAX_KEYS", "VerifiedKeys"]

# How long a verification is believed: a revoked key is refused by every
# worker at most this long after its revocation.
KEY_CACHE_SECONDS = 2.0
# Keys remembered at most per process; past it the oldest are forgotten.
MAX_KEYS = 10_000


class VerifiedKeys:
    """Keys verified in the last ``seconds``, by digest (see the module
    docstring). Safe to share between the threads of a worker."""

    def __init__(
        self,
        *,
        seconds: float = KEY_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.seconds = seconds
        self.clock = clock
        self.max_keys = max_keys
        self._lock = threading.Lock()
        # digest -> (caller, when verified); dicts keep insertion order, so
        # the first entries are the oldest.
        self._keys: dict[str, tuple[Caller, float]] = {}

    def get(self, digest: str) -> Caller | None:
        """The caller the key of ``digest`` was verified as, while the
        verification is younger than ``seconds``; else ``None``."""
        found = self._keys.get(digest)
        if found is None:
            return None
        caller, verified = found
        if self.clock() - verified >= self.seconds:
            with self._lock:
                if self._keys.get(digest) is found:
                    del self._keys[digest]
            return None
        return caller

    def put(self, digest: str, caller: Caller) -> None:
        """Remember that the key of ``digest`` was verified as ``caller`` now."""
        with self._lock:
            self._keys.pop(digest, None)
            self._keys[digest] = (caller, self.clock())
            while len(self._keys) > self.max_keys:
                del self._keys[next(iter(self._keys))]
