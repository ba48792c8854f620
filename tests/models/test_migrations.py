"""Migrations: an empty database, a database at the previous revision, drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from service.models import metadata
from service.platform.db import (
    SchemaBehind,
    alembic_config,
    ensure_schema,
    make_engine,
    schema_status,
    upgrade,
)


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    """What `alembic check` checks: no difference between models and schema."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    current, head = schema_status(engine)
    assert current == head is not None


def test_every_revision_upgrades_from_its_predecessor_with_data(tmp_path: Path) -> None:
    """Walk the chain one revision at a time on SQLite, with a row written at
    the first revision, and check the row survives to head."""
    engine = make_engine(f"sqlite:///{tmp_path / 'chain.db'}")
    script = ScriptDirectory.from_config(alembic_config())
    chain = list(reversed(list(script.walk_revisions())))
    upgrade(engine, chain[0].revision)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outlets (tenant, name, created_at) "
                "VALUES ('t', 'Old Outlet', '2020-01-01 00:00:00')"
            )
        )
    for revision in chain[1:]:
        upgrade(engine, revision.revision)
    upgrade(engine)
    with engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM outlets")).scalars().all()
    assert names == ["Old Outlet"]
    assert {"outlets", "articles", "versions"} <= set(inspect(engine).get_table_names())


def test_sqlite_is_created_at_start_other_databases_must_be_current(
    tmp_path: Path, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        ensure_schema(fresh)  # creates and upgrades, no set-up
        assert schema_status(fresh)[0] == schema_status(fresh)[1]
        with fresh.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        return
    # PostgreSQL: a database at no revision is refused, naming the command.
    admin = make_engine(database_url)
    with admin.connect() as connection:
        connection.execute(text("COMMIT"))
    empty_schema = f"{database_url}?options=-csearch_path%3Dempty_schema"
    with admin.begin() as connection:
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS empty_schema"))
    behind = make_engine(empty_schema)
    with pytest.raises(SchemaBehind, match="sourcediff db upgrade"):
        ensure_schema(behind)
    behind.dispose()
    admin.dispose()


def test_the_quote_index_is_built_for_versions_stored_before_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'backfill.db'}")
    upgrade(engine, "0002")
    statements = [
        "INSERT INTO outlets (id, tenant, name, created_at) VALUES (1, 't', 'W', '2020-01-01')",
        "INSERT INTO articles (id, tenant, outlet_id, url, created_at) "
        "VALUES ('a1', 't', 1, 'https://x/1', '2020-01-01')",
    ]
    for number, text_ in enumerate(['"We will never surrender," he said.', '"Never," he said.']):
        statements.append(
            "INSERT INTO versions (article_id, tenant, number, text, fetched_at, content_hash) "
            f"VALUES ('a1', 't', {number + 1}, '{text_}', '2020-01-01', 'h{number}')"
        )
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    upgrade(engine)
    with engine.connect() as connection:
        quotes = connection.execute(
            text("SELECT version, text, latest FROM quotes ORDER BY version")
        ).all()
        filed = connection.execute(text("SELECT count(*) FROM quote_shingles")).scalar_one()
    assert [tuple(q) for q in quotes] == [(1, "We will never surrender,", 0), (2, "Never,", 1)]
    assert filed >= 3


def test_postgres_connections_keep_the_urls_options_and_run_without_jit(
    postgres_url: str,
) -> None:
    engine = make_engine(f"{postgres_url}?options=-csearch_path%3Dmy_schema")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW search_path")).scalar() == "my_schema"
            assert connection.execute(text("SHOW jit")).scalar() == "off"
    finally:
        engine.dispose()
