"""Scratch databases for tests and benchmarks.

Public API:

- ``scratch_postgres(admin_url, prefix)``: a context manager; a new, empty
  database on ``admin_url``'s server (its URL), dropped on exit, connections
  and all. ``OperationalError`` when the server cannot be reached.
- ``postgres_unreachable(admin_url)``: why the server cannot be used, or
  ``None``.
- ``scratch_sqlite(prefix)``: the URL of an SQLite file in a temporary
  directory, removed on exit.

Nothing here needs pytest: ``tests/conftest.py`` and the scripts in
``bench/`` share it.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

__all__ = ["postgres_unreachable", "scratch_postgres", "scratch_sqlite"]


@contextmanager
def scratch_postgres(
    admin_url: str, prefix: str = "sourcediff_scratch", *, template: str | None = None
) -> Iterator[str]:
    """A new database on ``admin_url``'s server (a copy of ``template``
    when given), dropped after."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copied = f' TEMPLATE "{template}"' if template is not None else ""
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copied}'))
        try:
            yield admin.url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def postgres_unreachable(admin_url: str) -> str | None:
    admin = create_engine(admin_url)
    try:
        with admin.connect():
            return None
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]
    finally:
        admin.dispose()


@contextmanager
def scratch_sqlite(prefix: str = "sourcediff-scratch") -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as tmp:
        yield f"sqlite:///{tmp}/{prefix}.db"
