"""Running a write as one transaction that survives races: when a unique
constraint or a busy SQLite database refuses it (another request won a
race), it runs again from a fresh read."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from service.platform.errors import ServiceUnavailable

__all__ = ["ATTEMPTS", "in_transaction"]

ATTEMPTS = 10
T = TypeVar("T")


def in_transaction(engine: Engine, step: Callable[[Session], T]) -> T:
    """Run ``step(session)`` and commit; when the write is refused, roll back
    and run the whole step again, with a jittered backoff, up to
    ``ATTEMPTS`` times; then ``ServiceUnavailable``. The step must only read
    and write through its session, so that running it again is safe.

    The rows ``step`` returns stay readable once the session is closed (they
    are not expired by the commit): a use case returns the rows it wrote,
    and the route builds its response from them."""
    for attempt in range(ATTEMPTS):
        with Session(engine, expire_on_commit=False) as session:
            try:
                result = step(session)
                session.commit()
                return result
            except (IntegrityError, OperationalError):
                # A concurrent request won a race (or SQLite was busy): start
                # again from a fresh read.
                session.rollback()
        time.sleep(random.uniform(0, 0.005 * 2**attempt))
    raise ServiceUnavailable("the data is being updated by other requests; retry shortly")
