"""``sourcediff keys create | list | revoke``: the API keys, straight in the
database. ``create`` prints the new key, the only time it is shown (only its
hash is stored); ``list --json`` prints each key as ``KeyOut``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlmodel import Session

from service.cli.app import DatabaseUrl, database, fail
from service.keys.schemas import KeyOut
from service.keys.service import SCOPES, create_key, list_keys, parse_scopes, revoke_key
from service.platform.config import DEFAULT_TENANT, Settings
from service.platform.errors import SourcediffError

__all__ = ["keys_app", "keys_create", "keys_list", "keys_revoke"]

keys_app: typer.Typer = typer.Typer(
    name="keys",
    help="Manage the API keys.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")],
    scope: Annotated[
        list[str],
        typer.Option("--scope", help=f"One of {', '.join(SCOPES)}; repeat for several."),
    ],
    tenant: Annotated[str, typer.Option("--tenant", help="The tenant it acts for.")] = (
        DEFAULT_TENANT
    ),
    database_url: DatabaseUrl = None,
) -> None:
    """Create an API key and print it: this once, as only its hash is stored."""
    try:
        parse_scopes(scope)
    except ValueError as exc:
        fail(str(exc))
    with database(database_url, Settings()) as engine, Session(engine) as session:
        try:
            created = create_key(session, tenant, name, scope)
        except ValueError as exc:
            fail(str(exc))
        session.commit()
    info = created.info
    typer.echo(created.key)
    typer.echo(
        f"created key {info.key_id} for tenant {info.tenant!r} with scopes "
        f"{' '.join(info.scopes)}; it is shown only this once",
        err=True,
    )


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str | None, typer.Option("--tenant", help="Only this tenant's.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of the keys instead.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """List the API keys (never the keys themselves), revoked ones too."""
    with (
        database(database_url, Settings(), existing=True) as engine,
        Session(engine) as session,
    ):
        rows = [KeyOut.of(key).model_dump(mode="json") for key in list_keys(session, tenant)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{'key id':<16}  {'tenant':<12}  {'scopes':<16}  {'created (UTC)':<19}  revoked  name"
    )
    for row in rows:
        created = row["created_at"][:19].replace("T", " ")
        revoked = "yes" if row["revoked_at"] else "no"
        typer.echo(
            f"{row['key_id']:<16}  {row['tenant']:<12}  {' '.join(row['scopes']):<16}  "
            f"{created:<19}  {revoked:<7}  {row['name']}"
        )


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (`keys list` shows them).")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke an API key: from now on it is refused with 401."""
    with database(database_url, Settings()) as engine, Session(engine) as session:
        try:
            key = revoke_key(session, key_id)
        except SourcediffError as exc:
            fail(exc.detail, 1)
        session.commit()
    assert key.revoked_at is not None
    typer.echo(f"revoked {key.key_id} ({key.tenant}: {key.name}) at {key.revoked_at.isoformat()}")
