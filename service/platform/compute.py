"""CPU work with a deadline: a bounded pool of worker processes.

A request whose work may be slow (comparing two long texts, diffing two long
versions) hands that work to ``Compute.run``. The work runs in a process of
a ``pebble.ProcessPool``, which the server can stop: a task still running
when its deadline (``compute_timeout_seconds``) passes has its process
killed (pebble then starts another), and the request gets a 422
``too-complex`` problem. Meanwhile the event loop only waits, so ``/healthz``
and every other request keep being answered; a thread could not be stopped,
and a long call into C (a regular expression, rapidfuzz) holds the GIL that
the event loop needs.

>>> from service.platform.config import Settings
>>> compute = Compute(Settings(compute_workers=1, compute_queue=2))
>>> compute.capacity, compute.in_flight
(3, 0)

Decisions:

- **Bounded.** At most ``compute_workers`` tasks run at once and at most
  ``compute_queue`` more wait, per server process (each uvicorn worker has
  its own pool). One more is refused at once with 503 ``overloaded`` and a
  ``Retry-After`` of the deadline; so is a task that waited a whole
  deadline (``WAIT_FLOOR_SECONDS`` at least: a worker that replaces a
  stopped one needs a moment to start on a busy machine) without a worker
  getting to it. A request is thus answered within about two deadlines: at
  most one waiting, at most one computing.
- **Stopped when nobody waits.** While it waits, ``run`` asks Starlette
  every ``POLL_SECONDS`` whether the client has gone; if so it cancels the
  task (pebble kills the process running it), logs it, and raises
  ``ClientClosed`` (499, which nobody reads but the log and the metrics).
- **Small work stays in the server.** Below ``compute_inline_chars`` of
  input (``size``), the work runs in the server's thread pool as before, with
  no deadline: every step of the core is linear or bounded by construction,
  so 20,000 characters cannot take long, and the hop to a process costs
  latency that a typical comparison (two ~800-word articles, about 10,000
  characters) should not pay. ``bench/compute_hop.py`` measures that hop:
  on two shared cores, one ~800-word comparison takes about 8 ms inline and
  about 10 ms through the pool; the hop's cost is about 2 ms (pickling
  both ways, the pipes, pebble's dispatch thread), a quarter of a small
  comparison and a fraction of a percent of a large one (half a second at
  100,000 characters), whose deadline matters more.
- **One at a time in the server.** Small work runs in a thread, one task at
  a time per server process, the others waiting in order of arrival
  (``INLINE_AT_ONCE``). It is Python holding the GIL, so two threads
  comparing at once take as long as one after the other, and every task
  finishes last: they interleave every few milliseconds, each switch costs
  CPU, and the event loop waits for the GIL behind them. Under 20 clients
  on 2 workers (``bench/load.py --scenarios compare --rate-limit 0``, keys
  not counted) p99 fell from about 450 ms to about 320 ms, with no request
  refused; the thread pool's other work (database reads) is not held back.
- **Processes from a fork server.** The server process has threads
  (anyio's pool, pebble's own, the background loops, database pools), and
  a plain ``fork`` copies their locks in whatever state they are, which can
  deadlock the child. Workers are therefore forked by a fork server, a
  fresh single-threaded process started once, that has imported the
  modules named by ``preload``: a worker that replaces a killed one starts
  in milliseconds with everything imported, where ``spawn`` would import
  the service again (a second or more). ``spawn`` is used where there is no
  fork server (Windows, macOS before it was safe).
- **What the workers inherit is out of the collector's reach.** Each
  worker starts with everything the fork server imported (about 180,000
  objects), and a full collection traverses every tracked object: about
  125 ms a time on this project's machines, which came every eight or so
  requests a worker served (a story page's alignment, a long comparison)
  and which that request waited for. So each worker's first act is
  ``gc.freeze()`` (the pool's initializer): the inherited objects live as
  long as the worker, and collections then cost what the work leaves
  behind. It is the server process's ``_freeze_what_lasts``
  (``service.http.app``) for the workers; nothing is collected first,
  since a worker has made nothing yet, so a worker replacing a stopped one
  starts as fast as before.
- **Created on first use.** The pool (and the fork server) start in a
  thread the first time work is too large for the thread pool, so a server
  that only answers small requests never starts them; ``close`` (in the
  app's lifespan) stops them.

What ``run`` is given must be picklable: a module-level function and plain
data (no database session, no open file); what it returns, and any error it
raises, come back pickled. A ``SourcediffError`` raised by the work comes
back as it is (a 404, a 413); a worker that dies (out of memory) is a 503.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import multiprocessing
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

from anyio import CapacityLimiter, to_thread
from pebble import ProcessExpired, ProcessPool
from starlette.requests import Request

from service.platform.config import Settings
from service.platform.errors import ClientClosed, Overloaded, ServiceUnavailable, TooComplex

__all__ = ["INLINE_AT_ONCE", "POLL_SECONDS", "WAIT_FLOOR_SECONDS", "Compute"]

logger = logging.getLogger(__name__)

Result = TypeVar("Result")

# How often a waiting request checks its client and its task's start.
POLL_SECONDS = 0.1
# The least a task waits for a worker to start it, whatever the deadline.
WAIT_FLOOR_SECONDS = 5.0
# Small tasks run in the server's threads at once, per process (see the
# module docstring: one at a time, in order of arrival).
INLINE_AT_ONCE = 1


def _context() -> Any:
    """The multiprocessing context for the workers: a fork server where the
    platform has one (see the module docstring), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def _with_main(modules: Sequence[str]) -> list[str]:
    """``modules`` and the module run as ``__main__`` when it was run by
    name (``python -m service.cli.app``): each new worker runs that module
    again (multiprocessing's rule), which is quick only when the fork
    server has imported what it imports."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    main = getattr(spec, "name", None)
    # A package's __main__ (python -m service.cli) is not run again, and
    # importing it would run it: multiprocessing skips it, and so does this.
    if not isinstance(main, str) or main.endswith("__main__") or main in modules:
        return list(modules)
    return [*modules, main]


class Compute:
    """The app's pool of worker processes (see the module docstring).

    ``preload`` names the modules the fork server imports once, so that
    workers start with them: those of the functions given to ``run``."""

    def __init__(self, settings: Settings, *, preload: Sequence[str] = ()) -> None:
        self.timeout = settings.compute_timeout_seconds
        self.workers = settings.compute_workers
        self.queue = settings.compute_queue
        self.inline_chars = settings.compute_inline_chars
        self._preload = list(preload)
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()  # creating or closing the pool, in threads
        self._in_flight = 0  # touched by the event loop only
        self._closed = False
        self._inline: CapacityLimiter | None = None  # made in the event loop, on first use

    @property
    def capacity(self) -> int:
        """Tasks this process takes at once: running plus waiting."""
        return self.workers + self.queue

    @property
    def in_flight(self) -> int:
        """Tasks given to the pool and not yet answered (running or waiting)."""
        return self._in_flight

    async def run(
        self,
        fn: Callable[..., Result],
        *args: Any,
        request: Request | None = None,
        size: int | None = None,
        advice: str = "",
    ) -> Result:
        """``fn(*args)``, in a worker process unless ``size`` (characters of
        input) is under ``compute_inline_chars``, then in a thread, one task
        at a time (``INLINE_AT_ONCE``).

        Raises ``TooComplex`` (422) when the work overruns the deadline
        (``advice`` ends its detail: what the caller can send instead),
        ``Overloaded`` (503, ``Retry-After``) when the pool is full or did
        not get to the task within a deadline, ``ClientClosed`` (499) when
        ``request``'s client left meanwhile, and whatever ``fn`` raises."""
        if size is not None and size < self.inline_chars:
            if self._inline is None:
                self._inline = CapacityLimiter(INLINE_AT_ONCE)
            return await to_thread.run_sync(partial(fn, *args), limiter=self._inline)
        if self._in_flight >= self.capacity:
            raise self._overloaded(f"all {self.capacity} places for heavy work are taken")
        self._in_flight += 1
        try:
            pool = self._pool
            if pool is None or not pool.active:
                pool = await to_thread.run_sync(self._started_pool)
            future: Future[Result] = pool.schedule(fn, args, timeout=self.timeout)
            return await self._outcome(future, fn, request, advice)
        finally:
            self._in_flight -= 1

    async def _outcome(
        self,
        future: Future[Result],
        fn: Callable[..., Result],
        request: Request | None,
        advice: str,
    ) -> Result:
        name = getattr(fn, "__qualname__", repr(fn))
        done = await self._wait(future, name, request)
        try:
            return done.result()
        except TimeoutError:
            logger.warning("%s overran the %g s compute deadline; stopped", name, self.timeout)
            detail = (
                f"This request needed more than the limit of {self.timeout:g} s of computing, "
                "so it was stopped"
            )
            raise TooComplex(f"{detail}; {advice}" if advice else f"{detail}.") from None
        except (ProcessExpired, BrokenProcessPool) as exc:
            # Out of memory, most likely; a broken pool is made anew next time.
            logger.error("the worker running %s died: %r", name, exc)
            raise ServiceUnavailable(
                "The process computing this answer stopped unexpectedly; try again, "
                "or send less text"
            ) from None

    async def _wait(
        self, future: Future[Result], name: str, request: Request | None
    ) -> asyncio.Future[Result]:
        """``future``, once done, as an asyncio future; cancels it (pebble
        kills its worker) and raises when the client leaves or no worker
        starts it in time."""
        done = asyncio.wrap_future(future)
        loop = asyncio.get_running_loop()
        waiting = max(self.timeout, WAIT_FLOOR_SECONDS)
        give_up = loop.time() + waiting
        started = False
        try:
            while not done.done():
                await asyncio.wait({done}, timeout=POLL_SECONDS)
                if done.done():
                    break
                if request is not None and await request.is_disconnected():
                    future.cancel()
                    logger.info("the client left; stopped %s", name)
                    raise ClientClosed("The client closed the connection; the work was stopped")
                if not started and future.running():
                    started = True
                    logger.debug("%s started in a worker process", name)
                elif not started and loop.time() > give_up:
                    future.cancel()
                    raise self._overloaded(f"no worker was free for {waiting:g} s")
        except asyncio.CancelledError:
            future.cancel()  # the server is stopping, or the request was cancelled
            raise
        return done

    def _overloaded(self, why: str) -> Overloaded:
        seconds = max(1, math.ceil(self.timeout))
        logger.warning("refused heavy work: %s", why)
        return Overloaded(
            f"The service is busy with other heavy requests ({why}); retry in {seconds} s",
            retry_after=seconds,
        )

    def _started_pool(self) -> ProcessPool:
        """The running pool, made (again, if it broke) on first use; called
        in a thread, since starting processes blocks."""
        with self._lock:
            if self._closed:
                raise ServiceUnavailable("The service is shutting down")
            if self._pool is not None and self._pool.active:
                return self._pool
            if self._pool is not None:
                logger.error("the compute pool broke; starting a new one")
                self._stop(self._pool)
            context = _context()
            if context.get_start_method() == "forkserver":
                context.set_forkserver_preload(_with_main(self._preload))
            pool = ProcessPool(max_workers=self.workers, initializer=gc.freeze, context=context)
            pool.active  # noqa: B018  (the property starts the pool and its workers)
            self._pool = pool
            logger.info("started %d compute workers (%s)", self.workers, context.get_start_method())
            return pool

    def close(self) -> None:
        """Stop the pool and its workers (blocks: call it in a thread)."""
        with self._lock:
            self._closed = True
            if self._pool is not None:
                self._stop(self._pool)
                self._pool = None

    @staticmethod
    def _stop(pool: ProcessPool) -> None:
        pool.stop()  # type: ignore[no-untyped-call]
        pool.join()
