"""Several workers start on a busy machine (issue 17, item 4).

uvicorn's supervisor kills a worker that does not answer its health check in
time. Each worker used to import the whole command line before it could
answer (multiprocessing's spawn runs the parent's ``__main__`` first), then
queue on the migration lock: on a machine with every core busy, workers were
killed and restarted in a loop and ``/healthz`` never answered. Now the
supervisor's ``__main__`` is bare while it runs (``service.http.server``),
and ``sourcediff serve`` migrates and makes the first key before any worker
starts.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.http import server
from tests.serving import Server


def _modules_loaded(queue: multiprocessing.Queue[list[str]]) -> None:
    queue.put(sorted(name for name in sys.modules if name.startswith("service")))


def test_a_spawned_worker_imports_none_of_the_command_line() -> None:
    # What a new worker has imported when it starts running: with the bare
    # __main__, only this test module's own chain (its target lives here),
    # not service.cli and the whole service behind it.
    spawn = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[list[str]] = spawn.Queue()
    main = sys.modules["__main__"]
    main_file = getattr(main, "__file__", None)
    with server._bare_main():
        assert sys.modules["__main__"] is not main
        child = spawn.Process(target=_modules_loaded, args=(queue,))
        child.start()
        loaded = queue.get(timeout=120)
        child.join(timeout=60)
    assert sys.modules["__main__"] is main and getattr(main, "__file__", None) == main_file
    assert "service.cli" not in loaded and "service.http.app" not in loaded, loaded


@pytest.fixture
def busy_cores() -> Iterator[int]:
    """Two spinning processes per core, for as long as the test runs."""
    count = 2 * (os.cpu_count() or 1)
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield count
    finally:
        for spinner in spinners:
            spinner.kill()
        for spinner in spinners:
            spinner.wait()


def test_two_workers_start_on_a_machine_with_every_core_busy(
    busy_cores: int, tmp_path: Path
) -> None:
    # A health check of 10 s (uvicorn's own default is 5): before, a worker
    # on such a machine needed longer than that before it first answered.
    env = {"SOURCEDIFF_WORKER_HEALTHCHECK_SECONDS": "10", "SOURCEDIFF_BACKGROUND": "0"}
    log = tmp_path / "server.log"
    database = f"sqlite:///{tmp_path / 'new.db'}"  # not there yet: the start creates it
    with Server(database, workers=2, env=env, log=log, startup_timeout=120) as up:
        for _ in range(20):
            assert httpx.get(f"{up.url}/healthz", timeout=30).status_code == 200
        text = up.log_text()
    # Both workers started once, and none was killed for missing a check.
    assert text.count("Started server process") == 2, text[-3000:]
    assert "died" not in text and "was not ready" not in text, text[-3000:]
    # The supervisor migrated (a fresh database) before either worker started.
    assert text.index("Running upgrade") < text.index("Started server process")
