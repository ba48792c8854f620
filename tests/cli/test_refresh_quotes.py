"""``sourcediff db refresh-quotes``: what it prints, its exit status, and
that a second run finds nothing to do, on SQLite and PostgreSQL
(``tests/articles/test_refresh_quotes.py`` holds what it writes)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from service.cli.app import app
from service.core.quotes import EXTRACTOR
from service.platform.db import make_engine
from tests.articles.test_stored_quotes import EDITED, TEXTS, restamp, store


def test_it_refreshes_stale_versions_and_then_finds_none(
    runner: CliRunner, empty_database_url: str, tenant: str
) -> None:
    engine = make_engine(empty_database_url)
    try:
        store(engine, tenant, TEXTS["pronouns"])
        edited = store(engine, tenant, EDITED)
        fresh = store(engine, tenant, TEXTS["titles"], url="https://wire.example/b")
        restamp(engine, edited.id, "0" * 16)
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE quotes SET speaker = 'Stored Speaker' WHERE article_id = :a"),
                {"a": edited.id},
            )

        command = ["db", "refresh-quotes", "--database-url", empty_database_url]
        latest = runner.invoke(app, [*command, "--latest-only", "--batch", "1"])
        assert latest.exit_code == 0, latest.output
        assert latest.stdout == (
            "2 versions checked, 1 re-extracted (1 with changed quotations), 1 stamped\n"
        )
        every = runner.invoke(app, command)
        assert every.exit_code == 0, every.output
        assert every.stdout == (
            "3 versions checked, 1 re-extracted (1 with changed quotations), 1 stamped\n"
        )
        again = runner.invoke(app, command)
        assert again.exit_code == 0, again.output
        assert (
            again.stdout
            == "3 versions checked, 0 re-extracted (0 with changed quotations), 0 stamped\n"
        )

        with engine.connect() as connection:
            stamps = connection.execute(text("SELECT article_id, extractor FROM versions")).all()
            speakers = connection.execute(text("SELECT speaker FROM quotes")).scalars().all()
        assert sorted(stamps) == sorted(
            [(edited.id, EXTRACTOR), (edited.id, EXTRACTOR), (fresh.id, EXTRACTOR)]
        )
        assert "Stored Speaker" not in speakers
    finally:
        engine.dispose()


def test_a_batch_below_one_is_bad_usage(runner: CliRunner, database: Path) -> None:
    result = runner.invoke(app, ["db", "refresh-quotes", "--batch", "0"])
    assert result.exit_code == 2
    assert not database.exists()


def test_no_database_to_refresh_exits_1(runner: CliRunner, database: Path) -> None:
    result = runner.invoke(app, ["db", "refresh-quotes"])
    assert result.exit_code == 1
    assert f"no database at {database}" in result.stderr
    assert not database.exists()
