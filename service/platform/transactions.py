"""Running a write as one transaction that survives races: when a unique
constraint or a busy SQLite database refuses it (another request won a
race), it runs again from a fresh read.

On SQLite, writers queue instead of racing. A transaction SQLite begins
itself reads first and asks for the write lock at its first write; in WAL
mode that fails at once, whatever the busy timeout, when another writer
committed since the read began, and the step runs again after a backoff
that doubles. Eight clients recording versions into one file retried each
other into a p99 of 2.4 s (``bench/bench_ingest.py``). So each step here
begins with ``BEGIN IMMEDIATE``, which takes the write lock before the
first read (waiting for it under the busy timeout, never failing on a stale
read), and the threads of one process take turns at a lock of the
database's before that, first come first served, rather than waking in
SQLite's busy handler to try again. PostgreSQL locks rows, and its writers
run side by side as before."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from service.platform.errors import ServiceUnavailable

__all__ = ["ATTEMPTS", "in_transaction"]

ATTEMPTS = 10
T = TypeVar("T")


# One lock per SQLite database file (its URL), shared by the engines on it.
_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_LOCK = threading.Lock()


def _writers(engine: Engine) -> threading.RLock:
    """The lock of this process's writers to ``engine``'s SQLite database."""
    key = str(engine.url)
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(key, threading.RLock())


def in_transaction(engine: Engine, step: Callable[[Session], T]) -> T:
    """Run ``step(session)`` and commit; when the write is refused, roll back
    and run the whole step again, with a jittered backoff, up to
    ``ATTEMPTS`` times; then ``ServiceUnavailable``. The step must only read
    and write through its session, so that running it again is safe.

    The rows ``step`` returns stay readable once the session is closed (they
    are not expired by the commit): a use case returns the rows it wrote,
    and the route builds its response from them."""
    sqlite = engine.dialect.name == "sqlite"
    for attempt in range(ATTEMPTS):
        writers = _writers(engine) if sqlite else nullcontext()
        with writers, Session(engine, expire_on_commit=False) as session:
            try:
                if sqlite:
                    # pysqlite begins no transaction before this statement
                    # (only before a write), so this one is the first.
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                result = step(session)
                session.commit()
                return result
            except (IntegrityError, OperationalError):
                # A concurrent request won a race (or SQLite was busy): start
                # again from a fresh read.
                session.rollback()
        time.sleep(random.uniform(0, 0.005 * 2**attempt))
    raise ServiceUnavailable("the data is being updated by other requests; retry shortly")
