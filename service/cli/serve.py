"""``sourcediff serve`` and ``sourcediff openapi``: run the HTTP service with
uvicorn, or print (or write) its OpenAPI document."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from service.cli.app import database
from service.http import create_app, openapi_json, server
from service.http.app import first_start
from service.platform.config import Settings
from service.platform.logs import configure_logging

__all__ = ["openapi", "serve"]


def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default: SOURCEDIFF_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: SOURCEDIFF_PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: SOURCEDIFF_WORKERS).")
    ] = None,
) -> None:
    """Run the HTTP service (service.main:app) with uvicorn."""
    settings = Settings()
    configure_logging(settings)
    # What a start does to the database is done here, once, before any
    # worker starts: migrating SQLite (PostgreSQL must be current: exit 1
    # saying the command otherwise) and the first admin key. Each worker's
    # start then finds it done and is serving at once: no migration lock to
    # queue on behind its siblings, on a busy machine, while the supervisor
    # waits for its health check.
    with database(None, settings) as engine:
        if not settings.auth_disabled:
            first_start(engine)
    host = settings.host if host is None else host
    # The app (built by each worker from the environment) must know the
    # interface it is served on: comparing without a key is open by default
    # only on loopback (Settings.compare_open).
    os.environ["SOURCEDIFF_HOST"] = host
    server.run(
        host=host,
        port=settings.port if port is None else port,
        workers=settings.workers if workers is None else workers,
        trusted_proxies=settings.trusted_proxies,
        limits=server.Limits.of(settings),
        healthcheck_seconds=settings.worker_healthcheck_seconds,
    )


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
