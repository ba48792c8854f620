"""The ``sourcediff`` command.

Commands:

- ``sourcediff compare LEFT RIGHT``: compare two articles (files, or ``-``
  for standard input); a coloured report by default, the API's exact JSON
  with ``--json``. ``--html`` reads both as HTML; ``.html``/``.htm`` files
  are read as HTML anyway.
- ``sourcediff serve``: run the HTTP service with uvicorn.
- ``sourcediff openapi``: print or write the service's OpenAPI document.

Exit status: 0 on success; 2 on bad usage, a missing or unreadable input,
or an input the service would refuse (empty, too large, no text in HTML).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
import uvicorn

from service.api import create_app, openapi_json
from service.config import Settings
from service.errors import SourcediffError
from service.report import render_report
from service.usecases.compare import HtmlSource, Source, TextSource, compare_sides, comparison_body

__all__ = ["app", "main"]

app = typer.Typer(
    name="sourcediff",
    help="Compare the quotations of news articles.",
    no_args_is_help=True,
    add_completion=False,
)

STDIN = "-"
HTML_SUFFIXES = frozenset({".html", ".htm"})


def _fail(message: str) -> NoReturn:
    typer.echo(f"sourcediff: {message}", err=True)
    raise typer.Exit(2)


def _read(path: str) -> str:
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except FileNotFoundError:
        _fail(f"{path}: no such file")
    except OSError as exc:
        _fail(f"{path}: cannot read: {exc.strerror or exc}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(f"{path}: not UTF-8 text (byte {exc.start})")


def _source(path: str, html: bool) -> Source:
    text = _read(path)
    if html or Path(path).suffix.lower() in HTML_SUFFIXES:
        return HtmlSource(text)
    return TextSource(text)


def _wants_color(color: bool | None) -> bool:
    if color is not None:
        return color
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@app.command()
def compare(
    left: Annotated[str, typer.Argument(help="Left article: a file, or - for standard input.")],
    right: Annotated[str, typer.Argument(help="Right article: a file, or -.")],
    html: Annotated[
        bool, typer.Option("--html", help="Read both as HTML (.html/.htm files always are).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON of POST /v1/compare instead.")
    ] = False,
    color: Annotated[
        bool | None,
        typer.Option(
            "--color/--no-color",
            help="Colour the report (default: on a terminal, unless NO_COLOR is set).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Compare the quotations of two articles."""
    if left == right == STDIN:
        _fail("only one of LEFT and RIGHT can be - (standard input)")
    left_source, right_source = _source(left, html), _source(right, html)
    try:
        comparison = compare_sides(left_source, right_source, Settings())
    except SourcediffError as exc:
        _fail(exc.detail)
    if as_json:
        body = comparison_body(comparison, left_source, right_source)
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    use_color = _wants_color(color)
    report = render_report(comparison, left_name=left, right_name=right, color=use_color)
    typer.echo(report, color=use_color)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default: SOURCEDIFF_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: SOURCEDIFF_PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: SOURCEDIFF_WORKERS).")
    ] = None,
) -> None:
    """Run the HTTP service (service.main:app) with uvicorn."""
    settings = Settings()
    uvicorn.run(
        "service.main:app",
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
        workers=settings.workers if workers is None else workers,
    )


@app.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
) -> None:
    """Print the service's OpenAPI document (JSON, sorted keys)."""
    document = openapi_json(create_app())
    if output is None:
        typer.echo(document, nl=False)
    else:
        output.write_text(document, encoding="utf-8")


def main() -> None:
    """Console entry point (``sourcediff``)."""
    app()


if __name__ == "__main__":
    main()
