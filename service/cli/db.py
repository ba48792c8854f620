"""``sourcediff db upgrade | status``: migrate the database to the newest
schema, or say whether it is behind (exit 1 when it is)."""

from __future__ import annotations

import typer

from service.cli.app import DatabaseUrl, database, fail
from service.platform.config import Settings
from service.platform.db import schema_status, upgrade

__all__ = ["db_app", "db_status", "db_upgrade"]

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
