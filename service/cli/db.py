"""``sourcediff db upgrade | status | refresh-quotes``: migrate the database
to the newest schema, say whether it is behind (exit 1 when it is), or file
again the quotations of the versions other extraction code found."""

from __future__ import annotations

from typing import Annotated

import typer

from service.cli.app import DatabaseUrl, database, fail
from service.platform.config import Settings
from service.platform.db import schema_status, upgrade
from service.quotes.refresh import BATCH, refresh_quotes

__all__ = ["db_app", "db_refresh_quotes", "db_status", "db_upgrade"]

db_app: typer.Typer = typer.Typer(
    name="db",
    help="Manage the database's schema.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Run the database migrations up to the newest revision."""
    with database(database_url, Settings(), ensure=False) as engine:
        before, _ = schema_status(engine)
        upgrade(engine)
        after, _ = schema_status(engine)
    outcome = "already at head" if before == after else "upgraded"
    typer.echo(f"revision {before or 'none'} → {after or 'none'} ({outcome})")


@db_app.command("status")
def db_status(database_url: DatabaseUrl = None) -> None:
    """Print the database's revision and this code's; exit 1 when they differ."""
    with database(database_url, Settings(), ensure=False, existing=True) as engine:
        current, head = schema_status(engine)
    typer.echo(f"current {current or 'none'}\nhead    {head or 'none'}")
    if current != head:
        fail("the database schema is not at head: run `sourcediff db upgrade`", 1)


@db_app.command("refresh-quotes")
def db_refresh_quotes(
    database_url: DatabaseUrl = None,
    batch: Annotated[
        int, typer.Option("--batch", min=1, help="Versions extracted and written per transaction.")
    ] = BATCH,
    latest_only: Annotated[
        bool,
        typer.Option(
            "--latest-only", help="Refresh each article's latest version only (what search reads)."
        ),
    ] = False,
) -> None:
    """Extract again the stored versions that other extraction code found the
    quotations of (after a release that changed it), file what this code
    finds in their place and stamp them; latest versions first. Safe to run
    beside the service, to stop and to run again."""
    with database(database_url, Settings(), existing=True) as engine:
        done = refresh_quotes(engine, batch=batch, latest_only=latest_only)
    typer.echo(
        f"{done.checked} versions checked, {done.extracted} re-extracted "
        f"({done.replaced} with changed quotations), {done.stamped} stamped"
    )
