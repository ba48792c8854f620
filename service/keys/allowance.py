"""Requests a worker may admit without writing to the database: a key's
minute counted in blocks.

Every worker counts a key's requests in the database (``RateCounter``), so
that all workers share one limit. Counting one request at a time costs a
write transaction per request, and on SQLite every worker of every process
queues for its write lock: under 20 clients on 2 workers the counter alone
took p99 from about 450 ms to about 1,250 ms (``bench/load.py --scenarios
compare``, with and without ``--rate-limit 0``).

So a worker claims several of the minute's requests at once: one atomic
``count = count + n`` (``RateCounterRepository.increment``) claims the
requests numbered ``count - n + 1`` to ``count``, the worker admits the ones
numbered within the limit, and it admits the rest of its claim from memory,
with no database, until they are used up or the minute ends. The block is
an eighth of what the limit left when the worker last claimed
(``FRACTION``), at most ``MOST`` requests, and one request once fewer than
eight are left:

- **Never over the limit.** A request is admitted only under a number
  within the limit, and each number is claimed once, by one worker.
- **Exact near it.** Blocks shrink with what is left, down to one request
  a claim: a limit of 7 or less is counted one request at a time, as before.
- **At most a little under it.** A claim not used up by the minute's end
  is lost, so other workers may be refused while one still holds requests.
  A worker's claim is at most an eighth of what was left, and each later
  claim an eighth of less: the limit is reached to within about an eighth
  of it per worker, and a key that stops sending leaves its claims unused.
- **Counted anyway.** A refused request is counted, as before, so a key
  that keeps sending over its limit keeps being refused until the minute
  ends.

At the default limit (1,200 a minute) a worker writes once per 100
requests of a busy key. ``Allowances`` is per worker process, and safe to
share between its threads.

>>> a = Allowances()
>>> a.block("k", window=60, limit=1200)
100
>>> a.claimed("k", window=60, limit=1200, count=100, n=100)  # numbers 1 to 100
True
>>> sum(a.take("k", window=60) for _ in range(100))  # 99 left, then none
99
>>> a.block("k", window=60, limit=1200)  # (1,200 - 100) // 8
100
>>> a.block("k", window=60, limit=4)
1
"""

from __future__ import annotations

import threading

__all__ = ["FRACTION", "MOST", "Allowances"]

# A claim is this fraction of what the limit has left, at most MOST requests.
FRACTION = 8
MOST = 100


class Allowances:
    """Each key's requests claimed and not yet admitted, in this worker, for
    the minute they were claimed in (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # key id -> (window start, requests left, the count at the last claim)
        self._left: dict[str, tuple[int, int, int]] = {}

    def take(self, key_id: str, window: int) -> bool:
        """Admit one request of ``key_id`` from this worker's claim for the
        minute starting at ``window``; ``False`` when it holds none (then
        claim, with ``block``)."""
        with self._lock:
            held = self._left.get(key_id)
            if held is None or held[0] != window or held[1] <= 0:
                return False
            self._left[key_id] = (window, held[1] - 1, held[2])
            return True

    def block(self, key_id: str, *, window: int, limit: int) -> int:
        """How many requests to claim next: an eighth of what the limit left
        at this worker's last claim this minute, from 1 to ``MOST``."""
        held = self._left.get(key_id)
        counted = held[2] if held is not None and held[0] == window else 0
        return max(1, min(MOST, (limit - counted) // FRACTION))

    def claimed(self, key_id: str, *, window: int, limit: int, count: int, n: int) -> bool:
        """Record a claim of ``n`` requests that brought the minute's count to
        ``count``; whether the request that claimed is admitted. Those of
        its numbers within ``limit``, but the one it uses, are kept."""
        admitted = max(0, min(count, limit) - (count - n))
        with self._lock:
            held = self._left.get(key_id)
            left = held[1] if held is not None and held[0] == window else 0
            self._left[key_id] = (window, left + max(0, admitted - 1), count)
        return admitted > 0
