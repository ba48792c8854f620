"""Background work in the server process: a loop in a daemon thread.

An exception in a step is logged and the loop goes on after a second: a
database that is briefly away must not end the webhook dispatcher or the
feed poller for the life of the process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["Loop"]

log = logging.getLogger(__name__)


class Loop:
    """Calls ``step()`` over and over in a thread, from ``start()`` until
    ``stop()``, sleeping between calls for as many seconds as ``step``
    returns (0: again at once)."""

    def __init__(self, name: str, step: Callable[[], float]) -> None:
        self.name = name
        self.step = step
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                wait = self.step()
            except Exception:
                log.exception("%s failed; going on", self.name)
                wait = 1.0
            if wait > 0:
                self._stop.wait(wait)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
