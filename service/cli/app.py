"""The ``sourcediff`` Typer application and what its command groups share:
reading input files, failing with a message and an exit status, and opening
the database.

The commands themselves live in one module per group (``compare``,
``articles``, ``keys``, ``db``, ``serve``); the package registers them on
``app`` when it is imported.

The storage commands use ``SOURCEDIFF_DATABASE_URL`` (or ``--database-url``)
and the tenant ``DEFAULT_TENANT`` (the tenant of the first admin key, and of
every request when the API runs with auth disabled). A SQLite database is
created and migrated on first use; any other must be upgraded with
``db upgrade``.

Exit status: 0 on success; 1 when the database is unusable (unreachable,
schema behind), ``db status`` finds it behind, ``versions`` finds no
article, or ``keys revoke`` no key; 2 on bad usage, a missing or unreadable input, or an input the
service would refuse (empty, too large, no text in HTML, not ninjs).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from service.compare.service import HtmlSource, Source, TextSource
from service.platform.config import Settings
from service.platform.db import SchemaBehind, ensure_schema, make_engine

__all__ = [
    "HTML_SUFFIXES",
    "STDIN",
    "DatabaseUrl",
    "app",
    "database",
    "fail",
    "main",
    "read_input",
    "source_of",
    "write_output",
]

# Plain Click help (rich_markup_mode=None): Typer's rich help put a type
# placeholder beside every option, even `--help <bool>`, and kept the
# docstrings' line breaks mid-sentence; Click rewraps them.
app = typer.Typer(
    name="sourcediff",
    help="Compare the quotations of news articles.",
    epilog=(
        "Exit status: 0 on success (a check that passed); 1 when a check finds a "
        "regression, the database is unusable or behind, or what was asked for is not "
        "stored; 2 on bad usage or an input the service would refuse."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(show: bool) -> None:
    if show:
        typer.echo(f"sourcediff {version('sourcediff')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Compare the quotations of news articles."""


STDIN = "-"
HTML_SUFFIXES = frozenset({".html", ".htm"})

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Database URL (default: SOURCEDIFF_DATABASE_URL, else sourcediff.db in the "
        "user's data directory).",
        show_default=False,
    ),
]


def fail(message: str, status: int = 2) -> NoReturn:
    """Say ``message`` on standard error and exit with ``status``."""
    typer.echo(f"sourcediff: {message}", err=True)
    raise typer.Exit(status)


def read_input(path: str) -> str:
    """The UTF-8 text of the file ``path`` (``-``: standard input); a
    missing, unreadable or undecodable file exits 2."""
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except OSError as exc:
        fail(f"{path}: cannot read: {exc.strerror or exc}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"{path}: not UTF-8 text (byte {exc.start})")


def source_of(path: str, html: bool) -> Source:
    """The file ``path`` as one side of a comparison: HTML when ``html`` or
    when its name ends in ``.html``/``.htm``, else text."""
    text = read_input(path)
    if html or Path(path).suffix.lower() in HTML_SUFFIXES:
        return HtmlSource(text)
    return TextSource(text)


def write_output(path: Path, text: str) -> None:
    """Write ``text`` to ``path``; a failure exits 2."""
    try:
        path.write_text(text, "utf-8")
    except OSError as exc:
        fail(f"{path}: cannot write: {exc.strerror or exc}")


@contextmanager
def database(
    url: str | None, settings: Settings, *, ensure: bool = True, existing: bool = False
) -> Iterator[Engine]:
    """An engine on ``url`` (default: the settings'), its schema checked (and,
    on SQLite, created) unless ``ensure`` is false; database failures exit 1.
    With ``existing`` (the commands that only read) a SQLite file that does
    not exist is not created: the command says where it looked and exits 1."""
    try:
        engine = make_engine(
            settings.database_url if url is None else url,
            sqlite_mmap_bytes=settings.sqlite_mmap_bytes,
        )
    except SQLAlchemyError as exc:
        fail(f"bad database URL: {exc}", 1)
    path = _sqlite_file(engine)
    if path is not None and not path.exists():
        if existing:
            engine.dispose()
            fail(
                f"no database at {path}: nothing has been stored there yet "
                "(SOURCEDIFF_DATABASE_URL or --database-url names another; "
                "`sourcediff db upgrade` creates it)",
                1,
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if ensure:
            ensure_schema(engine)
        yield engine
    except SchemaBehind as exc:
        fail(str(exc), 1)
    except SQLAlchemyError as exc:
        # The first line names the cause; the rest is SQL and a link.
        fail(f"database error: {str(exc).splitlines()[0]}", 1)
    except OSError as exc:  # e.g. the SQLite file's directory is missing
        fail(f"database error: {exc}", 1)
    finally:
        engine.dispose()


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite database, ``None`` for any other (or in memory)."""
    name = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    return Path(name)


def main() -> None:
    """Console entry point (``sourcediff``)."""
    app()


if __name__ == "__main__":
    # `python -m service.cli.app` runs this file a second time, as
    # `__main__`, after the package has registered every command on its own
    # `service.cli.app.app`: run that one, not this module's empty copy.
    from service.cli import main as registered_main

    registered_main()
