"""A real uvicorn serving the app in a subprocess, for tests and benchmarks.

Public API:

- ``Server(database_url=None, *, workers=1, env=None, port=None, log=None)``:
  a context manager. Entering starts ``sourcediff serve`` on a free
  127.0.0.1 port (or ``port``) and returns once ``/healthz`` answers; leaving
  stops it, whatever happened inside. ``.url``, ``.port`` and ``.process``
  (the current ``Popen``) while it runs.
- ``Server.kill()``: SIGKILL the server, workers included, and reap it: a
  crash, not a shutdown. ``Server.start()`` brings it back on the same port
  (so clients keep their base URL); ``Server.restart()`` does both.
- ``Server.log_text()``: what the server printed so far (every start).
- ``free_port()``.

The server runs in a session of its own (``start_new_session=True``), so its
process group is exactly uvicorn and its workers: ``kill()`` signals the
group, and no worker outlives the test. Nothing here needs pytest, so the
benchmarks in ``bench/`` use it too; failures raise ``ServerError`` with the
server's output. For example::

    with Server("sqlite:////tmp/x.db", workers=2) as server:
        httpx.post(f"{server.url}/v1/articles", json=...)
        server.kill()   # mid-stream
        server.start()  # same port, same database
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

__all__ = ["Server", "ServerError", "free_port"]


class ServerError(RuntimeError):
    """The server did not start, or died before answering."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _group_running(group: int) -> bool:
    """Whether a process of ``group`` still runs. Zombies do not count: they
    hold no sockets, and an orphan waits for init to reap it (a second, in
    some containers)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return False  # not Linux: no way to tell, and SIGKILL is prompt
    for stat in proc.glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
            state, _ppid, pgrp = stat.read_text().rpartition(")")[2].split()[:3]
        except (OSError, ValueError):
            continue  # gone meanwhile
        if int(pgrp) == group and state != "Z":
            return True
    return False


class Server:
    """``sourcediff serve`` in a subprocess (see the module docstring).

    ``database_url`` sets ``SOURCEDIFF_DATABASE_URL``; ``env`` adds or
    overrides other variables on top of this process's environment. The
    server's output goes to ``log`` (appended to at every start), by default
    a temporary file removed on exit. ``cwd`` runs the code of another
    checkout (a benchmark's baseline): ``python -m`` imports from there.
    """

    def __init__(
        self,
        database_url: str | None = None,
        *,
        workers: int = 1,
        env: Mapping[str, str] | None = None,
        port: int | None = None,
        log: Path | None = None,
        startup_timeout: float = 60.0,
        cwd: Path | None = None,
    ) -> None:
        self.workers = workers
        self.cwd = cwd
        self.port = port if port is not None else free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        if database_url is not None:
            self.env["SOURCEDIFF_DATABASE_URL"] = database_url
        self.startup_timeout = startup_timeout
        self._log_path = log
        self._log: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def process(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            raise ServerError("the server is not running")
        return self._process

    # Lifecycle ---------------------------------------------------------

    def __enter__(self) -> Server:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the server (again) and wait until ``/healthz`` answers."""
        if self._process is not None:
            raise ServerError("the server is already running")
        if self._log is None:
            if self._log_path is None:
                # Kept open across restarts, closed by close().
                self._log = tempfile.TemporaryFile()  # noqa: SIM115
            else:
                self._log = self._log_path.open("a+b")
        # What users run: `sourcediff serve` (uvicorn with the service's
        # socket fix for several workers, see service/server.py).
        command = [sys.executable, "-m", "service.cli.app", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        self._process = subprocess.Popen(
            command,
            env=self.env,
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_up()

    def kill(self) -> None:
        """SIGKILL the server and every worker, and reap the supervisor."""
        process = self._process
        if process is None:
            return
        self._process = None
        self._signal_group(process, signal.SIGKILL)
        process.wait()
        # Workers die beside the supervisor, not before it: wait for them so
        # that the port is free for the next start.
        deadline = time.monotonic() + 10
        while _group_running(process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)

    def restart(self) -> None:
        """A crash and a start on the same port and database."""
        self.kill()
        self.start()

    def stop(self, timeout: float = 15.0) -> None:
        """A graceful shutdown (SIGTERM), then SIGKILL after ``timeout``."""
        process = self._process
        if process is None:
            return
        self._signal_group(process, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
        # Workers the supervisor failed to stop go too.
        self.kill()

    def close(self) -> None:
        """Stop the server and drop the temporary log."""
        try:
            self.stop()
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def log_text(self) -> str:
        if self._log is None:
            return "" if self._log_path is None else self._log_path.read_text(errors="replace")
        self._log.flush()
        position = self._log.tell()
        self._log.seek(0)
        text = self._log.read().decode(errors="replace")
        self._log.seek(position)
        return text

    # Helpers -----------------------------------------------------------

    @staticmethod
    def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
        # The server leads its own session, so its pid is the group id; the
        # group outlives the leader while workers remain.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)

    def _wait_until_up(self) -> None:
        process = self.process
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self._process = None
                self._signal_group(process, signal.SIGKILL)
                raise ServerError(
                    f"server exited with {process.returncode}:\n{self.log_text()[-4000:]}"
                )
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        raise ServerError(
            f"server did not answer /healthz in {self.startup_timeout:.0f} s:\n"
            f"{self.log_text()[-4000:]}"
        )
