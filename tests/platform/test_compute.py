"""The compute pool (``service.platform.compute``): real worker processes,
test-only pure functions run in them, no timed assertions.

Each test makes its own ``Compute`` (closed at the end), so the pools do
not share workers; the fork server is the test process's one.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from service.platform.compute import Compute
from service.platform.config import Settings
from service.platform.errors import NotFound, Overloaded, TooComplex

# Functions the workers run: module level, so that they pickle by name.


def square(x: int) -> int:
    return x * x


def pid() -> int:
    return os.getpid()


def spin(seconds: float) -> int:
    """CPU work for ``seconds``: never returns before a short deadline."""
    until = time.monotonic() + seconds
    count = 0
    while time.monotonic() < until:
        count += 1
    return count


def frozen() -> int:
    return gc.get_freeze_count()


def missing(article_id: str) -> None:
    raise NotFound(f"article {article_id!r} not found")


def _gone(process_id: int) -> bool:
    """Whether ``process_id`` has ended (a zombie counts as ended)."""
    try:
        state = Path(f"/proc/{process_id}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _eventually(condition: object, what: str, limit: float = 30.0) -> None:
    """Wait for ``condition()`` to hold (a generous bound: not a timing test)."""
    deadline = time.monotonic() + limit
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"still not {what} after {limit:.0f} s")
        time.sleep(0.05)


@contextmanager
def _compute(**settings: float) -> Iterator[Compute]:
    compute = Compute(Settings(**settings))  # type: ignore[arg-type]
    try:
        yield compute
    finally:
        compute.close()


@pytest.fixture
def one_worker() -> Iterator[Compute]:
    """One worker, nothing waiting, a short deadline, no inline work."""
    with _compute(
        compute_workers=1, compute_queue=0, compute_timeout_seconds=0.5, compute_inline_chars=0
    ) as compute:
        yield compute


def test_work_runs_in_a_worker_process_and_its_result_comes_back(one_worker: Compute) -> None:
    async def scenario() -> tuple[int, int]:
        return await one_worker.run(square, 12), await one_worker.run(pid)

    result, worker = asyncio.run(scenario())
    assert result == 144
    assert worker != os.getpid()
    assert one_worker.in_flight == 0


def test_a_worker_starts_with_what_it_inherited_out_of_the_collectors_reach(
    one_worker: Compute,
) -> None:
    # A full collection would otherwise traverse every object the fork
    # server imported, in the middle of a request (see the module docstring).
    assert asyncio.run(one_worker.run(frozen)) > 10_000


def test_small_work_runs_inline_in_this_process() -> None:
    with _compute(compute_inline_chars=1000) as compute:
        assert asyncio.run(compute.run(pid, size=999)) == os.getpid()
        assert asyncio.run(compute.run(pid, size=1000)) != os.getpid()


def test_a_domain_error_comes_back_as_itself(one_worker: Compute) -> None:
    with pytest.raises(NotFound, match="'a1' not found") as raised:
        asyncio.run(one_worker.run(missing, "a1"))
    assert raised.value.status == 404


def test_work_over_the_deadline_is_too_complex_and_its_worker_is_stopped(
    one_worker: Compute,
) -> None:
    async def scenario() -> int:
        worker = await one_worker.run(pid)
        with pytest.raises(TooComplex) as raised:
            await one_worker.run(spin, 600, advice="send less")
        assert raised.value.status == 422
        assert raised.value.type == "urn:sourcediff:problem:too-complex"
        assert "0.5 s" in raised.value.detail
        assert raised.value.detail.endswith("; send less")
        return worker

    worker = asyncio.run(scenario())
    _eventually(lambda: _gone(worker), "stopped")
    # The pool goes on, in a new worker.
    assert asyncio.run(one_worker.run(square, 3)) == 9
    assert asyncio.run(one_worker.run(pid)) != worker


def test_work_beyond_the_queue_is_refused_with_retry_after() -> None:
    with _compute(
        compute_workers=1, compute_queue=0, compute_timeout_seconds=60, compute_inline_chars=0
    ) as compute:

        async def scenario() -> Overloaded:
            busy = asyncio.create_task(compute.run(spin, 600))
            while compute.in_flight == 0:
                await asyncio.sleep(0.01)
            with pytest.raises(Overloaded) as raised:
                await compute.run(square, 2)
            busy.cancel()  # cancels its task too: the pool's worker is stopped
            with pytest.raises(asyncio.CancelledError):
                await busy
            return raised.value

        refused = asyncio.run(scenario())
        assert refused.status == 503
        assert refused.type == "urn:sourcediff:problem:overloaded"
        assert refused.headers["Retry-After"] == "60"
        # Its place is free again, and the spinning worker gave way.
        assert compute.in_flight == 0
        assert asyncio.run(compute.run(square, 5)) == 25


def test_a_closed_pool_stops_its_workers() -> None:
    with _compute(compute_workers=2, compute_inline_chars=0) as compute:
        workers = {asyncio.run(compute.run(pid)) for _ in range(4)}
        compute.close()
        for worker in workers:
            _eventually(lambda w=worker: _gone(w), f"stopped ({worker})")
