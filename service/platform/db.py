"""The database engine and its schema version (the Alembic migrations).

The embedded SQLite default is created and upgraded when the app starts (no
set-up for a new user); any other database must already be current, and
schema changes there belong to the operator (``sourcediff db upgrade``).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url

from service.platform.config import SQLITE_MMAP_BYTES

__all__ = [
    "SchemaBehind",
    "alembic_config",
    "ensure_schema",
    "is_sqlite",
    "make_engine",
    "migrations_dir",
    "schema_status",
    "upgrade",
]

UPGRADE_COMMAND = "sourcediff db upgrade"


class SchemaBehind(RuntimeError):
    """The database's schema is older than this code (or unknown to it)."""


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(mmap_bytes: int, dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the writer; FULL makes every commit reach
    # the disk before it is acknowledged; the timeout queues writers.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute(f"PRAGMA mmap_size={int(mmap_bytes)}")
    cursor.close()


def make_engine(url: str, *, sqlite_mmap_bytes: int = SQLITE_MMAP_BYTES, **kwargs: Any) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://…``):
    on SQLite, WAL journal, foreign keys, ``synchronous=FULL``, a busy
    timeout and reads through a memory map of ``sqlite_mmap_bytes``
    (``SQLITE_MMAP_BYTES``) on every connection; on PostgreSQL, JIT
    compilation off."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", partial(_sqlite_pragmas, sqlite_mmap_bytes))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # JIT compilation pays off for long analytical queries; for a service's
    # short ones its compile time is the whole cost (it doubled the quote
    # search's p99 at a million quotations: bench/bench_search.py). Added to
    # whatever ``options`` the URL or the caller gives, never instead.
    parsed = make_url(url)
    connect_args = dict(kwargs.pop("connect_args", {}))
    given = [connect_args.get("options"), parsed.query.get("options")]
    options = " ".join(o for o in given if isinstance(o, str) and o)
    connect_args["options"] = f"{options} -c jit=off".strip()
    return create_engine(
        parsed.difference_update_query(["options"]), connect_args=connect_args, **kwargs
    )


def migrations_dir() -> Path:
    """Where the Alembic scripts live: ``SOURCEDIFF_MIGRATIONS_DIR``, else
    ``migrations/`` at the repository root (or in the working directory)."""
    configured = os.environ.get("SOURCEDIFF_MIGRATIONS_DIR")
    if configured:
        return Path(configured)
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (base / "migrations" / "env.py").is_file():
            return base / "migrations"
    raise FileNotFoundError(
        "Alembic migrations not found: run from the repository or set SOURCEDIFF_MIGRATIONS_DIR"
    )


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config for ``engine`` (the connection is handed to env.py)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
        config.attributes["engine"] = engine
    return config


@contextmanager
def _file_lock(database: str | None) -> Iterator[None]:
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def schema_status(engine: Engine) -> tuple[str | None, str | None]:
    """The database's current revision and the code's head revision."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, head


def ensure_schema(engine: Engine) -> None:
    """What the app does at start: upgrade SQLite; refuse (``SchemaBehind``,
    naming the command that upgrades it) any other database that is not
    current."""
    if is_sqlite(engine) and engine.url.database:
        # A new database's directory (the user's data directory at first).
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    current, head = schema_status(engine)
    if is_sqlite(engine):
        if current == head:
            return  # the usual start: nothing to lock, nothing to run
        # Several workers may start at once on one file: one migrates, the
        # others wait for it and then find the schema current.
        with _file_lock(engine.url.database):
            upgrade(engine)
        return
    if current != head:
        raise SchemaBehind(
            f"database schema is at revision {current or 'none'}, this code needs {head}: "
            f"run `{UPGRADE_COMMAND}` (with SOURCEDIFF_DATABASE_URL set) first"
        )
